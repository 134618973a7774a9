"""Import jobs: upload → dry run (task) → apply (task, one transaction) with progress on the job row."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ImportJob, ImportStatus
from .import_plan import ImportScope, Plan, plan_file
from .import_write import StreamWriter

logger = logging.getLogger(__name__)
MAX_FILE_BYTES = 50 * 1024 * 1024  # 100k members as .xlsx ≈ 8 MB; as CSV ≈ 12 MB


class _Rollback(Exception):
    pass


@transaction.atomic
def import_job_create(*, user, file_name: str, content: bytes, queue: bool = True) -> ImportJob:
    """Store the upload and queue its dry run."""
    from ..selectors import import_scope_for

    if import_scope_for(user) is None:
        raise PermissionDenied
    if not file_name.lower().endswith((".xlsx", ".csv")):
        raise ValidationError({"file": _("Chỉ nhận tệp .xlsx hoặc .csv.")})
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError({"file": _("Tệp quá lớn (tối đa 50 MB).")})
    job = ImportJob(created_by=user, file_name=file_name[:255], content=content)
    job.full_clean(exclude=["content"])
    job.save()
    if queue:
        from core.outbox import enqueue_task

        from ..tasks import import_job_validate_task

        enqueue_task(import_job_validate_task, args=[job.pk])  # published by the outbox relay
    return job


def _scope(job: ImportJob) -> ImportScope:
    from ..selectors import import_scope_for

    # Current rights of the uploader, not those at upload time.
    return import_scope_for(get_user_model().objects.get(pk=job.created_by_id)) or ImportScope(paths=())


def _claim(job_id: int, from_status: str, to_status: str) -> bool:
    """Compare-and-set on the status: a second delivery of the same task does nothing."""
    return ImportJob.objects.filter(pk=job_id, status=from_status).update(status=to_status, progress_done=0) == 1


def _store_plan(job: ImportJob, plan: Plan) -> None:
    job.rows_total = plan.rows_total
    job.error_count = len(plan.errors) + plan.errors_omitted
    job.counts = plan.counts()
    job.report = plan.report()


CONTENT_SLICE = 4 * 1024 * 1024


@contextmanager
def _stored_file(job_id: int) -> Iterator[str]:
    """The uploaded file copied to a temporary file in 4 MB slices, so the worker never holds the
    whole file (nor the driver's hex-encoded copy of it) in memory; the path is read in passes."""
    table = ImportJob._meta.db_table
    with tempfile.NamedTemporaryFile(prefix="tusoi-import-") as tmp:
        offset = 1
        with connections["default"].cursor() as cursor:
            while True:
                cursor.execute(
                    f"SELECT substr(content, %s, %s) FROM {table} WHERE id = %s", [offset, CONTENT_SLICE, job_id]
                )
                row = cursor.fetchone()
                piece = bytes(row[0]) if row and row[0] is not None else b""
                if not piece:
                    break
                tmp.write(piece)
                offset += len(piece)
        tmp.flush()
        yield tmp.name


def _job(job_id: int) -> ImportJob:
    # Without the file: save() then writes only the loaded fields, not 50 MB of content back.
    return ImportJob.objects.defer("content").get(pk=job_id)


def import_job_validate(*, job_id: int) -> ImportJob | None:
    """Chạy thử: check every row, store the report. Writes nothing but the job row."""
    if not _claim(job_id, ImportStatus.PENDING, ImportStatus.VALIDATING):
        return None
    job = _job(job_id)

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(progress_done=done, progress_total=total)

    try:
        with _stored_file(job_id) as path:
            plan = plan_file(
                file_name=job.file_name, content=path, scope=_scope(job), progress=progress, keep_rows=False
            )
    except ValidationError as exc:
        job.status, job.message = ImportStatus.FAILED, " ".join(exc.messages)
        job.save(update_fields=["status", "message"])
        return job
    _store_plan(job, plan)
    job.status, job.validated_at = ImportStatus.VALIDATED, timezone.now()
    job.progress_done = job.progress_total = plan.rows_total
    job.message = ""
    job.save()
    return job


def import_job_request_apply(*, job: ImportJob, user, queue: bool = True) -> ImportJob:
    """Ghi dữ liệu: only after a clean dry run, only by the uploader."""
    if job.created_by_id != user.pk and not user.is_superuser:
        raise PermissionDenied
    if not job.can_apply:
        raise ValidationError(_("Chỉ ghi được tệp đã chạy thử và không có dòng lỗi."))
    with transaction.atomic():
        if not _claim(job.pk, ImportStatus.VALIDATED, ImportStatus.APPLY_QUEUED):
            raise ValidationError(_("Tệp này đang được ghi hoặc đã ghi xong."))
        if queue:
            from core.outbox import enqueue_task

            from ..tasks import import_job_apply_task

            enqueue_task(import_job_apply_task, args=[job.pk])  # published by the outbox relay
    job.refresh_from_db(fields=["status"])
    return job


class _SideProgress:
    """Writes progress from a second connection, so the page sees it while the apply transaction runs."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.conn = connections.create_connection("default")

    def __call__(self, done: int, total: int) -> None:
        try:
            with self.conn.cursor() as cursor:
                cursor.execute("SET lock_timeout = '1s'")
                cursor.execute(
                    "UPDATE onboarding_importjob SET progress_done = %s, progress_total = %s WHERE id = %s",
                    [min(done, total), total, self.job_id],
                )
        except Exception:  # progress is cosmetic; never fail an import because of it
            logger.warning("import progress update failed", exc_info=True)

    def close(self) -> None:
        self.conn.close()


def import_job_apply(*, job_id: int) -> ImportJob | None:
    """Apply in one transaction: the file is checked again first; any error → nothing is written."""
    if not _claim(job_id, ImportStatus.APPLY_QUEUED, ImportStatus.APPLYING):
        return None
    job = _job(job_id)
    user = get_user_model().objects.get(pk=job.created_by_id)
    progress = _SideProgress(job_id)
    try:
        with transaction.atomic(), _stored_file(job_id) as path:
            # The file is checked again while the rows are written in batches (StreamWriter);
            # any error → nothing is written (the transaction rolls back).
            writer = StreamWriter(user=user)
            plan = plan_file(
                file_name=job.file_name, content=path, scope=_scope(job), progress=progress, sink=writer.write
            )
            if plan.errors:
                raise _Rollback
            written = writer.finish(plan)
    except _Rollback:
        _store_plan(job, plan)
        job.status = ImportStatus.VALIDATED
        job.message = _("Dữ liệu đã thay đổi từ lần chạy thử; tệp có dòng lỗi nên chưa ghi gì.")
        job.save()
        return job
    except Exception as exc:
        logger.exception("import %s failed", job_id)
        job.status, job.message = (
            ImportStatus.FAILED,
            _("Lỗi khi ghi dữ liệu; không có gì được ghi: %(error)s") % {"error": exc},
        )
        job.save(update_fields=["status", "message"])
        return job
    finally:
        progress.close()
    _store_plan(job, plan)
    job.counts = job.counts | {"written": written}
    job.status, job.applied_at, job.message = ImportStatus.APPLIED, timezone.now(), ""
    job.progress_done = job.progress_total = max(plan.rows_total, 1)
    job.save()
    return job
