"""Self-healing pieces in-process: heartbeats, the recovery sweep, the roll-ups' dirty-cells sweep."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core import events, outbox
from core.heartbeat import heartbeat, jobs_recover
from core.models import JobHeartbeat, OutboxEvent
from onboarding.models import ImportJob, ImportStatus
from rollups import listeners, services, tasks
from rollups.models import OrgRollup
from rollups.sweeps import sweep_dirty_cells
from tests.factories import UserFactory


def _ago(seconds: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=seconds)


@pytest.mark.django_db(transaction=True)
def test_heartbeat_is_written_from_a_side_connection_and_removed_at_the_end():
    with heartbeat(kind="test.job", key=7, every=0.05):
        hb = JobHeartbeat.objects.get(kind="test.job", key="7")
        assert hb.worker and hb.beat_at >= hb.started_at
    assert not JobHeartbeat.objects.exists()


@pytest.fixture
def applying_job(db):
    user = UserFactory(username="quantri", is_superuser=True)
    job = ImportJob.objects.create(created_by=user, file_name="dv.csv", content=b"x", status=ImportStatus.APPLYING)
    JobHeartbeat.objects.create(kind="onboarding.import", key=str(job.pk), started_at=_ago(120), beat_at=_ago(60))
    return job


@pytest.mark.django_db
def test_a_silent_import_is_resumed_once_then_failed_with_a_message(applying_job, settings):
    settings.JOB_HEARTBEAT_STALE_SECONDS = 20
    assert jobs_recover()["recovered"] == 1
    applying_job.refresh_from_db()
    assert applying_job.status == ImportStatus.APPLY_QUEUED
    assert "Hệ thống đã tự chạy lại từ đầu" in applying_job.message
    queued = OutboxEvent.objects.get(topic=outbox.TASK)
    assert queued.payload == {"name": "onboarding.tasks.import_job_apply_task", "args": [applying_job.pk], "kwargs": {}}

    # The resumed run dies too.
    ImportJob.objects.filter(pk=applying_job.pk).update(status=ImportStatus.APPLYING)
    JobHeartbeat.objects.update(beat_at=_ago(60))
    assert jobs_recover()["recovered"] == 1
    applying_job.refresh_from_db()
    assert applying_job.status == ImportStatus.FAILED
    assert "dừng đột ngột nhiều lần" in applying_job.message and "không có dữ liệu nào được ghi" in applying_job.message
    assert not JobHeartbeat.objects.exists()


@pytest.mark.django_db
def test_a_beating_job_is_left_alone(applying_job, settings):
    settings.JOB_HEARTBEAT_STALE_SECONDS = 20
    JobHeartbeat.objects.update(beat_at=timezone.now())
    assert jobs_recover()["recovered"] == 0
    applying_job.refresh_from_db()
    assert applying_job.status == ImportStatus.APPLYING and applying_job.message == ""


@pytest.mark.django_db
def test_dirty_cells_sweep_requeues_a_refresh_that_never_ran_then_settles(populated, settings, monkeypatch):
    settings.ROLLUPS_SWEEP_GRACE_SECONDS = 20
    year, cell = populated.years.this, populated.tree.cell
    services.rollups_rebuild(year=year)
    OutboxEvent.objects.all().delete()  # the fixture's own writes
    OrgRollup.objects.update(updated_at=_ago(3600))
    events.cells_changed(cell_ids=[cell.pk], year=year)
    sent = []
    monkeypatch.setattr(tasks.rollups_refresh_cells, "apply_async", lambda kwargs, **_kw: sent.append(kwargs))
    outbox.outbox_relay_once()
    event = OutboxEvent.objects.get(topic=listeners.CELLS_CHANGED)
    assert sent == [{"cell_ids": [cell.pk], "year": year}]

    # The refresh message was lost (worker killed): after the grace period the sweep re-arms the event.
    OutboxEvent.objects.update(published_at=_ago(30))
    assert sweep_dirty_cells() == {"settled": 0, "requeued": 1}
    event.refresh_from_db()
    assert event.published_at is None and event.settled_at is None
    outbox.outbox_relay_once()
    assert len(sent) == 2

    # This time it runs: the cell's rows are newer than the publication, so the event settles.
    services.rollups_refresh(org_ids=[cell.pk], year=year)
    OutboxEvent.objects.update(published_at=_ago(30))
    assert sweep_dirty_cells() == {"settled": 1, "requeued": 0}
    event.refresh_from_db()
    assert event.settled_at is not None


@pytest.mark.django_db
def test_recent_events_are_not_swept_yet(populated, settings, monkeypatch):
    settings.ROLLUPS_SWEEP_GRACE_SECONDS = 20
    OutboxEvent.objects.all().delete()
    events.cells_changed(cell_ids=[populated.tree.cell.pk], year=populated.years.this)
    monkeypatch.setattr(tasks.rollups_refresh_cells, "apply_async", lambda **kw: None)
    outbox.outbox_relay_once()
    assert sweep_dirty_cells() == {"settled": 0, "requeued": 0}


@pytest.mark.django_db
def test_setup_schedules_creates_the_recovery_job_every_20_seconds():
    from django_celery_beat.models import PeriodicTask

    from core.schedules import schedules_ensure

    schedules_ensure()
    job = PeriodicTask.objects.get(task="core.recover")
    assert job.interval.every == 20 and job.interval.period == "seconds" and job.crontab is None
