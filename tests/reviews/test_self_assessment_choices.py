"""Issue 13 item 9: no answer preselected, answers explained, required at submit, read-only once sent,
and the member's home button following this year's review."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.forms import MSG_ANSWER_REQUIRED, SelfAssessmentForm
from reviews.models import Indicator, MemberReview, ReviewStatus

pytestmark = pytest.mark.django_db

MY = "/kiem-diem/"


def _data(indicators, submit=True, skip=(), **over):
    data = {f"ind_{i.pk}": "NO" for i in indicators if i.number not in skip}
    data |= {"strengths": "Gương mẫu", "shortcomings": "Còn chậm", "self_score": "80", "self_grade": "GOOD"}
    data |= over
    data["submit" if submit else "save"] = "1"
    return data


def test_no_answer_is_preselected_and_the_answers_are_explained(client, cast, cycle):
    client.force_login(cast.member.user)
    html = client.get(MY).content.decode()
    assert " checked" not in html.split('data-testid="review-form"')[1]
    assert "Không có biểu hiện" in html and "tôi thấy mình có lúc, có mức độ mắc biểu hiện này" in html
    assert html.count('type="radio"') == 27 * 3 and html.count("required") >= 27 * 3


def test_form_refuses_unanswered_indicators_only_on_submit():
    indicators = list(Indicator.objects.order_by("number"))
    data = _data(indicators, skip={3, 27})
    form = SelfAssessmentForm(data, indicators=indicators, submitting=True)
    assert not form.is_valid()
    assert form.errors[f"ind_{indicators[2].pk}"] == [MSG_ANSWER_REQUIRED]
    assert f"ind_{indicators[0].pk}" not in form.errors
    assert "Còn 2 biểu hiện chưa trả lời" in form.non_field_errors()[0]
    draft = SelfAssessmentForm(_data(indicators, submit=False, skip={3}, strengths=""), indicators=indicators)
    assert draft.is_valid(), draft.errors
    assert len(draft.answers()) == 26  # the unanswered one is simply not stored


def test_submit_needs_strengths_and_shortcomings_and_keeps_what_was_typed(client, cast, cycle):
    client.force_login(cast.member.user)
    indicators = list(Indicator.objects.order_by("number"))
    third = indicators[2]
    data = _data(indicators, skip={5}, strengths="", shortcomings=" ", **{f"ind_{third.pk}": "SOME"})
    data[f"note_{third.pk}"] = "Chưa học nghị quyết"
    html = client.post(MY, data).content.decode()
    assert "Vui lòng viết ưu điểm trước khi nộp." in html
    assert "Vui lòng viết hạn chế, khuyết điểm và nguyên nhân trước khi nộp" in html
    assert "Còn 1 biểu hiện chưa trả lời" in html
    chosen = re.search(rf'<input[^>]*id="id_ind_{third.pk}_1"[^>]*>', html).group(0)
    assert 'value="SOME"' in chosen and "checked" in chosen  # the typed answer is kept
    assert "Chưa học nghị quyết" in html
    assert not MemberReview.objects.exists()
    # A draft may stay incomplete.
    assert client.post(MY, _data(indicators, submit=False, skip={5}, strengths="")).status_code == 302
    assert MemberReview.objects.get().status == ReviewStatus.DRAFT


def test_service_refuses_an_incomplete_submission(cast, cycle):
    indicators = list(Indicator.objects.order_by("number"))
    with pytest.raises(ValidationError) as refused:
        services.review_self_save(
            member=cast.member.member,
            cycle=cycle,
            data=services.SelfAssessment(self_grade="GOOD", self_score=80),
            answers={i.pk: ("NO", "") for i in indicators[:20]},
            submit=True,
            user=cast.member.user,
        )
    errors = refused.value.message_dict
    assert {"strengths", "shortcomings", "__all__"} <= set(errors)
    assert "Còn 7 biểu hiện chưa trả lời" in errors["__all__"][0]


def test_submitted_review_is_read_only_with_a_dated_banner(client, cast, cycle):
    client.force_login(cast.member.user)
    indicators = list(Indicator.objects.order_by("number"))
    assert client.post(MY, _data(indicators)).status_code == 302
    review = MemberReview.objects.get()
    html = client.get(MY).content.decode()
    assert f"Đồng chí đã nộp bản kiểm điểm ngày {timezone.localtime(review.self_submitted_at):%d/%m/%Y}" in html
    assert 'data-testid="review-form"' not in html and "<textarea" not in html and 'type="radio"' not in html
    assert html.count("Không có biểu hiện") >= 27
    # Until the cell proposes, "Sửa bản kiểm điểm" reopens the form.
    assert 'href="?sua=1"' in html
    assert 'data-testid="review-form"' in client.get(MY + "?sua=1").content.decode()


def test_home_button_follows_this_years_review(client, cast, cycle):
    client.force_login(cast.member.user)
    home = reverse("organizations:member", args=[cast.member.member.pk])

    def button():
        html = client.get(home).content.decode()
        return html.split('data-testid="own-review-link">')[1].split("<")[0]

    assert button() == "Viết bản kiểm điểm của tôi"
    client.post(MY, _data(list(Indicator.objects.all())))
    assert button() == "Xem bản kiểm điểm đã nộp"
    MemberReview.objects.update(status=ReviewStatus.DECIDED, decided_grade="GOOD")
    assert button() == "Xem kết quả xếp loại"
    html = client.get(MY).content.decode()
    assert "Đã có kết quả xếp loại" in html and "Hoàn thành tốt nhiệm vụ" in html and "<textarea" not in html
