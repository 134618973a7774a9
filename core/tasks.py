"""Operational tasks."""

from celery import shared_task


@shared_task(name="core.worker_ping", ignore_result=False)
def worker_ping(token: str) -> str:
    """Answer a health probe: proves a worker consumes from the broker and can reach the database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return f"pong:{token}"
