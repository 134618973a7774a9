"""Which review cycle and regime apply to an organisation and year."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from organizations.models import Organization

from ..models import ReviewCycle
from ..rules import Policy


def policy_of(cycle: ReviewCycle) -> Policy:
    return Policy(kind=cycle.regime.kind, params=cycle.regime.params or {})


def _root_path(org: Organization) -> str:
    return org.path[: org.steplen]


def current_cycle(org: Organization, *, today: dt.date | None = None) -> ReviewCycle | None:
    """The newest cycle of the org's top organisation that has started (year ≤ this year)."""
    year = (today or timezone.localdate()).year
    return (
        ReviewCycle.objects.select_related("regime")
        .filter(organization__path=_root_path(org), year__lte=year)
        .order_by("-year")
        .first()
    )


def cycle_for_year(org: Organization, year: int) -> ReviewCycle | None:
    return ReviewCycle.objects.select_related("regime").filter(organization__path=_root_path(org), year=year).first()


def cycle_get(org: Organization, year: int | None) -> ReviewCycle | None:
    """The cycle of `year` (or the current one when no year is given)."""
    return cycle_for_year(org, year) if year else current_cycle(org)


def grading_date(cycle: ReviewCycle) -> dt.date:
    return cycle.meeting_deadline
