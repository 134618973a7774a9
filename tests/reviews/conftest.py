"""Fixtures for reviews: a 2026 cycle under the current regime, and helpers that drive the grid."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.reviews.helpers import cycle_2026


@pytest.fixture
def cycle(tree):
    return cycle_2026(tree)


def grid_data(members, default=("GOOD", "80"), per: dict | None = None) -> dict:
    """POST data for the grid: every member graded `default` unless given (grade, score[, extra])."""
    data = {}
    for m in members:
        grade, score, *extra = (per or {}).get(m.pk, default)
        data |= {f"m{m.pk}-grade": grade, f"m{m.pk}-score": score}
        for key, value in (extra[0] if extra else {}).items():
            data[f"m{m.pk}-{key}"] = value
    return data


def post_grid(client, cell, data, action="save", minutes=True, **extra):
    """On submit the meeting's minutes are recorded first (votes matching the typed grades), unless
    `minutes=False` (the proposal cannot go up without them)."""
    if action == "submit" and minutes:
        from reviews import selectors as sel
        from reviews.models import OrgReview
        from tests.minutes import grades_of, record_minutes

        cycle = sel.cycle_for_year(cell, int(extra["nam"])) if extra.get("nam") else sel.current_cycle(cell)
        if not OrgReview.objects.filter(organization=cell, year=cycle.year, status__in=sel.LOCKED_BATCH).exists():
            record_minutes(cell, cycle, grades_of(data))
    return client.post(reverse("reviews:grid", args=[cell.pk]), {**data, "action": action, **extra})


def record_collective(client, cell):
    return client.post(
        reverse("reviews:grid", args=[cell.pk]), {"action": "collective", "collective_note": "Chi bộ hoàn thành tốt"}
    )
