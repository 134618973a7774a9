"""Duyệt tất cả theo đề xuất (issue 13, item 7): one cell decided as proposed, through the rules of any
decision — competence, lock, version, quota — and audited; an empty decided grade is refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from reviews import services
from reviews.models import MemberReview, OrgReview, ReviewStatus
from tests.reviews.helpers import members_of, propose

pytestmark = pytest.mark.django_db


def test_approve_all_decides_every_member_as_proposed_and_is_audited(cast, cycle):
    cell = cast.tree.cell
    member = cast.member.member
    propose(cell, cycle, cast.secretary.user, per={member.pk: "COMPLETED"})
    version = OrgReview.objects.get(organization=cell).version
    decided = services.cell_approve_all(cell=cell, cycle=cycle, version=version, user=cast.committee.user)
    assert len(decided) == len(members_of(cell)) == 2
    rows = {r.member_id: r for r in MemberReview.objects.filter(cell=cell)}
    assert (rows[member.pk].decided_grade, rows[member.pk].decision_reason) == ("COMPLETED", "")
    assert rows[cast.secretary.member.pk].decided_grade == "GOOD"
    assert {r.status for r in rows.values()} == {ReviewStatus.DECIDED}
    assert {r.decided_by for r in rows.values()} == {cast.committee.user}
    last = rows[member.pk].history.first()  # simple-history: who decided, what
    assert (last.history_user, last.decided_grade, last.status) == (cast.committee.user, "COMPLETED", "DECIDED")
    assert OrgReview.objects.get(organization=cell).status == ReviewStatus.DECIDED


def test_approve_all_is_refused_to_a_body_that_is_not_competent(cast, cycle):
    cell = cast.tree.cell
    propose(cell, cycle, cast.secretary.user)
    for user in (cast.province.user, cast.secretary.user, cast.outsider.user):
        with pytest.raises(services.NotCompetent) as exc:
            services.cell_approve_all(cell=cell, cycle=cycle, user=user)
    assert exc.value.message == (
        "Quyết định xếp loại đảng viên của Chi bộ Tổ 1 thuộc thẩm quyền của Đảng bộ Trường THPT An Hòa."
    )
    assert not MemberReview.objects.filter(status=ReviewStatus.DECIDED).exists()


def test_approve_all_is_refused_before_a_proposal_after_a_decision_and_on_a_stale_version(cast, cycle):
    cell = cast.tree.cell
    message = ["Chi bộ chưa nộp đề xuất hoặc đã được quyết định."]
    with pytest.raises(ValidationError) as exc:
        services.cell_approve_all(cell=cell, cycle=cycle, user=cast.committee.user)
    assert exc.value.messages == message
    propose(cell, cycle, cast.secretary.user)
    version = OrgReview.objects.get(organization=cell).version
    with pytest.raises(services.StaleVersion):
        services.cell_approve_all(cell=cell, cycle=cycle, version=version - 1, user=cast.committee.user)
    services.cell_approve_all(cell=cell, cycle=cycle, version=version, user=cast.committee.user)
    with pytest.raises(ValidationError) as exc:  # decided: locked until reopened
        services.cell_approve_all(cell=cell, cycle=cycle, user=cast.committee.user)
    assert exc.value.messages == message


def test_approve_all_is_refused_over_the_quota_unless_the_body_records_a_reason(cast, cycle):
    cell = cast.tree.cell
    propose(cell, cycle, cast.secretary.user, default="EXCELLENT")
    with pytest.raises(services.RulesRefused) as exc:
        services.cell_approve_all(cell=cell, cycle=cycle, user=cast.committee.user)
    assert "QUOTA" in {v.code for v in exc.value.violations}
    assert not MemberReview.objects.filter(status=ReviewStatus.DECIDED).exists()
    services.cell_approve_all(cell=cell, cycle=cycle, override_reason="Thành tích nổi bật", user=cast.committee.user)
    assert set(MemberReview.objects.values_list("decided_grade", flat=True)) == {"EXCELLENT"}


def test_approve_all_needs_the_decision_record_of_a_grassroots_cell(cast, cycle):
    from organizations.models import PositionKind
    from organizations.services import position_assign
    from tests.factories import MemberFactory, UserFactory

    gcell = cast.tree.gcell
    secretary = UserFactory(username="bithu-thon")
    MemberFactory(cell=gcell, user=secretary)
    position_assign(user=secretary, organization=gcell, kind=PositionKind.CELL_SECRETARY)
    propose(gcell, cycle, secretary)
    with pytest.raises(ValidationError) as exc:
        services.cell_approve_all(cell=gcell, cycle=cycle, user=secretary)
    assert "decision_record" in exc.value.message_dict
    services.cell_approve_all(cell=gcell, cycle=cycle, decision_record="NQ 03, 20/12/2026", user=secretary)
    assert OrgReview.objects.get(organization=gcell).decision_record == "NQ 03, 20/12/2026"


def test_an_empty_decided_grade_is_refused_with_a_message(cast, cycle):
    cell = cast.tree.cell
    propose(cell, cycle, cast.secretary.user)
    mine = MemberReview.objects.get(member=cast.member.member)
    with pytest.raises(services.RulesRefused) as exc:
        services.cell_decide(cell=cell, cycle=cycle, grades={mine.pk: ("", "Chưa rõ")}, user=cast.committee.user)
    assert [(v.code, v.message, v.row) for v in exc.value.violations] == [
        ("DECISION_REQUIRED", "Chọn mức xếp loại được quyết định.", cast.member.member.pk)
    ]
    with pytest.raises(ValidationError) as exc:
        services.org_grade_decide(org=cell, cycle=cycle, grade="", user=cast.committee.user)
    assert exc.value.messages == ["Chọn mức xếp loại tổ chức."]
    assert not MemberReview.objects.filter(status=ReviewStatus.DECIDED).exists()
