"""Domain events queue roll-up work on commit; a real worker brings a grade change to the province."""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from core import events, outbox
from core.models import OutboxEvent
from core.schedules import SCHEDULES
from reviews.models import MemberReview
from rollups import listeners, services, tasks
from rollups.models import OrgRollup


def _relayed(monkeypatch):
    """Run the outbox relay with the publish captured: [(task name, kwargs)]."""
    calls = []
    monkeypatch.setattr(tasks.rollups_refresh_cells, "apply_async", lambda kwargs, **_kw: calls.append(kwargs))
    monkeypatch.setattr(tasks.rollups_rebuild, "apply_async", lambda args=(), kwargs=None, **_kw: calls.append(kwargs))
    outbox.outbox_relay_once()
    return calls


def test_listeners_and_schedule_are_registered():
    assert listeners.on_cells_changed in events.CELLS_CHANGED
    assert listeners.on_tree_changed in events.TREE_CHANGED
    assert any(spec.task == "rollups.rebuild" for spec in SCHEDULES)
    assert any(spec.task == "core.recover" and spec.every_seconds <= 30 for spec in SCHEDULES)


@pytest.mark.django_db
def test_cells_changed_is_recorded_in_the_outbox_and_relayed(monkeypatch):
    events.cells_changed(cell_ids=[5, 3, 5], year=2026)
    event = OutboxEvent.objects.get()
    assert (event.topic, event.payload, event.published_at) == (listeners.CELLS_CHANGED, {"year": 2026, "cell_ids": [3, 5]}, None)
    assert _relayed(monkeypatch) == [{"cell_ids": [3, 5], "year": 2026}]
    event.refresh_from_db()
    assert event.published_at is not None and event.settled_at is None  # the dirty-cells sweep settles it


@pytest.mark.django_db
def test_tree_changed_queues_a_rebuild(monkeypatch):
    events.tree_changed()
    assert _relayed(monkeypatch) == [{}]


@pytest.mark.django_db
def test_rolled_back_change_leaves_no_event(monkeypatch):
    try:
        with transaction.atomic():
            events.cells_changed(cell_ids=[1], year=2026)
            raise RuntimeError
    except RuntimeError:
        pass
    assert not OutboxEvent.objects.exists()
    assert _relayed(monkeypatch) == []


@pytest.mark.django_db
def test_events_waiting_together_are_coalesced(monkeypatch):
    with transaction.atomic():
        for cell in (4, 2, 4, 9):
            events.cells_changed(cell_ids=[cell], year=2026)
    events.cells_changed(cell_ids=[1], year=2025)
    assert _relayed(monkeypatch) == [{"cell_ids": [1], "year": 2025}, {"cell_ids": [2, 4, 9], "year": 2026}]


@pytest.mark.django_db
def test_broker_refusal_leaves_the_events_for_the_next_round(monkeypatch):
    events.cells_changed(cell_ids=[7], year=2026)

    def refuse(*a, **kw):
        raise OSError("connection refused")

    monkeypatch.setattr(tasks.rollups_refresh_cells, "apply_async", refuse)
    assert outbox.outbox_relay_once() == 0
    assert OutboxEvent.objects.get().published_at is None
    assert _relayed(monkeypatch) == [{"cell_ids": [7], "year": 2026}]


@pytest.mark.django_db(transaction=True)
def test_grade_change_reaches_the_province_through_a_real_worker(populated, celery_worker_thread):
    years, tree = populated.years, populated.tree
    services.rollups_rebuild()
    member = populated.cast.member.member
    before = OrgRollup.objects.get(organization=tree.province, year=years.this, stage="DECIDED")
    review = MemberReview.objects.get(member=member, year=years.this)
    new_grade = "NOT_COMPLETED" if review.decided_grade != "NOT_COMPLETED" else "EXCELLENT"
    with transaction.atomic():
        review.status, review.decided_grade, review.not_graded_reason = "DECIDED", new_grade, ""
        review.save()
        events.cells_changed(cell_ids=[member.cell_id], year=years.this)
    deadline = time.monotonic() + 60  # a loaded CI machine: a bound, not a speed test
    while time.monotonic() < deadline:
        after = OrgRollup.objects.get(organization=tree.province, year=years.this, stage="DECIDED")
        if after.updated_at > before.updated_at:
            break
        time.sleep(0.1)
    assert after.updated_at > before.updated_at, "the worker did not refresh the province row"
    assert services.rollups_compare(year=years.this) == []
