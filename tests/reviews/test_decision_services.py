"""The decision services in detail (what each field becomes, every refusal and its message)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from notifications.models import Notification
from organizations.models import Position, PositionKind
from organizations.services import position_assign
from reviews import services
from reviews.models import MemberReview, OrgReview, QuotaOverride, RemediationItem, ReviewStatus
from tests.factories import MemberFactory, UserFactory
from tests.reviews.helpers import members_of, propose

pytestmark = pytest.mark.django_db


def _sc(username, org):
    user = UserFactory(username=username)
    position_assign(user=user, organization=org, kind=PositionKind.STANDING_COMMITTEE)
    return user


def test_refusal_messages_name_the_competent_body(cast, cycle):
    propose(cast.tree.cell, cycle, cast.secretary.user)
    with pytest.raises(services.NotCompetent) as exc:
        services.cell_decide(cell=cast.tree.cell, cycle=cycle, user=cast.province.user)
    assert exc.value.message == (
        "Quyết định xếp loại đảng viên của Chi bộ Tổ 1 thuộc thẩm quyền của Đảng bộ Trường THPT An Hòa."
    )
    with pytest.raises(services.NotCompetent) as exc:
        services.org_grade_decide(org=cast.tree.committee, cycle=cycle, grade="GOOD", user=cast.province.user)
    assert (
        exc.value.message == "Xếp loại Đảng bộ Trường THPT An Hòa thuộc thẩm quyền của ban thường vụ Đảng bộ xã An Hòa."
    )
    with pytest.raises(ValidationError) as exc:
        services.org_grade_decide(org=cast.tree.province, cycle=cycle, grade="GOOD", user=cast.province.user)
    assert exc.value.messages == ["Tổ chức này không có cấp trên trực tiếp."]


def test_decide_records_who_when_and_only_changed_reasons(cast, cycle):
    cell = cast.tree.cell
    review = services.review_ensure(member=cast.member.member, cycle=cycle)
    review.shortcomings = "  Chậm nộp đảng phí "
    review.save()
    propose(cell, cycle, cast.secretary.user)
    mine = MemberReview.objects.get(member=cast.member.member)
    other = MemberReview.objects.get(member=cast.secretary.member)
    with pytest.raises(services.RulesRefused) as exc:
        services.cell_decide(cell=cell, cycle=cycle, grades={mine.pk: ("COMPLETED", " ")}, user=cast.committee.user)
    assert [(v.code, v.row) for v in exc.value.violations] == [("CHANGE_NEEDS_REASON", cast.member.member.pk)]
    before = OrgReview.objects.get(organization=cell).version
    services.cell_decide(
        cell=cell,
        cycle=cycle,
        grades={mine.pk: ("COMPLETED", "Chậm tiến độ"), other.pk: ("GOOD", "không đổi")},
        user=cast.committee.user,
    )
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.decided_grade, mine.decision_reason, mine.status) == (
        "COMPLETED",
        "Chậm tiến độ",
        ReviewStatus.DECIDED,
    )
    assert (other.decided_grade, other.decision_reason) == ("GOOD", "")
    assert mine.decided_by == cast.committee.user and mine.decided_at is not None
    org = OrgReview.objects.get(organization=cell)
    assert (org.status, org.version, org.return_reason) == (ReviewStatus.DECIDED, before + 1, "")
    assert org.members_decided_at is not None
    item = RemediationItem.objects.get()
    assert (item.description, item.due_on, item.member) == ("Chậm nộp đảng phí", dt.date(2027, 12, 31), mine.member)


def test_not_graded_members_are_decided_without_a_grade(cast, cycle):
    cell = cast.tree.cell
    new = MemberFactory(cell=cell, admitted_on=dt.date(2026, 10, 1), full_member_on=None)
    services.collective_record(cell=cell, cycle=cycle, note="x", user=cast.secretary.user)
    from reviews.services import GridInput

    inputs = {m.pk: GridInput(grade="GOOD", score=80) for m in members_of(cell) if m.pk != new.pk}
    inputs[new.pk] = GridInput(reason="NEW_MEMBER")
    from tests.minutes import record_minutes  # issue 12: the cell meeting first

    record_minutes(cell, cycle, {pk: i.grade for pk, i in inputs.items() if i.grade})
    services.grid_save(cell=cell, cycle=cycle, inputs=inputs, submit=True, user=cast.secretary.user)
    review = MemberReview.objects.get(member=new)
    services.cell_decide(cell=cell, cycle=cycle, grades={review.pk: ("EXCELLENT", "x")}, user=cast.committee.user)
    review.refresh_from_db()
    assert (review.status, review.decided_grade) == (ReviewStatus.DECIDED, "")


def test_decide_requires_a_proposal_and_a_current_version(cast, cycle):
    cell = cast.tree.cell
    with pytest.raises(ValidationError) as exc:
        services.cell_decide(cell=cell, cycle=cycle, user=cast.committee.user)
    assert exc.value.messages == ["Chi bộ chưa nộp đề xuất hoặc đã được quyết định."]
    propose(cell, cycle, cast.secretary.user)
    version = OrgReview.objects.get(organization=cell).version
    with pytest.raises(services.StaleVersion):
        services.cell_decide(cell=cell, cycle=cycle, version=version - 1, user=cast.committee.user)
    services.cell_decide(cell=cell, cycle=cycle, version=version, user=cast.committee.user)


def test_override_is_recorded_with_the_largest_number_and_not_reported_by_a_committee(cast, cycle):
    cell = cast.tree.cell
    propose(cell, cycle, cast.secretary.user, default="EXCELLENT")
    services.cell_decide(cell=cell, cycle=cycle, override_reason="  Thành tích  ", user=cast.committee.user)
    override = QuotaOverride.objects.get()
    assert (override.max_excellent, override.reason, override.deciding_body) == (2, "Thành tích", cast.tree.committee)
    assert override.decided_by == cast.committee.user
    assert not Notification.objects.exists()  # a grassroots committee decides within its competence
    propose(cast.tree.cell2, cycle, cast.other_secretary.user, default="EXCELLENT")
    with pytest.raises(services.RulesRefused):  # the override allowed 2, not 3
        services.cell_decide(cell=cast.tree.cell2, cycle=cycle, user=cast.committee.user)
    services.cell_decide(cell=cast.tree.cell2, cycle=cycle, override_reason="Điển hình", user=cast.committee.user)
    override.refresh_from_db()
    assert (override.max_excellent, override.reason) == (3, "Điển hình")


def test_return_of_a_proposal_versus_reopening_a_decision(cast, cycle):
    cell = cast.tree.cell
    propose(cell, cycle, cast.secretary.user)
    v = OrgReview.objects.get(organization=cell).version
    with pytest.raises(services.StaleVersion):
        services.cell_return(cell=cell, cycle=cycle, reason="x", version=v - 1, user=cast.committee.user)
    services.cell_return(cell=cell, cycle=cycle, reason="  Thiếu điểm  ", version=v, user=cast.committee.user)
    org = OrgReview.objects.get(organization=cell)
    assert (org.status, org.return_reason, org.version) == (ReviewStatus.RETURNED, "Thiếu điểm", v + 1)
    assert org.members_submitted_at is None and org.members_decided_at is None and org.grade_reopen_reason == ""
    with pytest.raises(ValidationError) as exc:
        services.cell_return(cell=cell, cycle=cycle, reason="again", user=cast.committee.user)
    assert exc.value.messages == ["Chi bộ chưa nộp đề xuất."]
    assert {r.status for r in MemberReview.objects.filter(cell=cell)} == {ReviewStatus.RETURNED}


def test_org_grade_decide_and_reopen_fields(cast, cycle):
    tree = cast.tree
    commune_sc = _sc("xauy", tree.commune)
    propose(tree.cell, cycle, cast.secretary.user)
    services.cell_decide(cell=tree.cell, cycle=cycle, user=cast.committee.user)
    org = services.org_grade_decide(org=tree.cell, cycle=cycle, grade="GOOD", reason=" ", user=cast.committee.user)
    assert (org.status, org.decided_grade, org.decision_reason) == (ReviewStatus.DECIDED, "GOOD", "")
    assert org.decided_at is not None and org.violations == []
    propose(tree.cell2, cycle, cast.other_secretary.user)  # issue 10: every cell decided before the committee
    services.cell_decide(cell=tree.cell2, cycle=cycle, user=cast.committee.user)
    services.org_grade_decide(org=tree.cell2, cycle=cycle, grade="GOOD", user=cast.committee.user)
    committee = services.org_grade_decide(org=tree.committee, cycle=cycle, grade="GOOD", user=commune_sc)
    assert committee.status == ReviewStatus.DECIDED
    committee = services.org_grade_reopen(org=tree.committee, cycle=cycle, reason="  Sai  ", user=commune_sc)
    assert (committee.status, committee.decided_grade, committee.decided_at) == (ReviewStatus.DRAFT, "", None)
    assert (committee.grade_reopen_reason, committee.decision_reason) == ("Sai", "")
    cell = services.org_grade_reopen(org=tree.cell, cycle=cycle, reason="x", user=cast.committee.user)
    assert cell.status == ReviewStatus.DECIDED  # a cell's review stays decided for its members
    cell_review = OrgReview.objects.get(organization=tree.cell)
    cell_review.proposed_grade = "GOOD"
    cell_review.save()
    with pytest.raises(ValidationError) as exc:
        services.org_grade_decide(org=tree.cell, cycle=cycle, grade="COMPLETED", user=cast.committee.user)
    assert "reason" in exc.value.message_dict
    org = services.org_grade_decide(
        org=tree.cell, cycle=cycle, grade="COMPLETED", reason=" Yếu ", user=cast.committee.user
    )
    assert org.decision_reason == "Yếu"


def test_leader_decide_details(cast, cycle):
    commune_sc = _sc("xauy", cast.tree.commune)
    cell = cast.tree.cell
    propose(cell, cycle, cast.secretary.user)
    plain = MemberReview.objects.get(member=cast.member.member)
    with pytest.raises(ValidationError) as exc:
        services.leader_decide(review=plain, grade="GOOD", user=commune_sc)
    assert exc.value.messages == ["Đảng viên này không thuộc diện cấp ủy cấp trên quản lý."]
    Position.objects.filter(user=cast.secretary.user).update(managed_by=cast.tree.commune)
    services.cell_decide(cell=cell, cycle=cycle, user=cast.committee.user)
    leader = MemberReview.objects.get(member=cast.secretary.member)
    with pytest.raises(services.NotCompetent) as exc:
        services.leader_decide(review=leader, grade="GOOD", user=cast.province.user)
    assert "Đảng bộ xã An Hòa" in exc.value.message
    with pytest.raises(ValidationError) as exc:
        services.leader_decide(review=leader, grade="COMPLETED", reason=" ", user=commune_sc)
    assert "reason" in exc.value.message_dict
    with pytest.raises(services.RulesRefused):
        services.leader_decide(review=leader, grade="EXCELLENT", reason="x", user=commune_sc)  # 80 points
    leader = services.leader_decide(review=leader, grade="COMPLETED", reason=" Chưa gương mẫu ", user=commune_sc)
    assert (leader.decided_grade, leader.decision_reason, leader.decided_by) == (
        "COMPLETED",
        "Chưa gương mẫu",
        commune_sc,
    )
    with pytest.raises(ValidationError) as exc:
        services.leader_decide(review=leader, grade="GOOD", user=commune_sc)
    assert exc.value.messages == ["Chi bộ chưa đề xuất hoặc đã quyết định xếp loại đồng chí này."]
    # the cell's decider reopening the cell leaves the higher committee's decision in place
    services.cell_return(cell=cell, cycle=cycle, reason="Rà soát", user=cast.committee.user)
    leader.refresh_from_db()
    assert (leader.status, leader.decided_grade) == (ReviewStatus.DECIDED, "COMPLETED")
    assert MemberReview.objects.get(member=cast.member.member).status == ReviewStatus.RETURNED


def test_the_cells_decider_may_not_change_a_managed_leaders_grade(cast, cycle):
    Position.objects.filter(user=cast.secretary.user).update(managed_by=cast.tree.commune)
    propose(cast.tree.cell, cycle, cast.secretary.user)
    leader = MemberReview.objects.get(member=cast.secretary.member)
    with pytest.raises(services.RulesRefused) as exc:
        services.cell_decide(
            cell=cast.tree.cell, cycle=cycle, grades={leader.pk: ("COMPLETED", "x")}, user=cast.committee.user
        )
    assert [v.code for v in exc.value.violations] == ["NOT_COMPETENT_ROW"]


def test_a_leaders_grade_already_decided_above_counts_as_decided_in_the_quota(cast, cycle):
    """Leader proposed EXCELLENT, graded GOOD by the managing commune: the cell's quota counts GOOD."""
    tree = cast.tree
    commune_sc = _sc("xauy", tree.commune)
    for _ in range(4):
        MemberFactory(cell=tree.cell2)
    propose(tree.cell2, cycle, cast.other_secretary.user)  # 5 GOOD
    services.cell_decide(cell=tree.cell2, cycle=cycle, user=cast.committee.user)
    Position.objects.filter(user=cast.secretary.user).update(managed_by=tree.commune)
    propose(tree.cell, cycle, cast.secretary.user, default="EXCELLENT")
    leader = MemberReview.objects.get(member=cast.secretary.member)
    services.leader_decide(review=leader, grade="GOOD", reason="Chưa nổi bật", user=commune_sc)
    # 1 EXCELLENT against 6 GOOD: allowed (with the leader's proposal it would be 2 against 5)
    services.cell_decide(cell=tree.cell, cycle=cycle, user=cast.committee.user)
    assert MemberReview.objects.get(member=cast.member.member).decided_grade == "EXCELLENT"


def test_grassroots_cell_override_report_goes_only_to_the_superiors_open_standing_committee(cast, cycle):
    gcell = cast.tree.gcell
    secretary = UserFactory(username="bithu-thon")
    MemberFactory(cell=gcell, user=secretary)
    position_assign(user=secretary, organization=gcell, kind=PositionKind.CELL_SECRETARY)
    superior = _sc("xauy2", cast.tree.commune2)
    former = UserFactory(username="xauy2-cu")
    position_assign(
        user=former,
        organization=cast.tree.commune2,
        kind=PositionKind.STANDING_COMMITTEE,
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2021, 1, 1),
    )
    inspector = UserFactory(username="ubkt2")
    position_assign(user=inspector, organization=cast.tree.commune2, kind=PositionKind.INSPECTION)
    propose(gcell, cycle, secretary, default="EXCELLENT")
    services.cell_decide(cell=gcell, cycle=cycle, decision_record="BB 01", override_reason="Điển hình", user=secretary)
    note = Notification.objects.get()
    assert note.user == superior and note.kind == "DECISION"
    assert note.title == "Chi bộ Thôn Đông quyết định vượt tỷ lệ Hoàn thành xuất sắc nhiệm vụ năm 2026"
    assert note.body == "Số xuất sắc: 1. Lý do: Điển hình"
    assert note.link == f"/kiem-diem/quyet-dinh/{cast.tree.commune2.pk}/?nam=2026"


def test_redeciding_after_reopening_does_not_duplicate_remediation_and_is_audited(cast, cycle):
    cell = cast.tree.cell
    review = services.review_ensure(member=cast.member.member, cycle=cycle)
    review.shortcomings = "Chậm nộp đảng phí"
    review.save()
    propose(cell, cycle, cast.secretary.user)
    mine = MemberReview.objects.get(member=cast.member.member)
    with pytest.raises(services.RulesRefused) as exc:
        services.cell_decide(cell=cell, cycle=cycle, grades={mine.pk: ("COMPLETED", "")}, user=cast.committee.user)
    assert [v.message for v in exc.value.violations] == ["Thay đổi mức xếp loại chi bộ đề xuất phải ghi rõ lý do."]
    services.cell_decide(cell=cell, cycle=cycle, user=cast.committee.user)
    services.cell_return(cell=cell, cycle=cycle, reason="Rà soát", user=cast.committee.user)
    propose(cell, cycle, cast.secretary.user)
    services.cell_decide(cell=cell, cycle=cycle, user=cast.committee.user)
    item = RemediationItem.objects.get()
    assert item.review == mine
    assert item.history.get().history_user == cast.committee.user


def test_an_override_of_another_grassroots_org_or_year_is_not_reused(cast, cycle):
    QuotaOverride.objects.create(
        grassroots=cast.tree.gcell, year=2026, max_excellent=9, reason="khác", deciding_body=cast.tree.gcell
    )
    QuotaOverride.objects.create(
        grassroots=cast.tree.committee,
        year=2025,
        max_excellent=9,
        reason="năm trước",
        deciding_body=cast.tree.committee,
    )
    propose(cast.tree.cell, cycle, cast.secretary.user, default="EXCELLENT")
    services.cell_decide(cell=cast.tree.cell, cycle=cycle, override_reason="Năm nay", user=cast.committee.user)
    mine = QuotaOverride.objects.get(grassroots=cast.tree.committee, year=2026)
    assert (mine.max_excellent, mine.reason) == (2, "Năm nay")
    assert QuotaOverride.objects.get(grassroots=cast.tree.gcell).reason == "khác"
    assert QuotaOverride.objects.get(year=2025).reason == "năm trước"
