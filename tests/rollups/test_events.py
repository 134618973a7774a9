"""Domain events queue roll-up work on commit; a real worker brings a grade change to the province."""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from core import events
from core.schedules import SCHEDULES
from reviews.models import MemberReview
from rollups import listeners, services, tasks
from rollups.models import OrgRollup


@pytest.fixture(autouse=True)
def _no_pending_events(monkeypatch):
    monkeypatch.setattr(listeners._pending, "by_year", {}, raising=False)


def test_listeners_and_schedule_are_registered():
    assert listeners.on_cells_changed in events.CELLS_CHANGED
    assert listeners.on_tree_changed in events.TREE_CHANGED
    assert any(spec.task == "rollups.rebuild" for spec in SCHEDULES)


@pytest.mark.django_db
def test_cells_changed_queues_a_refresh_only_on_commit(django_capture_on_commit_callbacks, monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.rollups_refresh_cells, "delay", lambda **kw: calls.append(kw))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        events.cells_changed(cell_ids=[5, 3, 5], year=2026)
        assert calls == []
    assert len(callbacks) == 1
    assert calls == [{"cell_ids": [3, 5], "year": 2026}]


@pytest.mark.django_db
def test_tree_changed_queues_a_rebuild(django_capture_on_commit_callbacks, monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.rollups_rebuild, "delay", lambda **kw: calls.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        events.tree_changed()
    assert calls == [{}]


@pytest.mark.django_db
def test_rolled_back_change_queues_nothing(django_capture_on_commit_callbacks, monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.rollups_refresh_cells, "delay", lambda **kw: calls.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                events.cells_changed(cell_ids=[1], year=2026)
                raise RuntimeError
        except RuntimeError:
            pass
    assert calls == []


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
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        after = OrgRollup.objects.get(organization=tree.province, year=years.this, stage="DECIDED")
        if after.updated_at > before.updated_at:
            break
        time.sleep(0.1)
    assert after.updated_at > before.updated_at, "the worker did not refresh the province row"
    assert services.rollups_compare(year=years.this) == []


@pytest.mark.django_db
def test_events_of_one_transaction_are_coalesced(django_capture_on_commit_callbacks, monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.rollups_refresh_cells, "delay", lambda **kw: calls.append(kw))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for cell in (4, 2, 4, 9):
            events.cells_changed(cell_ids=[cell], year=2026)
        events.cells_changed(cell_ids=[1], year=2025)
    assert calls == [{"cell_ids": [1], "year": 2025}, {"cell_ids": [2, 4, 9], "year": 2026}]
