"""Domain-event listeners: queue the roll-up work once the writer's transaction commits.

Events of one transaction are coalesced: a service that touches forty cells in one transaction
queues one refresh per year, not forty. A rolled-back transaction may leave its cell ids pending;
they ride along with the next flush, which is harmless because a refresh recomputes from source.
"""

from __future__ import annotations

import threading

from django.db import transaction

_pending = threading.local()


def _enqueue_refresh(cell_ids: list[int], year: int) -> None:
    from .tasks import rollups_refresh_cells

    rollups_refresh_cells.delay(cell_ids=cell_ids, year=year)


def _enqueue_rebuild() -> None:
    from .tasks import rollups_rebuild

    rollups_rebuild.delay()


def _flush() -> None:
    by_year = getattr(_pending, "by_year", None)
    _pending.by_year = {}
    for year, ids in sorted((by_year or {}).items()):
        _enqueue_refresh(sorted(ids), year)


def on_cells_changed(cell_ids: set[int], year: int) -> None:
    """A review, commitment or member of these cells changed: refresh them and their ancestors."""
    if not hasattr(_pending, "by_year"):
        _pending.by_year = {}
    _pending.by_year.setdefault(int(year), set()).update(int(i) for i in cell_ids)
    transaction.on_commit(_flush)  # the first callback to run flushes; the others find nothing


def on_tree_changed() -> None:
    """A reorganisation moves whole subtrees: rebuild rather than patch."""
    transaction.on_commit(_enqueue_rebuild)
