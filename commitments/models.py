"""Annual commitments (bản cam kết tu dưỡng, rèn luyện, phấn đấu).

Contract fields used by other apps (rollups, notifications): CommitmentCycle.{year, organization,
opens_on, deadline}; Commitment.{member, year, cycle, status, submitted_at, acknowledged_at}.
Extend freely; do not rename or remove these.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
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
    place_name = models.CharField(
        _("địa danh ghi trên bản in"), max_length=100, blank=True, help_text=_("Ví dụ: Hậu Giang")
    )

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

    # Content (blank while a draft; `submission_errors` says what a submission needs).
    political_ideology = models.TextField(_("Về tư tưởng chính trị"), blank=True)
    ethics_lifestyle = models.TextField(_("Về phẩm chất đạo đức, lối sống"), blank=True)
    working_style = models.TextField(_("Về tác phong, lề lối làm việc"), blank=True)
    discipline_solidarity = models.TextField(_("Về ý thức tổ chức kỷ luật, đoàn kết nội bộ"), blank=True)
    assigned_tasks = models.TextField(_("Về thực hiện chức trách, nhiệm vụ được giao"), blank=True)
    pledge_27 = models.BooleanField(
        _("Tôi cam kết không để xảy ra 27 biểu hiện suy thoái, “tự diễn biến”, “tự chuyển hóa” (NQ 04-NQ/TW)"),
        default=False,
    )
    watched_indicators = models.ManyToManyField(
        "reviews.Indicator", blank=True, related_name="+", verbose_name=_("biểu hiện tự đặt ra để chú ý phòng ngừa")
    )
    plan = models.TextField(_("Kế hoạch, biện pháp tu dưỡng, rèn luyện"), blank=True)
    exemplary_registration = models.TextField(_("Đăng ký nêu gương"), blank=True)
    exemplary_organizations = models.ManyToManyField(
        Organization, blank=True, related_name="+", verbose_name=_("cấp ủy nhận đăng ký nêu gương")
    )
    # Follow-up by the cell.
    first_submitted_at = models.DateTimeField(_("nộp lần đầu lúc"), null=True, blank=True)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    returned_at = models.DateTimeField(_("trả lại lúc"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người trả lại"),
    )

    # Entry on the member's behalf from the signed paper form (issue 11).
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nhập hộ bởi"),
    )
    entered_at = models.DateTimeField(_("nhập hộ lúc"), null=True, blank=True)
    paper_signed = models.BooleanField(_("có bản giấy đảng viên đã ký"), default=False)
    paper_scan = models.FileField(_("bản quét bản giấy"), upload_to="ban-giay/cam-ket/%Y/", blank=True)
    correction_request = models.TextField(_("đề nghị sửa của đảng viên"), blank=True)
    correction_requested_at = models.DateTimeField(_("đề nghị sửa lúc"), null=True, blank=True)

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

    @property
    def is_editable(self) -> bool:
        """Only the member edits, and only before submission or after it was returned/reopened."""
        return self.status in EDITABLE_STATUSES


EDITABLE_STATUSES = (CommitmentStatus.DRAFT, CommitmentStatus.RETURNED)
AREA_FIELDS = ("political_ideology", "ethics_lifestyle", "working_style", "discipline_solidarity", "assigned_tasks")
RESULT_MAX_LENGTH = 300


class ProgressStatus(models.TextChoices):
    NOT_REPORTED = "NOT_REPORTED", _("Chưa báo cáo")
    IN_PROGRESS = "IN_PROGRESS", _("Đang thực hiện")
    DONE = "DONE", _("Đã hoàn thành")
    NOT_DONE = "NOT_DONE", _("Chưa thực hiện được")


class CommitmentAction(models.Model):
    """Việc làm cụ thể đăng ký làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh (Chỉ thị 05-CT/TW)."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="actions", verbose_name=_("bản cam kết")
    )
    description = models.CharField(_("Việc làm cụ thể"), max_length=500, blank=True)
    expected_result = models.CharField(
        _("Kết quả đo được"),
        max_length=RESULT_MAX_LENGTH,
        blank=True,
        error_messages={"max_length": _("Kết quả đo được tối đa %(limit_value)d ký tự (đang có %(show_value)d).")},
    )
    due_on = models.DateField(_("Thời hạn"), null=True, blank=True)
    progress = models.CharField(
        _("tiến độ"), max_length=16, choices=ProgressStatus.choices, default=ProgressStatus.NOT_REPORTED
    )
    progress_note = models.CharField(_("ghi chú tiến độ"), max_length=500, blank=True)
    progress_updated_at = models.DateTimeField(_("cập nhật tiến độ lúc"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("việc làm đăng ký theo Chỉ thị 05")
        verbose_name_plural = _("việc làm đăng ký theo Chỉ thị 05")
        ordering = ["commitment", "id"]

    def __str__(self) -> str:
        return self.description or "—"

    def clean(self) -> None:
        # The commitment is for one year: every action falls due within it.
        year = self.commitment.year if "commitment" in self._state.fields_cache or self.commitment_id else None
        if self.due_on and year and self.due_on.year != year:
            raise ValidationError({"due_on": _("Thời hạn phải nằm trong năm %(year)s.") % {"year": year}})
