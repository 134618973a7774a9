"""The member's own review: 27 indicators, texts, self-score and self-grade; prefill in the grid."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from organizations.services import member_transfer
from reviews import services
from reviews.models import GradingRegime, Indicator, IndicatorAnswer, MemberReview, ReviewStatus
from tests.reviews.conftest import grid_data, post_grid, record_collective

pytestmark = pytest.mark.django_db


def self_post(client, indicators, submit=True, **fields):
    data = {f"ind_{i.pk}": "NO" for i in indicators}
    data |= {"strengths": "Gương mẫu", "shortcomings": "Còn chậm", "self_score": "80", "self_grade": "GOOD"}
    data |= fields
    data["submit" if submit else "save"] = "1"
    return client.post(reverse("reviews:my"), data)


def test_member_without_cycle_is_told(client, cast):
    client.force_login(cast.member.user)
    assert "Chưa có đợt kiểm điểm" in client.get(reverse("reviews:my")).content.decode()


def test_member_writes_and_submits_review(client, cast, cycle):
    client.force_login(cast.member.user)
    page = client.get(reverse("reviews:my")).content.decode()
    indicators = list(Indicator.objects.order_by("number"))
    assert len(indicators) == 27 and indicators[2].label_vi[:30] in page
    third = indicators[2]
    resp = self_post(
        client, indicators, **{f"ind_{third.pk}": "SOME", f"note_{third.pk}": "Chưa dành thời gian học nghị quyết"}
    )
    assert resp.status_code == 302
    review = MemberReview.objects.get(member=cast.member.member)
    assert review.status == ReviewStatus.SELF_SUBMITTED and review.self_submitted_at
    assert review.flagged_mask == 1 << 2 and (review.self_grade, review.self_score) == ("GOOD", 80)
    assert IndicatorAnswer.objects.filter(review=review).count() == 27
    # the secretary sees the flagged indicator and the self-grade, prefilled as the proposal
    client.force_login(cast.secretary.user)
    grid = client.get(reverse("reviews:grid", args=[cast.tree.cell.pk])).content.decode()
    assert "PI-03" in grid and "Tự xếp loại: Hoàn thành tốt nhiệm vụ" in grid  # full names (issue 13 item 6)
    assert f'name="m{cast.member.member.pk}-score" value="80' in grid


def test_submission_needs_a_self_grade_within_the_score_band(client, cast, cycle):
    client.force_login(cast.member.user)
    indicators = list(Indicator.objects.all())
    resp = self_post(client, indicators, self_grade="")
    assert "Chọn mức tự xếp loại trước khi nộp." in resp.content.decode()
    resp = self_post(client, indicators, self_grade="EXCELLENT", self_score="85", strengths="Giữ nguyên chữ")
    html = resp.content.decode()
    assert "Điểm tự chấm chỉ cho phép tự xếp loại tối đa “Hoàn thành tốt nhiệm vụ”" in html and "Giữ nguyên chữ" in html
    assert not MemberReview.objects.exists()
    assert self_post(client, indicators, submit=False, self_grade="").status_code == 302  # a draft may be incomplete


def test_member_cannot_edit_after_the_cell_proposed(client, cast, cycle):
    client.force_login(cast.secretary.user)
    record_collective(client, cast.tree.cell)
    from organizations.models import Member

    post_grid(client, cast.tree.cell, grid_data(Member.objects.filter(cell=cast.tree.cell)), action="submit")
    client.force_login(cast.member.user)
    self_post(client, list(Indicator.objects.all()), strengths="Sửa sau khi nộp")
    assert MemberReview.objects.get(member=cast.member.member).strengths == ""


def test_past_year_under_the_criteria_regime_needs_no_score(client, cast):
    cycle = services.cycle_create(
        organization=cast.tree.province,
        year=2024,
        self_assessment_deadline=dt.date(2024, 12, 10),
        meeting_deadline=dt.date(2024, 12, 20),
        decision_deadline=dt.date(2025, 1, 15),
    )
    assert cycle.regime.code == "QD124-2023"
    client.force_login(cast.secretary.user)
    record_collective(client, cast.tree.cell)  # no 2026 cycle: the current one is 2024
    data = grid_data(list(cast.tree.cell.members.all()), ("GOOD", ""))
    assert post_grid(client, cast.tree.cell, data, action="submit", nam="2024").status_code == 302
    assert MemberReview.objects.filter(year=2024, proposed_grade="GOOD", proposed_score=None).count() == 2
    assert GradingRegime.objects.get(code="QD366-2025").params["score_bands"]["EXCELLENT"] == 90


def test_transferred_member_review_moves_to_the_new_cell(client, cast, cycle):
    member = cast.member.member
    services.review_ensure(member=member, cycle=cycle)
    member_transfer(member=member, to_cell=cast.tree.cell2, on=dt.date(2026, 9, 1))
    client.force_login(cast.other_secretary.user)
    assert post_grid(client, cast.tree.cell2, grid_data([member, cast.other_secretary.member])).status_code == 302
    assert MemberReview.objects.get(member=member).cell == cast.tree.cell2
