"""Commitment fixtures on top of the standing cast: an open cycle for the province."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from commitments import services
from reviews.indicator_data import INDICATORS
from reviews.models import Indicator


@pytest.fixture(autouse=True)
def _vietnamese():
    # Another test module may leave English active in this thread; these tests read Vietnamese text.
    with translation.override("vi"):
        yield


def ensure_indicators() -> None:
    """The catalogue comes from a data migration, which transactional tests flush; put it back."""
    if Indicator.objects.count() < len(INDICATORS):
        for row in INDICATORS:
            Indicator.objects.update_or_create(code=row["code"], defaults={**row, "group": row["code"][:2]})


def open_cycle(org, year: int | None = None):
    today = timezone.localdate()
    year = year or today.year
    return services.commitment_cycle_open(
        organization=org,
        year=year,
        opens_on=min(today, dt.date(year, 1, 1)),
        deadline=dt.date(year, 12, 31) if year >= today.year else dt.date(year, 3, 31),
        place_name="Hậu Giang",
    )


@pytest.fixture
def cycle(cast):
    ensure_indicators()
    return open_cycle(cast.tree.province)


AREAS = {
    "political_ideology": "Kiên định chủ nghĩa Mác - Lênin, tư tưởng Hồ Chí Minh.",
    "ethics_lifestyle": "Giữ gìn phẩm chất đạo đức, lối sống giản dị.",
    "working_style": "Gần dân, đúng giờ, làm việc khoa học.",
    "discipline_solidarity": "Chấp hành nghiêm nguyên tắc tập trung dân chủ.",
    "assigned_tasks": "Hoàn thành 100% nhiệm vụ chuyên môn được giao.",
    "plan": "Học tập nghị quyết hằng tháng; tự kiểm tra hằng quý.",
    "pledge_27": True,
}
