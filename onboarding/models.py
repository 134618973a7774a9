"""Import jobs (upload → dry run → apply, with progress) and reorganisation records (the audit)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    PENDING = "PENDING", _("Đang chờ kiểm tra")
    VALIDATING = "VALIDATING", _("Đang kiểm tra")
    VALIDATED = "VALIDATED", _("Đã kiểm tra (chạy thử)")
    APPLY_QUEUED = "APPLY_QUEUED", _("Đang chờ ghi dữ liệu")
    APPLYING = "APPLYING", _("Đang ghi dữ liệu")
    APPLIED = "APPLIED", _("Đã nhập xong")
    FAILED = "FAILED", _("Thất bại")


RUNNING_STATUSES = (ImportStatus.PENDING, ImportStatus.VALIDATING, ImportStatus.APPLY_QUEUED, ImportStatus.APPLYING)


class ImportJob(models.Model):
    """Một lần nhập dữ liệu: the uploaded file, its dry-run report and (later) the applied result.

    The file is kept in the database so any worker can read it (no shared media volume needed).
    Progress columns are written from a side connection while the apply transaction runs.
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs", verbose_name=_("người nhập")
    )
    created_at = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True)
    file_name = models.CharField(_("tên tệp"), max_length=255)
    content = models.BinaryField(_("nội dung tệp"), editable=False)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    progress_done = models.PositiveIntegerField(_("số dòng đã xử lý"), default=0)
    progress_total = models.PositiveIntegerField(_("tổng số dòng"), default=0)
    rows_total = models.PositiveIntegerField(_("số dòng dữ liệu"), default=0)
    error_count = models.PositiveIntegerField(_("số dòng lỗi"), default=0)
    counts = models.JSONField(_("thống kê"), default=dict, blank=True)
    # {"errors": [{"sheet", "line", "column", "message"}], "rows": [{"sheet", "line", "action", "key", "label"}]}
    report = models.JSONField(_("báo cáo"), default=dict, blank=True)
    message = models.TextField(_("thông báo"), blank=True)
    validated_at = models.DateTimeField(_("kiểm tra lúc"), null=True, blank=True)
    applied_at = models.DateTimeField(_("ghi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lần nhập dữ liệu")
        verbose_name_plural = _("các lần nhập dữ liệu")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_done__lte=F("progress_total")) | Q(progress_total=0),
                name="import_progress_range",
                violation_error_message=_("Tiến độ không thể vượt quá tổng số dòng."),
            ),
        ]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0 if self.is_running else 100
        return min(100, int(100 * self.progress_done / self.progress_total))

    @property
    def can_apply(self) -> bool:
        return self.status == ImportStatus.VALIDATED and self.error_count == 0


class ReorgKind(models.TextChoices):
    MERGE = "MERGE", _("Hợp nhất")
    SPLIT = "SPLIT", _("Chia tách")
    MOVE = "MOVE", _("Chuyển trực thuộc")
    CLOSE = "CLOSE", _("Giải thể")
    REMOVE_LEVEL = "REMOVE_LEVEL", _("Bỏ cấp trung gian")


class Reorganisation(models.Model):
    """Sắp xếp tổ chức: who changed the tree, when, effective from which day, old and new nodes."""

    kind = models.CharField(_("hình thức"), max_length=16, choices=ReorgKind.choices)
    effective_on = models.DateField(_("có hiệu lực từ"))
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reorganisations",
        verbose_name=_("người thực hiện"),
    )
    performed_at = models.DateTimeField(_("thực hiện lúc"), auto_now_add=True)
    sources = models.ManyToManyField(
        "organizations.Organization", related_name="reorganisations_ended", verbose_name=_("tổ chức cũ")
    )
    results = models.ManyToManyField(
        "organizations.Organization", related_name="reorganisations_started", blank=True, verbose_name=_("tổ chức mới")
    )
    members_moved = models.PositiveIntegerField(_("số đảng viên chuyển sinh hoạt"), default=0)
    summary = models.JSONField(_("tóm tắt"), default=dict, blank=True)
    note = models.CharField(_("căn cứ, ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("lần sắp xếp tổ chức")
        verbose_name_plural = _("các lần sắp xếp tổ chức")
        ordering = ["-performed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_on:%d/%m/%Y}"
