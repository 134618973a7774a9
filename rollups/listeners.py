"""Domain-event listeners: queue the roll-up work once the writer's transaction commits."""

from __future__ import annotations

from functools import partial

from django.db import transaction


def _enqueue_refresh(cell_ids: list[int], year: int) -> None:
    from .tasks import rollups_refresh_cells

    rollups_refresh_cells.delay(cell_ids=cell_ids, year=year)


def _enqueue_rebuild() -> None:
    from .tasks import rollups_rebuild

    rollups_rebuild.delay()


def on_cells_changed(cell_ids: set[int], year: int) -> None:
    """A review, commitment or member of these cells changed: refresh them and their ancestors."""
    transaction.on_commit(partial(_enqueue_refresh, sorted(cell_ids), int(year)))


def on_tree_changed() -> None:
    """A reorganisation moves whole subtrees: rebuild rather than patch."""
    transaction.on_commit(_enqueue_rebuild)
