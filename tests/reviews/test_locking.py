"""Decided means decided (service level): locks, reopening with a reason, the reopen cascade and
"needs re-decision" when a later fact breaks a decided grade."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from organizations.models import PositionKind
from organizations.services import position_assign
from reviews import services
from reviews.models import MemberReview, OrgReview, ReviewStatus
from reviews.services import GridInput, SelfAssessment
from tests.factories import UserFactory
from tests.reviews.helpers import propose

pytestmark = pytest.mark.django_db


def _decided_cell(cast, cycle, cell=None, secretary=None, **kw):
    cell = cell or cast.tree.cell
    propose(cell, cycle, secretary or cast.secretary.user, **kw)
    services.cell_decide(cell=cell, cycle=cycle, user=cast.committee.user)
    return cell


def test_proposed_or_decided_grid_is_locked_in_the_service(cast, cycle):
    cell = cast.tree.cell
    propose(cell, cycle, cast.secretary.user)
    for step in ("proposed", "decided"):
        with pytest.raises(ValidationError):
            services.grid_save(
                cell=cell, cycle=cycle, inputs={cast.member.member.pk: GridInput(grade="COMPLETED")}, user=None
            )
        with pytest.raises(ValidationError):
            services.collective_record(cell=cell, cycle=cycle, note="Ghi đè", user=cast.secretary.user)
        with pytest.raises(ValidationError):
            services.review_self_save(
                member=cast.member.member,
                cycle=cycle,
                data=SelfAssessment(self_grade="EXCELLENT", self_score=95),
                answers={},
                submit=False,
                user=cast.member.user,
            )
        if step == "proposed":
            services.cell_decide(cell=cell, cycle=cycle, user=cast.committee.user)
    org = OrgReview.objects.get(organization=cell)
    assert org.collective_note == "Tập thể chi bộ hoàn thành tốt"
    assert set(MemberReview.objects.values_list("decided_grade", flat=True)) == {"GOOD"}


def test_cell_decided_twice_is_refused(cast, cycle):
    cell = _decided_cell(cast, cycle)
    with pytest.raises(ValidationError):
        services.cell_decide(cell=cell, cycle=cycle, user=cast.committee.user)


def test_member_may_write_only_his_own_review(cast, cycle):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.review_self_save(
            member=cast.member.member,
            cycle=cycle,
            data=SelfAssessment(),
            answers={},
            submit=False,
            user=cast.secretary.user,
        )


def test_org_grade_is_locked_until_reopened_with_a_reason(cast, cycle):
    cell = _decided_cell(cast, cycle)
    services.org_grade_decide(org=cell, cycle=cycle, grade="GOOD", user=cast.committee.user)
    with pytest.raises(ValidationError) as exc:
        services.org_grade_decide(org=cell, cycle=cycle, grade="EXCELLENT", user=cast.committee.user)
    assert "phải mở lại" in str(exc.value)
    with pytest.raises(ValidationError):
        services.org_grade_reopen(org=cell, cycle=cycle, reason="  ", user=cast.committee.user)
    assert OrgReview.objects.get(organization=cell).decided_grade == "GOOD"
    services.org_grade_reopen(org=cell, cycle=cycle, reason="Khiếu nại", user=cast.committee.user)
    org = OrgReview.objects.get(organization=cell)
    assert (org.decided_grade, org.grade_reopen_reason) == ("", "Khiếu nại")
    assert org.history.filter(decided_grade="GOOD").exists()  # audited
    services.org_grade_decide(org=cell, cycle=cycle, grade="EXCELLENT", user=cast.committee.user)
    assert OrgReview.objects.get(organization=cell).decided_grade == "EXCELLENT"
    with pytest.raises(ValidationError):
        services.org_grade_reopen(org=cast.tree.cell2, cycle=cycle, reason="x", user=cast.committee.user)


def test_reopening_a_cell_reopens_its_organisation_grade(cast, cycle):
    cell = _decided_cell(cast, cycle)
    services.org_grade_decide(org=cell, cycle=cycle, grade="GOOD", user=cast.committee.user)
    services.cell_return(cell=cell, cycle=cycle, reason="Có đơn khiếu nại", user=cast.committee.user)
    org = OrgReview.objects.get(organization=cell)
    assert (org.status, org.decided_grade, org.grade_reopen_reason) == (ReviewStatus.RETURNED, "", "Có đơn khiếu nại")
    assert set(MemberReview.objects.filter(cell=cell).values_list("status", "decided_grade")) == {
        (ReviewStatus.RETURNED, "")
    }
    with pytest.raises(ValidationError):  # no org grade before the members are decided again
        services.org_grade_decide(org=cell, cycle=cycle, grade="GOOD", user=cast.committee.user)


def test_return_and_reopen_need_a_reason(cast, cycle):
    cell = cast.tree.cell
    propose(cell, cycle, cast.secretary.user)
    with pytest.raises(ValidationError):
        services.cell_return(cell=cell, cycle=cycle, reason=" ", user=cast.committee.user)
    assert OrgReview.objects.get(organization=cell).status == ReviewStatus.PROPOSED


def _discipline(cast, member, kind="WARNING"):
    return services.discipline_record_create(
        member=member,
        kind=kind,
        decided_on=dt.date(2026, 11, 2),
        decision_number="12-QĐ/ĐU",
        violation="Vi phạm",
        decided_by=cast.tree.committee,
        user=cast.committee.user,
    )


def test_discipline_after_decision_moves_the_results_to_needs_redecision(cast, cycle):
    cell = _decided_cell(cast, cycle)
    services.org_grade_decide(org=cell, cycle=cycle, grade="EXCELLENT", user=cast.committee.user)
    _discipline(cast, cast.secretary.member)
    review = MemberReview.objects.get(member=cast.secretary.member)
    assert review.status == ReviewStatus.DECIDED and review.decided_grade == "GOOD"  # kept, never silently
    assert "Kỷ luật cảnh cáo (12-QĐ/ĐU) ghi nhận sau quyết định" in review.redecide_reason
    assert "chỉ được xếp loại Không hoàn thành nhiệm vụ" in review.redecide_reason
    assert MemberReview.objects.get(member=cast.member.member).redecide_reason == ""  # not affected
    org = OrgReview.objects.get(organization=cell)
    assert org.decided_grade == "EXCELLENT" and "cảnh cáo trở lên" in org.redecide_reason
    from reviews.selectors import redecision_counts

    assert redecision_counts(cast.tree.province, 2026) == {"members": 1, "orgs": 1}
    # re-decided after reopening: the flag goes, the rule now holds
    services.cell_return(cell=cell, cycle=cycle, reason="Kỷ luật sau quyết định", user=cast.committee.user)
    assert OrgReview.objects.get(organization=cell).redecide_reason == ""
    with pytest.raises(services.RulesRefused):
        propose(cell, cycle, cast.secretary.user)
    propose(cell, cycle, cast.secretary.user, per={cast.secretary.member.pk: "NOT_COMPLETED"})
    services.cell_decide(cell=cell, cycle=cycle, user=cast.committee.user)
    assert redecision_counts(cast.tree.province, 2026) == {"members": 0, "orgs": 0}


def test_discipline_that_breaks_nothing_flags_nothing(cast, cycle):
    _decided_cell(cast, cycle, per={cast.member.member.pk: "NOT_COMPLETED"})
    _discipline(cast, cast.member.member, kind="REPRIMAND")
    assert MemberReview.objects.get(member=cast.member.member).redecide_reason == ""


def test_a_subordinates_grade_change_flags_the_decided_parent(cast, cycle):
    tree = cast.tree
    commune_sc = UserFactory(username="xauy")
    position_assign(user=commune_sc, organization=tree.commune, kind=PositionKind.STANDING_COMMITTEE)
    _decided_cell(cast, cycle)
    _decided_cell(cast, cycle, cell=tree.cell2, secretary=cast.other_secretary.user)
    for cell in (tree.cell, tree.cell2):
        services.org_grade_decide(org=cell, cycle=cycle, grade="GOOD", user=cast.committee.user)
    services.org_grade_decide(org=tree.committee, cycle=cycle, grade="EXCELLENT", user=commune_sc)
    assert OrgReview.objects.get(organization=tree.committee).redecide_reason == ""
    services.org_grade_reopen(org=tree.cell2, cycle=cycle, reason="Sai sót", user=cast.committee.user)
    services.org_grade_decide(org=tree.cell2, cycle=cycle, grade="COMPLETED", reason="x", user=cast.committee.user)
    parent = OrgReview.objects.get(organization=tree.committee)
    assert parent.decided_grade == "EXCELLENT"
    assert "Xếp loại của Chi bộ Tổ 2 thay đổi" in parent.redecide_reason
    with pytest.raises(ValidationError):  # can't be re-decided without reopening
        services.org_grade_decide(org=tree.committee, cycle=cycle, grade="GOOD", user=commune_sc)
    services.org_grade_reopen(org=tree.committee, cycle=cycle, reason="Cấp dưới thay đổi", user=commune_sc)
    services.org_grade_decide(org=tree.committee, cycle=cycle, grade="GOOD", user=commune_sc)
    assert OrgReview.objects.get(organization=tree.committee).redecide_reason == ""


def test_facts_changed_hook_flags_a_conclusion(cast, cycle):
    """The hook other services (official conclusions) call: a conclusion after the decision flags it."""
    _decided_cell(cast, cycle)
    review = MemberReview.objects.get(member=cast.member.member)
    review.concluded_manifestation = True
    review.save()
    services.facts_changed(member=cast.member.member, year=2026, cause="Kết luận của UBKT")
    review.refresh_from_db()
    assert review.redecide_reason.startswith("Kết luận của UBKT: ")


def test_admin_history_revert_cannot_rewrite_a_decided_grade(client, cast, cycle):
    from django.urls import reverse

    cell = _decided_cell(cast, cycle)
    review = MemberReview.objects.get(member=cast.member.member)
    before = review.history.filter(status=ReviewStatus.PROPOSED).first()
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    url = reverse("admin:reviews_memberreview_simple_history", args=[review.pk, before.history_id])
    assert client.get(url).status_code == 200  # history can be read
    data = {f: getattr(before, f) or "" for f in ("status", "proposed_grade", "decided_grade", "year")}
    data |= {"member": review.member_id, "cycle": cycle.pk, "cell": cell.pk, "flagged_mask": 0}
    assert client.post(url, data).status_code == 403
    review.refresh_from_db()
    assert (review.status, review.decided_grade) == (ReviewStatus.DECIDED, "GOOD")
