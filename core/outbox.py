"""Transactional outbox: work for the broker is written in the writer's transaction, published later.

A write records an `OutboxEvent` next to its own rows (same transaction: a rolled-back write leaves
nothing behind). The relay — `manage.py outbox_relay` (woken by PostgreSQL NOTIFY at commit, polls
once a second otherwise) and the recovery beat job as a backstop — hands unpublished events to
their topic's handler, which queues Celery tasks. A request therefore never waits on the broker and
never fails because it is down: the events wait in the table, and `/healthz` reports their age.

With no broker (embedded default, tasks run in-process) the events are relayed right after commit.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import close_old_connections, connection, transaction
from django.db.models import F, Min
from django.utils import timezone

from .models import OutboxEvent

log = logging.getLogger(__name__)
CHANNEL = "tusoi_outbox"
TASK = "task"  # generic topic: {"name": registered task name, "args": [...], "kwargs": {...}}


@dataclass(frozen=True)
class Topic:
    publish: Callable[[list[OutboxEvent]], None]  # queue the work for these events (may coalesce them)
    settle_on_publish: bool = True  # False: a sweep confirms the work was done (see rollups)
    notice: str = ""  # told to the user whose request recorded such an event (lazy text)


TOPICS: dict[str, Topic] = {}
_INSERT_AND_NOTIFY = f"""
WITH e AS (
    INSERT INTO core_outboxevent (topic, payload, created_at, attempts) VALUES (%s, %s::jsonb, now(), 0)
    RETURNING id, created_at
) SELECT e.id, e.created_at FROM e, pg_notify('{CHANNEL}', '') AS n"""

# Topics recorded during the current request (read by core.middleware.OutboxNoticeMiddleware).
recorded_topics: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("outbox_topics", default=frozenset())


def _eager() -> bool:
    from config.celery import app

    return bool(app.conf.task_always_eager)


def outbox_record(*, topic: str, payload: dict) -> OutboxEvent:
    """Record work for the broker inside the caller's transaction; relayed once it commits."""
    recorded_topics.set(recorded_topics.get() | {topic})
    if connection.vendor == "postgresql":
        # One round trip: the row and the NOTIFY (delivered to the relay at commit, dropped on rollback).
        with connection.cursor() as cursor:
            cursor.execute(_INSERT_AND_NOTIFY, [topic, json.dumps(payload)])
            pk, created_at = cursor.fetchone()
        event = OutboxEvent(pk=pk, topic=topic, payload=payload, created_at=created_at, attempts=0)
    else:
        event = OutboxEvent.objects.create(topic=topic, payload=payload)
    if _eager():
        transaction.on_commit(outbox_relay_once)
    return event


def enqueue_task(task, *, args: Iterable = (), kwargs: dict | None = None) -> OutboxEvent:
    """Queue a Celery task through the outbox (instead of `transaction.on_commit(task.delay)`)."""
    return outbox_record(topic=TASK, payload={"name": task.name, "args": list(args), "kwargs": kwargs or {}})


def _publish_tasks(events: list[OutboxEvent]) -> None:
    from config.celery import app

    if any(event.payload["name"] not in app.tasks for event in events):
        # A relay process imports no tasks module of its own: load them (autodiscovery is lazy).
        app.loader.import_default_modules()
    for event in events:
        task = app.tasks[event.payload["name"]]
        task.apply_async(args=event.payload.get("args") or (), kwargs=event.payload.get("kwargs") or {}, **publish_options())


def publish_options() -> dict:
    """Fail fast when the broker does not answer: the relay retries on its next round."""
    return {"retry": True, "retry_policy": {"max_retries": 1, "interval_start": 0.2, "interval_step": 0, "interval_max": 0.2}}


TOPICS[TASK] = Topic(publish=_publish_tasks)


def outbox_relay_once(*, limit: int = 500) -> int:
    """Publish the oldest unpublished events; return how many went out. Stops at the first broker error."""
    published = 0
    with transaction.atomic():
        events = list(
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(published_at__isnull=True)
            .order_by("id")[:limit]
        )
        if not events:
            return 0
        by_topic: dict[str, list[OutboxEvent]] = {}
        for event in events:
            by_topic.setdefault(event.topic, []).append(event)
        for name, group in by_topic.items():
            topic = TOPICS.get(name)
            ids = [e.pk for e in group]
            if topic is None:
                log.error("outbox: no handler for topic %s; events %s left unpublished", name, ids)
                continue
            started = timezone.now()  # before the publish: every task it starts begins later
            try:
                topic.publish(group)
            except Exception as exc:  # noqa: BLE001 - broker down or unreachable: retry on the next round
                log.warning("outbox: publishing %s events of %s failed: %s", len(ids), name, exc)
                break
            settled = topic.settle_on_publish or _eager()  # in-process tasks have run when publish returns
            OutboxEvent.objects.filter(pk__in=ids).update(
                published_at=started, attempts=F("attempts") + 1, settled_at=started if settled else None
            )
            published += len(ids)
    return published


def outbox_backlog() -> dict:
    """Unpublished events and the age of the oldest one, in seconds (0 when empty)."""
    pending = OutboxEvent.objects.filter(published_at__isnull=True)
    oldest = pending.aggregate(m=Min("created_at"))["m"]
    return {
        "pending": pending.count(),
        "oldest_seconds": round((timezone.now() - oldest).total_seconds(), 1) if oldest else 0,
    }


def outbox_prune(*, older_than_hours: int = 24) -> int:
    """Delete settled events after a day (they are only kept for the sweep and for inspection)."""
    cutoff = timezone.now() - timezone.timedelta(hours=older_than_hours)
    return OutboxEvent.objects.filter(settled_at__lt=cutoff).delete()[0]


def outbox_relay_forever(*, stop: threading.Event | None = None, poll: float = 1.0) -> None:
    """The relay loop: publish, then wait for a NOTIFY (or `poll` seconds); back off while the broker is down."""
    stop = stop or threading.Event()
    listener = _listener()
    backoff = 0.0
    try:
        while not stop.is_set():
            try:
                backlog_left = _relay_round()
                backoff = 0.0 if not backlog_left else min(5.0, backoff + 0.5)
            except Exception:  # noqa: BLE001 - database hiccup: log, reconnect on the next round
                log.exception("outbox relay round failed")
                close_old_connections()
                backoff = min(5.0, backoff + 1.0)
            if backoff:
                stop.wait(backoff)
                continue
            try:
                _wait(listener, poll, stop)
            except Exception:  # noqa: BLE001 - the LISTEN connection dropped: poll until it is back
                log.warning("outbox relay: LISTEN connection lost; reconnecting", exc_info=True)
                listener = _reconnect(listener)
    finally:
        if listener is not None:
            listener.close()
        connection.close()


def _relay_round() -> bool:
    """Relay until the backlog is empty; True when events were left (the broker refused them)."""
    while True:
        if outbox_relay_once() == 0:
            return OutboxEvent.objects.filter(published_at__isnull=True).exists()


def _listener():
    if connection.vendor != "postgresql":
        return None
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    conn = psycopg.connect(**params, autocommit=True)
    conn.execute(f"LISTEN {CHANNEL}")
    return conn


def _reconnect(listener):
    if listener is not None:
        with contextlib.suppress(Exception):
            listener.close()
    try:
        return _listener()
    except Exception:  # noqa: BLE001 - database down: plain polling until the next failure
        return None


def _wait(listener, poll: float, stop: threading.Event) -> None:
    if listener is None:
        stop.wait(poll)
        return
    for _notify in listener.notifies(timeout=poll, stop_after=1):
        break
    # drain the burst so one round serves many commits
    for _notify in listener.notifies(timeout=0.01):
        pass
    time.sleep(0)
