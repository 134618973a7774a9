"""Application gauges exported next to django-prometheus' request metrics."""

from prometheus_client import Gauge

OUTBOX_PENDING = Gauge("tusoi_outbox_pending", "Outbox events not yet handed to the broker")
OUTBOX_OLDEST = Gauge("tusoi_outbox_oldest_seconds", "Age of the oldest unpublished outbox event")
HEARTBEATS = Gauge("tusoi_jobs_running", "Jobs with a heartbeat row (running or waiting for recovery)")


def update_gauges() -> None:
    from .models import JobHeartbeat
    from .outbox import outbox_backlog

    backlog = outbox_backlog()
    OUTBOX_PENDING.set(backlog["pending"])
    OUTBOX_OLDEST.set(backlog["oldest_seconds"])
    HEARTBEATS.set(JobHeartbeat.objects.count())
