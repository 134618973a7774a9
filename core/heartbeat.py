"""Heartbeats of long jobs, and the recovery sweep that acts on the ones that went silent.

`with heartbeat(kind=..., key=...)` writes a `JobHeartbeat` row from a side thread (its own
connection, autocommit) every `HEARTBEAT_SECONDS`, and deletes it when the block ends. A process
killed with `kill -9` stops beating; `jobs_recover` (beat job) then calls the kind's recoverer,
which resumes the job or fails it with a message for the user.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from .models import JobHeartbeat

log = logging.getLogger(__name__)

# kind -> recover(heartbeat): resume or fail the job; delete the heartbeat when nothing is left to do.
RECOVERERS: dict[str, Callable[[JobHeartbeat], None]] = {}
# Other periodic repairs run by the same beat job (e.g. the roll-ups' dirty-cells sweep).
SWEEPS: list[Callable[[], object]] = []


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:128]


class _Beat(threading.Thread):
    def __init__(self, kind: str, key: str, every: float):
        super().__init__(name=f"heartbeat-{kind}-{key}", daemon=True)
        self.kind, self.key, self.every = kind, key, every
        self.stopping = threading.Event()
        self.first = threading.Event()

    def run(self) -> None:
        try:
            while True:
                self._beat()
                self.first.set()
                if self.stopping.wait(self.every):
                    break
            JobHeartbeat.objects.filter(kind=self.kind, key=self.key).delete()
        except Exception:  # noqa: BLE001 - a missed beat must never break the job itself
            log.warning("heartbeat %s:%s failed", self.kind, self.key, exc_info=True)
        finally:
            self.first.set()
            connection.close()

    def _beat(self) -> None:
        now = timezone.now()
        updated = JobHeartbeat.objects.filter(kind=self.kind, key=self.key).update(beat_at=now, worker=_worker_name())
        if not updated:
            JobHeartbeat.objects.get_or_create(
                kind=self.kind, key=self.key, defaults={"started_at": now, "beat_at": now, "worker": _worker_name()}
            )


@contextmanager
def heartbeat(*, kind: str, key: str | int, every: float | None = None):
    """Beat while the block runs (the row survives a crash: that is the signal)."""
    beat = _Beat(kind, str(key), every or settings.JOB_HEARTBEAT_SECONDS)
    beat.start()
    beat.first.wait(5)
    try:
        yield
    finally:
        beat.stopping.set()
        beat.join(10)


def jobs_recover() -> dict:
    """Recover jobs whose heartbeat stopped, then run the registered sweeps. Safe to run concurrently."""
    now = timezone.now()
    stale_before = now - timezone.timedelta(seconds=settings.JOB_HEARTBEAT_STALE_SECONDS)
    recovered = 0
    for hb in JobHeartbeat.objects.filter(beat_at__lt=stale_before).order_by("id"):
        with transaction.atomic():
            # Compare-and-set on beat_at: two sweeps never recover the same job twice.
            claimed = JobHeartbeat.objects.filter(pk=hb.pk, beat_at=hb.beat_at).update(
                beat_at=now, recoveries=F("recoveries") + 1
            )
            if not claimed:
                continue
            silent_since = hb.beat_at
            hb.refresh_from_db()
            recoverer = RECOVERERS.get(hb.kind)
            if recoverer is None:
                log.error("no recoverer for heartbeat kind %s; dropping %s", hb.kind, hb)
                hb.delete()
                continue
            log.warning("recovering %s (silent since %s, recovery %s)", hb, silent_since, hb.recoveries)
            recoverer(hb)
            recovered += 1
    result: dict = {"recovered": recovered}
    for sweep in SWEEPS:
        try:
            result[getattr(sweep, "__name__", str(sweep))] = sweep()
        except Exception:  # noqa: BLE001 - one broken sweep must not stop the others
            log.exception("sweep %s failed", sweep)
    return result
