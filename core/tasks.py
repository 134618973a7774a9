"""Operational tasks."""

from celery import shared_task


@shared_task(name="core.worker_ping", ignore_result=False)
def worker_ping(token: str) -> str:
    """Answer a health probe: proves a worker consumes from the broker and can reach the database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return f"pong:{token}"


@shared_task(name="core.recover", ignore_result=True, acks_late=True)
def core_recover() -> dict:
    """Every 20 s: resume or fail jobs whose heartbeat stopped, run the sweeps, relay the outbox backlog."""
    from .heartbeat import jobs_recover
    from .outbox import outbox_prune, outbox_relay_once

    result = jobs_recover()
    result["relayed"] = outbox_relay_once()
    result["pruned"] = outbox_prune()
    return result
