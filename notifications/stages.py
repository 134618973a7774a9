"""Which reminder stage a deadline is in on a given day ("D-7", "D-0", "late"), and the cycles due."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q

from .models import LATE


def stage_on(
    *, deadline: dt.date, on: dt.date, days_before: Iterable[int], late_days: int, opens_on: dt.date | None = None
) -> str | None:
    """The stage due on `on`, or None.

    Before the deadline the stage is the nearest threshold already reached, so a missed day of the
    schedule still sends the reminder (once: the ledger keys on the stage). After the deadline,
    the "late" stage lasts `late_days` days.
    """
    if on > deadline:
        return LATE if (on - deadline).days <= late_days else None
    if opens_on and on < opens_on:
        return None
    reached = [n for n in days_before if (deadline - on).days <= n]
    return f"D-{min(reached)}" if reached else None


def deadline_window(field: str, *, on: dt.date, days_before: Iterable[int], late_days: int) -> Q:
    """Cycles whose `field` deadline may be in some stage on `on` (narrowed by stage_on)."""
    lead = max(days_before, default=0)
    return Q(**{f"{field}__gte": on - dt.timedelta(days=late_days), f"{field}__lte": on + dt.timedelta(days=lead)})
