"""Claiming ledger rows so that two runs at once never send the same reminder twice.

A run inserts one PENDING row per due item with INSERT … ON CONFLICT DO NOTHING (the unique
constraint decides who wins), takes back rows a failed run released or a dead worker left behind,
and then owns exactly the rows carrying its run id. Rows become SENT only after delivery.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from .due import DueItem
from .models import ReminderLog, ReminderStatus

LEASE = dt.timedelta(minutes=30)  # a claim older than this belongs to a worker that died
BATCH = 2000


def _row(item: DueItem, run_id: uuid.UUID, now: dt.datetime, email: str) -> ReminderLog:
    return ReminderLog(
        user_id=item.user_id,
        member_id=item.member_id,
        kind=item.kind,
        stage=item.stage,
        **{f"{item.cycle_field}_id": item.cycle_id},
        run_id=run_id,
        claimed_at=now,
        email=email,
    )


def _key(row: tuple) -> tuple:
    return tuple(row[1:])


def claims_take(*, items: list[DueItem], run_id: uuid.UUID, emails: dict[str, str]) -> dict[int, DueItem]:
    """Claim the ledger rows for `items`; return {ledger id: item} for the rows this run owns.

    `emails` maps a person key to the address used (recorded with the claim).
    """
    now = timezone.now()
    known = _known_keys(items)  # the daily re-run inserts only what is new (cheap read, no conflicts)
    rows = (_row(i, run_id, now, emails.get(i.person, "")) for i in items if i.key not in known)
    ReminderLog.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    _retake_abandoned(items, run_id, now)
    wanted = {item.key: item for item in items}
    owned: dict[int, DueItem] = {}
    stale: list[int] = []
    rows = ReminderLog.objects.filter(run_id=run_id, status=ReminderStatus.PENDING).values_list(
        "id", "user_id", "member_id", "kind", "commitment_cycle_id", "review_cycle_id", "stage"
    )
    for row in rows.iterator(chunk_size=BATCH):
        item = wanted.get(_key(row))
        if item is None:
            stale.append(row[0])
        else:
            owned[row[0]] = item
    # a retaken row whose reminder is no longer due (the member has since submitted): forget it
    ReminderLog.objects.filter(pk__in=stale, run_id=run_id, status=ReminderStatus.PENDING).delete()
    return owned


def _groups(items: Iterable[DueItem]) -> Q:
    """The (kind, stage, cycle) groups of `items`: a handful per run."""
    q = Q(pk__in=[])
    for kind, stage, cycle_field, cycle_id in {(i.kind, i.stage, i.cycle_field, i.cycle_id) for i in items}:
        q |= Q(kind=kind, stage=stage, **{f"{cycle_field}_id": cycle_id})
    return q


def _known_keys(items: list[DueItem]) -> set[tuple]:
    if not items:
        return set()
    rows = ReminderLog.objects.filter(_groups(items)).values_list(
        "id", "user_id", "member_id", "kind", "commitment_cycle_id", "review_cycle_id", "stage"
    )
    return {_key(row) for row in rows.iterator(chunk_size=BATCH)}


def _retake_abandoned(items: list[DueItem], run_id: uuid.UUID, now: dt.datetime) -> int:
    """Conditional UPDATE: only rows no live run holds (released, or lease expired)."""
    same_group = _groups(items)
    free = Q(run_id__isnull=True) | Q(claimed_at__lt=now - LEASE)
    return ReminderLog.objects.filter(same_group, free, status=ReminderStatus.PENDING).update(
        run_id=run_id, claimed_at=now
    )


def claims_release(*, run_id: uuid.UUID) -> int:
    """Give back what this run did not deliver, so that the retry (or the next run) sends it."""
    return ReminderLog.objects.filter(run_id=run_id, status=ReminderStatus.PENDING).update(run_id=None)


def claims_mark_sent(*, ids: list[int], run_id: uuid.UUID) -> int:
    """Only rows this run still holds: a row is never marked sent by a run that did not send it."""
    owned = ReminderLog.objects.filter(pk__in=ids, run_id=run_id, status=ReminderStatus.PENDING)
    return owned.update(status=ReminderStatus.SENT, sent_at=timezone.now())
