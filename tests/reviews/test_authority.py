"""Authority exactly as REFERENCE 3.1 / 4, at the service level: the competent body and nobody else."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from notifications.models import Notification
from organizations.models import PositionKind
from organizations.services import position_assign
from reviews import services
from reviews.models import MemberReview, OrgReview, QuotaOverride, ReviewStatus
from tests.factories import MemberFactory, UserFactory
from tests.reviews.helpers import members_of, propose

pytestmark = pytest.mark.django_db


def _sc(username, org, kind=PositionKind.STANDING_COMMITTEE):
    user = UserFactory(username=username)
    position_assign(user=user, organization=org, kind=kind)
    return user


def test_grassroots_committee_decides_its_cells_members(cast, cycle):
    cell = cast.tree.cell
    propose(cell, cycle, cast.secretary.user)
    reviews = services.cell_decide(cell=cell, cycle=cycle, user=cast.committee.user)
    assert {r.status for r in reviews} == {ReviewStatus.DECIDED}
    assert {r.decided_by for r in MemberReview.objects.filter(cell=cell)} == {cast.committee.user}


@pytest.mark.parametrize("who", ["province", "commune_sc", "secretary", "inspector", "committee_member", "superuser"])
def test_nobody_else_decides_a_cells_members(cast, cycle, who):
    """An ancestor above the competent body (commune, province), the cell itself, a reader: 403, nothing saved."""
    users = {
        "province": cast.province.user,
        "commune_sc": _sc("xauy", cast.tree.commune),
        "secretary": cast.secretary.user,
        "inspector": _sc("ubkt-dangbo", cast.tree.committee, PositionKind.INSPECTION),
        "committee_member": _sc("danguy-vien", cast.tree.committee, PositionKind.COMMITTEE_MEMBER),
        "superuser": UserFactory(username="root", is_superuser=True, is_staff=True),
    }
    cell = cast.tree.cell
    propose(cell, cycle, cast.secretary.user)
    with pytest.raises(PermissionDenied):
        services.cell_decide(cell=cell, cycle=cycle, user=users[who])
    assert not MemberReview.objects.filter(status=ReviewStatus.DECIDED).exists()
    assert OrgReview.objects.get(organization=cell).status == ReviewStatus.PROPOSED


def test_ancestor_above_may_not_return_or_reopen(cast, cycle):
    cell = cast.tree.cell
    propose(cell, cycle, cast.secretary.user)
    with pytest.raises(PermissionDenied):
        services.cell_return(cell=cell, cycle=cycle, reason="Xem lại", user=cast.province.user)
    services.cell_decide(cell=cell, cycle=cycle, user=cast.committee.user)
    for user in (cast.province.user, cast.secretary.user):
        with pytest.raises(PermissionDenied):
            services.cell_return(cell=cell, cycle=cycle, reason="Có đơn", user=user)
    assert OrgReview.objects.get(organization=cell).status == ReviewStatus.DECIDED
    services.cell_return(cell=cell, cycle=cycle, reason="Có đơn", user=cast.committee.user)
    assert OrgReview.objects.get(organization=cell).status == ReviewStatus.RETURNED


def test_organisation_graded_by_directly_superior_standing_committee_only(cast, cycle):
    cell, committee, commune = cast.tree.cell, cast.tree.committee, cast.tree.commune
    propose(cell, cycle, cast.secretary.user)
    services.cell_decide(cell=cell, cycle=cycle, user=cast.committee.user)
    # a cell under a grassroots committee: graded by that committee, not the province
    with pytest.raises(PermissionDenied):
        services.org_grade_decide(org=cell, cycle=cycle, grade="GOOD", user=cast.province.user)
    services.org_grade_decide(org=cell, cycle=cycle, grade="GOOD", user=cast.committee.user)
    # the grassroots committee: graded by the commune's standing committee, not itself, not the province
    commune_sc = _sc("xauy", commune)
    for user in (cast.committee.user, cast.province.user):
        with pytest.raises(PermissionDenied):
            services.org_grade_decide(org=committee, cycle=cycle, grade="GOOD", user=user)
    services.org_grade_decide(org=committee, cycle=cycle, grade="GOOD", user=commune_sc)
    assert OrgReview.objects.get(organization=committee).decided_grade == "GOOD"
    with pytest.raises(PermissionDenied):
        services.org_grade_reopen(org=committee, cycle=cycle, reason="x", user=cast.province.user)


def _gcell_with_secretary(cast):
    gcell = cast.tree.gcell
    secretary = UserFactory(username="bithu-thon")
    MemberFactory(cell=gcell, user=secretary)
    position_assign(user=secretary, organization=gcell, kind=PositionKind.CELL_SECRETARY)
    return gcell, secretary


def test_grassroots_cell_decides_itself_as_a_body(cast, cycle):
    gcell, secretary = _gcell_with_secretary(cast)
    propose(gcell, cycle, secretary)
    with pytest.raises(ValidationError) as exc:
        services.cell_decide(cell=gcell, cycle=cycle, user=secretary)
    assert "decision_record" in exc.value.message_dict
    # the commune above supervises: it may not decide the cell's members
    commune2_sc = _sc("xauy2", cast.tree.commune2)
    with pytest.raises(PermissionDenied):
        services.cell_decide(cell=gcell, cycle=cycle, decision_record="BB 01", user=commune2_sc)
    services.cell_decide(cell=gcell, cycle=cycle, decision_record="Biên bản họp chi bộ 20/12", user=secretary)
    assert OrgReview.objects.get(organization=gcell).status == ReviewStatus.DECIDED
    # its own grade is decided by the commune's standing committee, not by the cell
    with pytest.raises(PermissionDenied):
        services.org_grade_decide(org=gcell, cycle=cycle, grade="GOOD", user=secretary)
    services.org_grade_decide(org=gcell, cycle=cycle, grade="GOOD", user=commune2_sc)


def test_grassroots_cell_quota_override_is_reported_to_the_superior(cast, cycle):
    gcell, secretary = _gcell_with_secretary(cast)
    commune2_sc = _sc("xauy2", cast.tree.commune2)
    members = members_of(gcell)
    propose(gcell, cycle, secretary, per={members[0].pk: "EXCELLENT"})
    with pytest.raises(services.RulesRefused):
        services.cell_decide(cell=gcell, cycle=cycle, decision_record="BB 01", user=secretary)
    services.cell_decide(
        cell=gcell, cycle=cycle, decision_record="BB 01", override_reason="Thành tích nổi bật", user=secretary
    )
    override = QuotaOverride.objects.get()
    assert override.deciding_body == gcell
    note = Notification.objects.get(user=commune2_sc)
    assert "vượt tỷ lệ" in note.title and str(cast.tree.commune2.pk) in note.link


def test_leader_managed_by_a_higher_committee_is_decided_by_it(cast, cycle):
    """The secretary's position is managed by the commune: the commune's standing committee grades him."""
    from organizations.models import Position

    commune_sc = _sc("xauy", cast.tree.commune)
    Position.objects.filter(user=cast.secretary.user).update(managed_by=cast.tree.commune)
    cell = cast.tree.cell
    propose(cell, cycle, cast.secretary.user)
    services.cell_decide(cell=cell, cycle=cycle, user=cast.committee.user)
    leader = MemberReview.objects.get(member=cast.secretary.member)
    assert leader.status == ReviewStatus.PROPOSED  # left to the managing committee
    assert MemberReview.objects.get(member=cast.member.member).status == ReviewStatus.DECIDED
    with pytest.raises(PermissionDenied):
        services.leader_decide(review=leader, grade="GOOD", user=cast.committee.user)
    services.leader_decide(review=leader, grade="GOOD", user=commune_sc)
    leader.refresh_from_db()
    assert (leader.status, leader.decided_grade, leader.decided_by) == (ReviewStatus.DECIDED, "GOOD", commune_sc)


def test_grid_editing_needs_the_cells_own_editors(cast, cycle):
    with pytest.raises(PermissionDenied):
        propose(cast.tree.cell, cycle, cast.other_secretary.user)
    with pytest.raises(PermissionDenied):
        services.collective_record(cell=cast.tree.cell, cycle=cycle, note="x", user=cast.member.user)
