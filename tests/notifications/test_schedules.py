"""The daily reminder job lives in django-celery-beat; setup_schedules never overwrites an admin's edit."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from notifications.apps import REMINDER_SCHEDULE
from notifications.stages import stage_on

pytestmark = pytest.mark.django_db


def test_setup_schedules_creates_the_reminder_job_once_and_keeps_edits():
    call_command("setup_schedules")
    task = PeriodicTask.objects.get(name=REMINDER_SCHEDULE)
    assert task.task == "notifications.send_reminders"
    assert json.loads(task.kwargs) == {"days_before": [7, 0], "late_days": 30}
    assert (task.crontab.hour, task.crontab.minute) == ("7", "0")

    # an administrator moves it to 6:30 and reminds 10 and 3 days before
    task.crontab = CrontabSchedule.objects.create(minute="30", hour="6", timezone="Asia/Ho_Chi_Minh")
    task.kwargs = json.dumps({"days_before": [10, 3], "late_days": 15})
    task.save()
    call_command("setup_schedules")

    task.refresh_from_db()
    assert PeriodicTask.objects.filter(name=REMINDER_SCHEDULE).count() == 1
    assert (task.crontab.hour, task.crontab.minute) == ("6", "30")
    assert json.loads(task.kwargs)["days_before"] == [10, 3]


DEADLINE = dt.date(2026, 2, 28)


@pytest.mark.parametrize(
    ("on", "stage"),
    [
        (dt.date(2026, 2, 20), None),
        (dt.date(2026, 2, 21), "D-7"),
        (dt.date(2026, 2, 25), "D-7"),  # a missed beat day still gets the D-7 reminder (once)
        (dt.date(2026, 2, 28), "D-0"),
        (dt.date(2026, 3, 1), "late"),
        (dt.date(2026, 3, 30), "late"),
        (dt.date(2026, 3, 31), None),
    ],
)
def test_stage_on(on, stage):
    assert stage_on(deadline=DEADLINE, on=on, days_before=(7, 0), late_days=30) == stage


def test_no_reminder_before_the_cycle_opens():
    assert (
        stage_on(deadline=DEADLINE, on=dt.date(2026, 2, 21), days_before=(7,), late_days=0, opens_on=DEADLINE) is None
    )
