"""Self-healing for roll-ups: refreshes that never ran, and rebuilds killed half-way.

`sweep_dirty_cells` (run by the core recovery beat job) looks at "cells changed" events published
more than `ROLLUPS_SWEEP_GRACE_SECONDS` ago and not yet settled. An event is settled when every
cell's roll-up rows were written after the event was published (the refresh ran); otherwise the
event is put back in the outbox so the relay queues its refresh again. An event that still has
stale cells after `MAX_ATTEMPTS` publications (e.g. a cell closed meanwhile) is settled with a
warning; the nightly rebuild repairs whatever is left.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core.models import OutboxEvent

from .listeners import CELLS_CHANGED

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5

STALE_EVENTS = """
SELECT e.id FROM core_outboxevent e
WHERE e.id = ANY(%(ids)s) AND EXISTS (
    SELECT 1 FROM jsonb_array_elements_text(e.payload -> 'cell_ids') AS c(cell_id)
    LEFT JOIN rollups_orgrollup r
        ON r.organization_id = c.cell_id::bigint AND r.year = (e.payload ->> 'year')::int
    WHERE r.id IS NULL OR r.updated_at < e.published_at
)"""


@transaction.atomic
def sweep_dirty_cells(*, limit: int = 2000) -> dict:
    """Settle the events whose refresh ran; re-arm the others. Returns {"settled": n, "requeued": n}."""
    if connection.vendor != "postgresql":
        return {"settled": 0, "requeued": 0}
    cutoff = timezone.now() - timezone.timedelta(seconds=settings.ROLLUPS_SWEEP_GRACE_SECONDS)
    events = list(
        OutboxEvent.objects.select_for_update(skip_locked=True)
        .filter(topic=CELLS_CHANGED, published_at__lt=cutoff, settled_at__isnull=True)
        .order_by("id")
        .values_list("id", "attempts")[:limit]
    )
    if not events:
        return {"settled": 0, "requeued": 0}
    with connection.cursor() as cursor:
        cursor.execute(STALE_EVENTS, {"ids": [i for i, _a in events]})
        stale = {row[0] for row in cursor.fetchall()}
    now = timezone.now()
    give_up = [i for i, attempts in events if i in stale and attempts >= MAX_ATTEMPTS]
    requeue = [i for i, attempts in events if i in stale and attempts < MAX_ATTEMPTS]
    settled = [i for i, _a in events if i not in stale or i in give_up]
    if give_up:
        log.warning(
            "roll-up events %s still stale after %s publications; left to the nightly rebuild", give_up, MAX_ATTEMPTS
        )
    if requeue:
        log.warning("roll-up refresh never ran for events %s; queued again", requeue)
        OutboxEvent.objects.filter(pk__in=requeue).update(published_at=None)
    OutboxEvent.objects.filter(pk__in=settled).update(settled_at=now)
    return {"settled": len(settled), "requeued": len(requeue)}


def recover_rebuild(hb) -> None:
    """A rebuild died half-way (its transaction rolled back): queue it again, three times at most."""
    from core.outbox import enqueue_task

    from .tasks import rollups_rebuild

    year = None if hb.key == "all" else int(hb.key)
    if hb.recoveries <= 3:
        enqueue_task(rollups_rebuild, kwargs={"year": year} if year is not None else {})
    else:
        log.error("roll-up rebuild %s died %s times; left to the nightly job", hb.key, hb.recoveries)
    hb.delete()
