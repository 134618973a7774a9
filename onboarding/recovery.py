"""Recovery of import jobs whose worker died (heartbeat stopped; see core.heartbeat).

The dry run writes nothing and the apply runs in one transaction, which PostgreSQL rolls back
when the worker's connection drops: a dead job has written nothing, so it can start again from
the beginning. It is resumed once; a second death fails it with a message on the job page.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.outbox import enqueue_task

from .models import ImportJob, ImportStatus

MAX_RESUMES = 1

# running status -> (status to queue again, task name)
_RESTART = {
    ImportStatus.VALIDATING: (ImportStatus.PENDING, "validate"),
    ImportStatus.APPLYING: (ImportStatus.APPLY_QUEUED, "apply"),
}
_WAITING = {ImportStatus.PENDING: "validate", ImportStatus.APPLY_QUEUED: "apply"}


def _task(which: str):
    from . import tasks

    return tasks.import_job_validate_task if which == "validate" else tasks.import_job_apply_task


def import_job_recover(hb) -> None:
    job = ImportJob.objects.filter(pk=int(hb.key)).only("id", "status").first()
    if job is None or job.status not in (*_RESTART, *_WAITING):
        hb.delete()  # finished meanwhile
        return
    if job.status in _WAITING:
        # Queued again and not picked up yet: queue once more (the task's compare-and-set makes a
        # duplicate harmless) and wait for the next sweep.
        enqueue_task(_task(_WAITING[job.status]), args=[job.pk])
        return
    back_to, which = _RESTART[job.status]
    if hb.recoveries <= MAX_RESUMES:
        updated = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
            status=back_to,
            progress_done=0,
            message=_(
                "Máy chủ xử lý bị dừng đột ngột khi đang chạy; chưa có dữ liệu nào được ghi. "
                "Hệ thống đã tự chạy lại từ đầu."
            ),
        )
        if updated:
            enqueue_task(_task(which), args=[job.pk])
        return
    ImportJob.objects.filter(pk=job.pk, status=job.status).update(
        status=ImportStatus.FAILED,
        message=_(
            "Máy chủ xử lý bị dừng đột ngột nhiều lần khi đang chạy; không có dữ liệu nào được ghi. "
            "Hãy tải tệp lên và thử lại, hoặc báo quản trị hệ thống."
        ),
    )
    hb.delete()
