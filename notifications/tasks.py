"""Celery tasks: parse arguments, call one service. Scheduled by django-celery-beat (see apps.py)."""

from __future__ import annotations

import datetime as dt
import smtplib

from celery import shared_task
from django.utils import timezone

# SMTP refusals and network errors are worth retrying; a bug (anything else) is not.
RETRY_ON = (smtplib.SMTPException, OSError)


@shared_task(
    name="notifications.send_reminders",
    autoretry_for=RETRY_ON,
    retry_backoff=True,  # 1 s, 2 s, 4 s … with jitter
    retry_backoff_max=900,
    retry_jitter=True,
    max_retries=12,
    acks_late=True,
)
def send_reminders(on: str | None = None, days_before: list[int] | None = None, late_days: int = 30) -> dict:
    """Reminders and escalation digests due on `on` (YYYY-MM-DD; default: today in Vietnam)."""
    from .services import reminders_run

    day = dt.date.fromisoformat(on) if on else timezone.localdate()
    return reminders_run(on=day, days_before=days_before if days_before is not None else (7, 0), late_days=late_days)


@shared_task(
    name="notifications.deliver_event",
    autoretry_for=RETRY_ON,
    retry_backoff=True,
    retry_backoff_max=900,
    retry_jitter=True,
    max_retries=12,
    acks_late=True,
)
def deliver_event(batch_id: int) -> dict:
    """One event batch (a decision, a return, a request…): one message per recipient, once."""
    from .events import event_deliver

    return event_deliver(batch_id=int(batch_id))
