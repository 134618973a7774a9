"""Quarterly evaluation of leaders (KL 198-KL/TW, HD 02-HD/BTCTW 2026): members holding the
positions listed in settings.QUARTERLY_LEADER_POSITIONS assess themselves every quarter (score
out of 100 against their tasks); the body that manages them decides. Others stay annual."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reviews.models import Grade

QUARTERS = (1, 2, 3, 4)


def default_deadline(year: int, quarter: int) -> dt.date:
    """The 15th of the quarter's last month (KL 198's reporting date)."""
    return dt.date(year, quarter * 3, 15)


class QuarterlyCycle(models.Model):
    """Đợt đánh giá hằng quý of a year for a top organisation, with each quarter's deadline."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("tổ chức")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    q1_deadline = models.DateField(_("hạn quý I"))
    q2_deadline = models.DateField(_("hạn quý II"))
    q3_deadline = models.DateField(_("hạn quý III"))
    q4_deadline = models.DateField(_("hạn quý IV"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đợt đánh giá hằng quý")
        verbose_name_plural = _("đợt đánh giá hằng quý")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"],
                name="one_quarterly_cycle_per_org_year",
                violation_error_message=_("Tổ chức này đã có đợt đánh giá hằng quý cho năm này."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} — {self.year}"

    def deadline(self, quarter: int) -> dt.date:
        return getattr(self, f"q{quarter}_deadline")


class QuarterlyStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Đang tự đánh giá")
    SUBMITTED = "SUBMITTED", _("Đã nộp, chờ cấp quản lý")
    RETURNED = "RETURNED", _("Cấp quản lý trả lại")
    DECIDED = "DECIDED", _("Cấp quản lý đã đánh giá")


class QuarterlyEvaluation(models.Model):
    """One leader's evaluation for one quarter: self-assessment, then the managing body's decision."""

    member = models.ForeignKey(
        "organizations.Member", on_delete=models.CASCADE, related_name="quarterly_evaluations", verbose_name=_("cán bộ")
    )
    cycle = models.ForeignKey(QuarterlyCycle, on_delete=models.PROTECT, related_name="evaluations")
    year = models.PositiveSmallIntegerField(_("năm"))
    quarter = models.PositiveSmallIntegerField(_("quý"))
    position_org = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("nơi giữ chức vụ")
    )
    position_kind = models.CharField(_("chức vụ"), max_length=32)
    manager = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("cấp quản lý")
    )
    tasks = models.TextField(_("nhiệm vụ được giao trong quý"))
    results = models.TextField(_("kết quả thực hiện"), blank=True)
    self_score = models.DecimalField(_("tự chấm điểm"), max_digits=5, decimal_places=2)
    self_grade = models.CharField(_("tự xếp loại"), max_length=16, choices=Grade.choices)
    status = models.CharField(_("trạng thái"), max_length=16, choices=QuarterlyStatus.choices, default="DRAFT")
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    decided_grade = models.CharField(_("cấp quản lý xếp loại"), max_length=16, choices=Grade.choices, blank=True)
    decided_score = models.DecimalField(_("điểm cấp quản lý"), max_digits=5, decimal_places=2, null=True, blank=True)
    decision_note = models.CharField(_("nhận xét của cấp quản lý"), max_length=500, blank=True)
    decided_at = models.DateTimeField(_("đánh giá lúc"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đánh giá hằng quý")
        verbose_name_plural = _("đánh giá hằng quý")
        ordering = ["year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year", "quarter"],
                name="one_quarterly_evaluation",
                violation_error_message=_("Đồng chí đã có bản đánh giá cho quý này."),
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4),
                name="quarter_1_to_4",
                violation_error_message=_("Quý phải từ I đến IV."),
            ),
            models.CheckConstraint(
                condition=Q(self_score__gte=0, self_score__lte=100),
                name="quarterly_self_score_range",
                violation_error_message=_("Điểm phải trong khoảng 0–100."),
            ),
            models.CheckConstraint(
                condition=Q(decided_score__isnull=True) | Q(decided_score__gte=0, decided_score__lte=100),
                name="quarterly_decided_score_range",
                violation_error_message=_("Điểm phải trong khoảng 0–100."),
            ),
            models.CheckConstraint(
                condition=~Q(status="DECIDED") | ~Q(decided_grade=""),
                name="quarterly_decided_has_grade",
                violation_error_message=_("Đánh giá của cấp quản lý phải có mức xếp loại."),
            ),
        ]
        indexes = [models.Index(fields=["manager", "year", "quarter"], name="quarterly_manager")]

    def __str__(self) -> str:
        return f"{self.member} — Q{self.quarter}/{self.year}"
