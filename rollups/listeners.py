"""Domain-event listeners: record the roll-up work in the outbox, inside the writer's transaction.

The relay (core.outbox) publishes the events once the transaction has committed and the broker
answers, coalescing them: every "cells changed" event waiting for a year becomes one refresh of
the union of their cells. A rolled-back write leaves no event. `rollups.sweeps` re-arms events
whose refresh never ran (cells whose roll-up rows are older than the event's publication).
"""

from __future__ import annotations

from core.outbox import enqueue_task, outbox_record

CELLS_CHANGED = "rollups.cells_changed"


def on_cells_changed(cell_ids: set[int], year: int) -> None:
    """A review, commitment or member of these cells changed: refresh them and their ancestors."""
    outbox_record(topic=CELLS_CHANGED, payload={"year": int(year), "cell_ids": sorted(int(i) for i in cell_ids)})


def on_tree_changed() -> None:
    """A reorganisation moves whole subtrees: rebuild rather than patch."""
    from .tasks import rollups_rebuild

    enqueue_task(rollups_rebuild)


def publish_cells_changed(events) -> None:
    """Relay handler: one refresh per year for the union of the events' cells."""
    from core.outbox import publish_options

    from .tasks import rollups_refresh_cells

    by_year: dict[int, set[int]] = {}
    for event in events:
        by_year.setdefault(int(event.payload["year"]), set()).update(int(i) for i in event.payload["cell_ids"])
    for year, ids in sorted(by_year.items()):
        rollups_refresh_cells.apply_async(kwargs={"cell_ids": sorted(ids), "year": year}, **publish_options())
