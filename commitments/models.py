"""Annual commitments (bản cam kết tu dưỡng, rèn luyện, phấn đấu).

Contract fields used by other apps (rollups, notifications): CommitmentCycle.{year, organization,
opens_on, deadline}; Commitment.{member, year, cycle, status, submitted_at, acknowledged_at}.
Extend freely; do not rename or remove these.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models import Member, Organization


class CommitmentCycle(models.Model):
    """Đợt cam kết — one per year and top organisation, with an opening date and a deadline."""

    year = models.PositiveSmallIntegerField(_("năm"))
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="commitment_cycles", verbose_name=_("tổ chức")
    )
    opens_on = models.DateField(_("ngày mở"))
    deadline = models.DateField(_("hạn nộp"))

    class Meta:
        verbose_name = _("đợt cam kết")
        verbose_name_plural = _("đợt cam kết")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"],
                name="one_commitment_cycle_per_org_year",
                violation_error_message=_("Tổ chức này đã có đợt cam kết cho năm này."),
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("opens_on")),
                name="commitment_cycle_range",
                violation_error_message=_("Hạn nộp phải sau ngày mở."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} — {self.year}"


class CommitmentStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Bản nháp")
    SUBMITTED = "SUBMITTED", _("Đã nộp")
    ACKNOWLEDGED = "ACKNOWLEDGED", _("Chi bộ đã xác nhận")
    RETURNED = "RETURNED", _("Trả lại để sửa")


class Commitment(models.Model):
    """Bản cam kết của một đảng viên trong một năm."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("đảng viên")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    cycle = models.ForeignKey(
        CommitmentCycle, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("đợt")
    )
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=CommitmentStatus.choices, default=CommitmentStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người xác nhận"),
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bản cam kết")
        verbose_name_plural = _("bản cam kết")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"],
                name="one_commitment_per_member_year",
                violation_error_message=_("Đảng viên đã có bản cam kết cho năm này."),
            ),
        ]
        indexes = [models.Index(fields=["year", "status"], name="commitment_year_status")]

    def __str__(self) -> str:
        return f"{self.member} — {self.year}"
