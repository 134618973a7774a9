"""Celery tasks of the quarterly evaluation: parse arguments, call one service."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone


@shared_task(name="quarterly.send_reminders", acks_late=True)
def send_reminders(on: str | None = None, days_before: list[int] | None = None) -> int:
    from .services import quarterly_reminders_run

    day = dt.date.fromisoformat(on) if on else timezone.localdate()
    return quarterly_reminders_run(on=day, days_before=days_before if days_before is not None else (7, 0))
