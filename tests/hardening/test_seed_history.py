"""Seeded reviews carry their initial history row, so the first real change shows only what changed."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from reviews.models import Grade, MemberReview, OrgReview

pytestmark = pytest.mark.django_db


def test_seeded_reviews_have_one_initial_history_row_each():
    call_command("seed_demo", members=400, seed=5)
    for model in (MemberReview, OrgReview):
        rows = model.objects.count()
        assert rows > 0
        assert model.history.filter(history_type="+").count() == rows
        assert model.history.values("id").distinct().count() == rows
    review = MemberReview.objects.filter(status="DECIDED").exclude(decided_grade=Grade.EXCELLENT).first()
    review.decided_grade = Grade.EXCELLENT
    review.save()
    latest = review.history.first()
    delta = latest.diff_against(latest.prev_record)
    assert [change.field for change in delta.changes] == ["decided_grade"]
    assert latest.prev_record.history_change_reason == "Dữ liệu mẫu"
