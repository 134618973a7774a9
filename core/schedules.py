"""Periodic jobs, created in the database (django-celery-beat) so administrators can edit them.

Apps append ScheduleSpec entries in their AppConfig.ready(); `manage.py setup_schedules` creates
the missing ones and never overwrites a schedule an administrator already has (matched by name).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.db import transaction


@dataclass(frozen=True)
class ScheduleSpec:
    name: str  # unique, human-readable: it is the key an administrator sees
    task: str
    crontab: dict = field(default_factory=dict)  # minute, hour, day_of_week, day_of_month, month_of_year
    kwargs: dict = field(default_factory=dict)
    description: str = ""
    every_seconds: int = 0  # > 0: an interval schedule instead of the crontab


SCHEDULES: list[ScheduleSpec] = []


@transaction.atomic
def schedules_ensure(*, specs: list[ScheduleSpec] | None = None) -> tuple[int, int]:
    """Create missing periodic tasks; leave existing ones (possibly edited by an admin) alone."""
    from django.conf import settings
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    created = kept = 0
    for spec in specs if specs is not None else SCHEDULES:
        if PeriodicTask.objects.filter(name=spec.name).exists():
            kept += 1
            continue
        if spec.every_seconds:
            interval, _ = IntervalSchedule.objects.get_or_create(every=spec.every_seconds, period=IntervalSchedule.SECONDS)
            when = {"interval": interval}
        else:
            cron = {"minute": "0", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
            cron.update({k: str(v) for k, v in spec.crontab.items()})
            when = {"crontab": CrontabSchedule.objects.get_or_create(timezone=settings.TIME_ZONE, **cron)[0]}
        PeriodicTask.objects.create(
            name=spec.name,
            task=spec.task,
            **when,
            kwargs=json.dumps(spec.kwargs),
            description=spec.description,
        )
        created += 1
    return created, kept
