"""Celery tasks: load the job by id, call one service; both services are safe to run twice."""

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def import_job_validate_task(job_id: int) -> None:
    from .services.imports import import_job_validate

    import_job_validate(job_id=job_id)


@shared_task(acks_late=True, ignore_result=True)
def import_job_apply_task(job_id: int) -> None:
    from .services.imports import import_job_apply

    import_job_apply(job_id=job_id)
