"""Celery tasks of the review round: parse arguments, call one service."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone


@shared_task(name="meetings.residence_reminders", acks_late=True)
def residence_reminders(on: str | None = None, remind_after: int = 7, escalate_after: int = 14) -> int:
    from .services.residence import residence_reminders_run

    day = dt.date.fromisoformat(on) if on else timezone.localdate()
    return residence_reminders_run(on=day, remind_after=remind_after, escalate_after=escalate_after)
