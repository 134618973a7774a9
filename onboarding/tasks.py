"""Celery tasks: load the job by id, call one service; both services are safe to run twice."""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def import_job_validate_task(job_id: int) -> None:
    from core.heartbeat import heartbeat

    from .services.imports import import_job_validate

    with heartbeat(kind="onboarding.import", key=job_id):  # a silent job is resumed or failed (recovery.py)
        import_job_validate(job_id=job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def import_job_apply_task(job_id: int) -> None:
    from core.heartbeat import heartbeat

    from .services.imports import import_job_apply

    with heartbeat(kind="onboarding.import", key=job_id):
        import_job_apply(job_id=job_id)
