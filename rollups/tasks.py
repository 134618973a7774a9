"""Celery tasks: load by id, call one service, safe to run twice or out of order."""

from celery import shared_task
from django.db import OperationalError

from . import services


# Idempotent, so a retry after a lost connection or a lock timeout, or a redelivery after a killed worker (acks_late + reject_on_worker_lost) is safe too.
@shared_task(
    name="rollups.refresh_cells",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def rollups_refresh_cells(*, cell_ids: list[int], year: int) -> int:
    """Recompute these cells' rows from source, then their ancestors from children."""
    return services.rollups_refresh(org_ids=cell_ids, year=year)


@shared_task(
    name="rollups.rebuild", acks_late=True, reject_on_worker_lost=True, autoretry_for=(OperationalError,), max_retries=2
)
def rollups_rebuild(*, year: int | None = None) -> dict:
    """Nightly (and after a reorganisation): recompute every row from the source rows."""
    from core.heartbeat import heartbeat

    with heartbeat(kind="rollups.rebuild", key="all" if year is None else year):
        return {str(y): n for y, n in services.rollups_rebuild(year=year).items()}


@shared_task(name="exports.dashboard_pdf", acks_late=True, reject_on_worker_lost=True, max_retries=0)
def dashboard_pdf(*, user_id: int, org_id: int, year: int, stage: str) -> str | None:
    """Render a dashboard's PDF into the cache, as `user_id` sees it (queue: exports)."""
    from django.contrib.auth import get_user_model

    from core.db_router import replica_reads

    from .pdf import pdf_make

    with replica_reads(fresh=True):  # as the dashboard itself: read from the replica when there is one
        user = get_user_model().objects.filter(pk=user_id).first()
        if user is None:
            return None
        return pdf_make(user=user, org_id=org_id, year=year, stage=stage)
