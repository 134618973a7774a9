"""Issue 12 at the service and page level: minutes gate the proposal, residence comments stay on the
residence side, the leadership collective reviews first, quarterly cycles only for listed positions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from meetings.models import Fulfilment, ResidenceComment, ResidenceExemption, ResidenceStatus
from meetings.services import leadership
from organizations.models import Member, PositionKind
from organizations.services import position_assign
from quarterly import services as qs
from quarterly.models import QuarterlyStatus
from reviews import services
from reviews.models import MemberReview, ReviewStatus
from reviews.services import GridInput
from tests.minutes import record_minutes

pytestmark = pytest.mark.django_db


def _inputs(cell, grade="GOOD"):
    return {m.pk: GridInput(grade=grade, score=Decimal("80")) for m in Member.objects.filter(cell=cell)}


def _collective(cast, cycle):
    services.collective_record(cell=cast.tree.cell, cycle=cycle, note="Chi bộ hoàn thành tốt", user=None)


# --- minutes --------------------------------------------------------------------------------------


def test_a_cell_without_minutes_cannot_submit(cast, cycle):
    _collective(cast, cycle)
    with pytest.raises(services.RulesRefused) as refused:
        services.grid_save(cell=cast.tree.cell, cycle=cycle, inputs=_inputs(cast.tree.cell), submit=True, user=None)
    assert "MINUTES_MISSING" in {v.code for v in refused.value.violations}
    assert not MemberReview.objects.exists()  # nothing half-saved


def test_quorum_and_votes_are_checked_before_submission(cast, cycle):
    _collective(cast, cycle)
    cell = cast.tree.cell
    members = list(Member.objects.filter(cell=cell).order_by("pk"))  # 2 members: quorum needs both
    record_minutes(cell, cycle, {m.pk: "GOOD" for m in members}, absent={members[0].pk: "Đi công tác"})
    with pytest.raises(services.RulesRefused) as refused:
        services.grid_save(cell=cell, cycle=cycle, inputs=_inputs(cell), submit=True, user=None)
    codes = {v.code for v in refused.value.violations}
    assert "QUORUM" in codes
    record_minutes(cell, cycle, {members[0].pk: "GOOD", members[1].pk: "EXCELLENT"})
    with pytest.raises(services.RulesRefused) as refused:
        services.grid_save(cell=cell, cycle=cycle, inputs=_inputs(cell), submit=True, user=None)
    assert [v.row for v in refused.value.violations if v.code == "VOTE_MISSING"] == [members[1].pk]
    record_minutes(cell, cycle, {m.pk: "GOOD" for m in members}, agree=1)  # 1 of 2: not more than half
    with pytest.raises(services.RulesRefused) as refused:
        services.grid_save(cell=cell, cycle=cycle, inputs=_inputs(cell), submit=True, user=None)
    assert {v.code for v in refused.value.violations} == {"VOTE_NOT_ADOPTED"}
    record_minutes(cell, cycle, {m.pk: "GOOD" for m in members})
    services.grid_save(cell=cell, cycle=cycle, inputs=_inputs(cell), submit=True, user=None)
    assert MemberReview.objects.filter(status=ReviewStatus.PROPOSED).count() == 2
    with pytest.raises(ValidationError):  # locked with the proposal
        record_minutes(cell, cycle, {m.pk: "GOOD" for m in members})


def test_absence_needs_a_reason_and_only_the_cell_records_minutes(cast, cycle):
    from meetings.services.minutes import AttendanceInput, MinutesHeader, cell_minutes_save

    header = MinutesHeader(
        held_on=dt.date(2026, 12, 15), place="Hội trường", chair="A", recorder="B", vote_method="HANDS"
    )
    absent = {cast.member.member.pk: AttendanceInput(present=False)}
    with pytest.raises(ValidationError, match="lý do vắng mặt"):
        cell_minutes_save(cell=cast.tree.cell, cycle=cycle, header=header, attendance=absent, user=cast.secretary.user)
    with pytest.raises(PermissionDenied):
        cell_minutes_save(
            cell=cast.tree.cell, cycle=cycle, header=header, attendance={}, user=cast.other_secretary.user
        )


def test_minutes_print_and_pdf_show_attendance_and_votes(client, cast, cycle):
    members = list(Member.objects.filter(cell=cast.tree.cell))
    record_minutes(cast.tree.cell, cycle, {m.pk: "GOOD" for m in members})
    client.force_login(cast.secretary.user)
    page = client.get(reverse("meetings:minutes_print", args=[cast.tree.cell.pk])).content.decode()
    assert "BIÊN BẢN" in page and "ngày 15 tháng 12 năm 2026" in page
    assert "Số được triệu tập: 2; có mặt: 2." in page
    assert page.count("<td>2/2</td>") == 2 and "Hoàn thành tốt nhiệm vụ" in page
    assert "CHỦ TRÌ HỘI NGHỊ" in page and "THƯ KÝ HỘI NGHỊ" in page
    pdf = client.get(reverse("meetings:minutes_pdf", args=[cast.tree.cell.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    client.force_login(cast.inspector.user)  # another commune's inspection committee
    assert client.get(reverse("meetings:minutes_print", args=[cast.tree.cell.pk])).status_code == 404


# --- residence comments ---------------------------------------------------------------------------


def test_residence_secretary_sees_only_the_request(client, cast, cycle, residence):
    from meetings.services import residence as rs

    member = cast.member.member
    rs.residence_request(
        cell=cast.tree.cell,
        year=2026,
        requests=[
            rs.ResidenceRequest(member=member, residence_org=residence.cell),
            rs.ResidenceRequest(member=cast.secretary.member, exemption=ResidenceExemption.TRAINING),
        ],
        user=cast.secretary.user,
    )
    comment = ResidenceComment.objects.get(member=member)
    assert comment.status == ResidenceStatus.REQUESTED
    assert ResidenceComment.objects.get(member=cast.secretary.member).status == ResidenceStatus.EXEMPT
    client.force_login(residence.user)
    inbox = client.get(reverse("meetings:residence_inbox")).content.decode()
    assert member.full_name in inbox and cast.tree.cell.name in inbox
    assert cast.secretary.member.full_name not in inbox  # exempt: not requested
    # nothing else of the member's file
    review = MemberReview.objects.create(member=member, year=2026, cycle=cycle, cell=cast.tree.cell)
    for url in (
        reverse("organizations:member", args=[member.pk]),
        reverse("reviews:detail", args=[review.pk]),
        reverse("reviews:grid", args=[cast.tree.cell.pk]),
        reverse("organizations:detail", args=[cast.tree.cell.pk]),
        reverse("meetings:residence_requests", args=[cast.tree.cell.pk]),
        reverse("meetings:minutes", args=[cast.tree.cell.pk]),
    ):
        assert client.get(url).status_code == 404, url
    resp = client.post(
        reverse("meetings:residence_write", args=[comment.pk]), {"fulfilment": Fulfilment.NO, "text": "Không tham gia"}
    )
    assert resp.status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.fulfilment, comment.written_by) == ("RECEIVED", "NO", residence.user)
    # the workplace secretary cannot write it, nor can a secretary of another residence cell
    client.force_login(cast.secretary.user)
    assert client.get(reverse("meetings:residence_write", args=[comment.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        rs.residence_comment_write(comment=comment, fulfilment="YES", text="", user=cast.other_secretary.user)
    grid = client.get(reverse("reviews:grid", args=[cast.tree.cell.pk])).content.decode()
    assert "Nơi cư trú: không thực hiện" in grid and "Không cần" in grid


def test_residence_request_refuses_members_of_other_cells(cast, cycle, residence):
    from meetings.services import residence as rs

    with pytest.raises(ValidationError):
        rs.residence_request(
            cell=cast.tree.cell,
            year=2026,
            requests=[rs.ResidenceRequest(member=cast.other_secretary.member, residence_org=residence.cell)],
            user=cast.secretary.user,
        )
    with pytest.raises(PermissionDenied):
        rs.residence_request(cell=cast.tree.cell, year=2026, requests=[], user=cast.other_secretary.user)


# --- leaders at two places ------------------------------------------------------------------------


def test_the_collective_reviews_before_its_members_and_the_decision_page_shows_both(client, cast, cycle):
    committee = cast.tree.committee
    position_assign(user=cast.secretary.user, organization=committee, kind=PositionKind.COMMITTEE_MEMBER)
    leader = cast.secretary.member
    with pytest.raises(ValidationError, match="kiểm điểm tập thể trước"):
        leadership.leadership_opinion_save(
            collective=committee, cycle=cycle, member=leader, opinion="Tốt", user=cast.committee.user
        )
    with pytest.raises(PermissionDenied):
        leadership.leadership_collective_record(collective=committee, cycle=cycle, note="x", user=cast.secretary.user)
    leadership.leadership_collective_record(
        collective=committee, cycle=cycle, note="Đảng ủy đoàn kết", user=cast.committee.user
    )
    with pytest.raises(ValidationError, match="không giữ chức vụ"):
        leadership.leadership_opinion_save(
            collective=committee, cycle=cycle, member=cast.member.member, opinion="Tốt", user=cast.committee.user
        )
    leadership.leadership_opinion_save(
        collective=committee, cycle=cycle, member=leader, opinion="Gương mẫu, sâu sát", suggested_grade="EXCELLENT",
        user=cast.committee.user,
    )  # fmt: skip
    client.force_login(cast.secretary.user)
    grid = client.get(reverse("reviews:grid", args=[cast.tree.cell.pk])).content.decode()
    assert "Gương mẫu, sâu sát" in grid
    _collective(cast, cycle)
    members = list(Member.objects.filter(cell=cast.tree.cell))
    record_minutes(cast.tree.cell, cycle, {m.pk: "GOOD" for m in members})
    services.grid_save(cell=cast.tree.cell, cycle=cycle, inputs=_inputs(cast.tree.cell), submit=True, user=None)
    client.force_login(cast.committee.user)
    page = client.get(reverse("reviews:decisions", args=[committee.pk])).content.decode()
    assert 'data-testid="decision-leaders"' in page and "Gương mẫu, sâu sát" in page and "2/2" in page


# --- quarterly evaluation of leaders --------------------------------------------------------------


def test_quarterly_refuses_members_not_in_the_listed_positions(cast, tree, settings):
    cycle = qs.quarterly_cycle_create(organization=tree.province, year=2026)
    assert [cycle.deadline(q) for q in (1, 2, 3, 4)] == [
        dt.date(2026, 3, 15), dt.date(2026, 6, 15), dt.date(2026, 9, 15), dt.date(2026, 12, 15)
    ]  # fmt: skip
    data = qs.QuarterlyInput(tasks="Lãnh đạo chi bộ", self_score=Decimal("85"), self_grade="GOOD")
    with pytest.raises(ValidationError, match="không giữ chức vụ thuộc diện đánh giá hằng quý"):
        qs.quarterly_self_save(
            member=cast.member.member, cycle=cycle, quarter=1, data=data, submit=True, user=cast.member.user
        )
    settings.QUARTERLY_LEADER_POSITIONS = ["STANDING_COMMITTEE"]  # the setting decides who is a leader here
    with pytest.raises(ValidationError):
        qs.quarterly_self_save(
            member=cast.secretary.member, cycle=cycle, quarter=1, data=data, submit=True, user=cast.secretary.user
        )


def test_leader_files_quarters_and_the_managing_body_decides(cast, tree):
    cycle = qs.quarterly_cycle_create(organization=tree.province, year=2026)
    data = qs.QuarterlyInput(tasks="Lãnh đạo chi bộ", self_score=Decimal("85"), self_grade="GOOD")
    q1 = qs.quarterly_self_save(
        member=cast.secretary.member, cycle=cycle, quarter=1, data=data, submit=True, user=cast.secretary.user
    )
    assert q1.manager == tree.committee and q1.status == QuarterlyStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        qs.quarterly_self_save(
            member=cast.secretary.member, cycle=cycle, quarter=2, data=data, submit=True, user=cast.member.user
        )
    with pytest.raises(ValidationError):  # submitted: locked
        qs.quarterly_self_save(
            member=cast.secretary.member, cycle=cycle, quarter=1, data=data, submit=False, user=cast.secretary.user
        )
    with pytest.raises(PermissionDenied):
        qs.quarterly_decide(evaluation=q1, grade="GOOD", user=cast.other_secretary.user)
    qs.quarterly_decide(evaluation=q1, grade="EXCELLENT", score=Decimal("92"), user=cast.committee.user)
    q1.refresh_from_db()
    assert (q1.status, q1.decided_grade, q1.decided_by) == ("DECIDED", "EXCELLENT", cast.committee.user)
    from quarterly.selectors import quarterly_rollup

    rollup = quarterly_rollup(org=tree.committee, year=2026)
    assert rollup[0]["decided"] == 1 and dict(rollup[0]["grades"])["Hoàn thành xuất sắc nhiệm vụ"] == 1
    assert rollup[1]["filed"] == 0


def test_the_leaders_annual_review_and_its_print_show_the_four_quarters(client, cast, tree, cycle):
    qcycle = qs.quarterly_cycle_create(organization=tree.province, year=2026)
    data = qs.QuarterlyInput(tasks="Lãnh đạo chi bộ", self_score=Decimal("88"), self_grade="GOOD")
    q1 = qs.quarterly_self_save(
        member=cast.secretary.member, cycle=qcycle, quarter=1, data=data, submit=True, user=cast.secretary.user
    )
    qs.quarterly_decide(evaluation=q1, grade="EXCELLENT", user=cast.committee.user)
    review = MemberReview.objects.create(member=cast.secretary.member, year=2026, cycle=cycle, cell=tree.cell)
    client.force_login(cast.committee.user)
    page = client.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert 'data-testid="review-quarters"' in page and "88" in page
    printed = client.get(reverse("meetings:review_print", args=[review.pk])).content.decode()
    assert 'data-testid="print-quarters"' in printed and "Hoàn thành xuất sắc nhiệm vụ" in printed
    assert printed.count("<tr><td>I") >= 1 and "<td>IV</td>" in printed
    assert client.get(reverse("meetings:review_pdf", args=[review.pk])).content.startswith(b"%PDF")
    ordinary = MemberReview.objects.create(member=cast.member.member, year=2026, cycle=cycle, cell=tree.cell)
    assert (
        'data-testid="review-quarters"'
        not in client.get(reverse("reviews:detail", args=[ordinary.pk])).content.decode()
    )


def test_approving_all_cells_is_one_transaction_and_one_notification_batch(client, cast, tree, cycle):
    from meetings.services.publication import cells_approve_all
    from notifications.models import EventBatch
    from tests.reviews.helpers import propose

    propose(tree.cell, cycle)
    propose(tree.cell2, cycle)
    with pytest.raises(PermissionDenied):
        cells_approve_all(decider=tree.committee, cycle=cycle, user=cast.secretary.user)
    client.force_login(cast.committee.user)
    resp = client.post(reverse("meetings:approve_all", args=[tree.committee.pk]), follow=True)
    assert "Đã quyết định xếp loại 2 chi bộ theo đề xuất." in resp.content.decode()
    assert MemberReview.objects.filter(status=ReviewStatus.DECIDED).count() == 3
    (row,) = EventBatch.objects.all()
    assert sorted(i["cell_id"] for i in row.items) == sorted([tree.cell.pk, tree.cell2.pk])
