"""Review domain: the 27 manifestations catalogue (cycles, reviews and grades build on it)."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class IndicatorGroup(models.TextChoices):
    PI = "PI", _("Suy thoái về tư tưởng chính trị")
    EL = "EL", _("Suy thoái về đạo đức, lối sống")
    ST = "ST", _("Biểu hiện “tự diễn biến”, “tự chuyển hóa” trong nội bộ")


class IndicatorManager(models.Manager):
    def get_by_natural_key(self, code: str) -> "Indicator":
        return self.get(code=code)


class Indicator(models.Model):
    """Biểu hiện suy thoái — one of the 27 manifestations of NQ 04-NQ/TW (stable code PI-01..ST-09)."""

    code = models.CharField(_("mã"), max_length=8, unique=True)
    group = models.CharField(_("nhóm"), max_length=2, choices=IndicatorGroup.choices)
    number = models.PositiveSmallIntegerField(_("số thứ tự (1–27)"), unique=True)
    label_vi = models.TextField(_("nội dung (tiếng Việt)"))
    label_en = models.TextField(_("nội dung (tiếng Anh)"))
    official_text_vi = models.TextField(_("nguyên văn Nghị quyết"), blank=True)
    confidence = models.CharField(_("độ tin cậy của nguồn"), max_length=16, blank=True)

    objects = IndicatorManager()

    class Meta:
        verbose_name = _("biểu hiện suy thoái")
        verbose_name_plural = _("27 biểu hiện suy thoái")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.label}"

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "vi").startswith("en") else self.label_vi

    @property
    def bit(self) -> int:
        """Bit of this indicator in a 27-bit mask (number 1 → bit 0)."""
        return 1 << (self.number - 1)


# --- Contract models (used by rollups and notifications) ------------------------------------------
# Extend freely; do not rename or remove the fields below.


class Grade(models.TextChoices):
    EXCELLENT = "EXCELLENT", _("Hoàn thành xuất sắc nhiệm vụ")
    GOOD = "GOOD", _("Hoàn thành tốt nhiệm vụ")
    COMPLETED = "COMPLETED", _("Hoàn thành nhiệm vụ")
    NOT_COMPLETED = "NOT_COMPLETED", _("Không hoàn thành nhiệm vụ")


class NotGradedReason(models.TextChoices):
    EXEMPT = "EXEMPT", _("Miễn công tác và sinh hoạt đảng")
    SUSPENDED = "SUSPENDED", _("Đình chỉ sinh hoạt đảng")
    NEW_MEMBER = "NEW_MEMBER", _("Vào Đảng chưa đủ 6 tháng")
    SICK_OR_AWAY = "SICK_OR_AWAY", _("Ốm đau dài ngày, đi xa, miễn sinh hoạt tạm thời")
    DISCIPLINE_PENDING = "DISCIPLINE_PENDING", _("Đang xem xét kỷ luật")
    OTHER = "OTHER", _("Lý do khác")


class RegimeKind(models.TextChoices):
    SCORE_100 = "SCORE_100", _("Chấm điểm thang 100 (QĐ 366-QĐ/TW, HD 43-HD/BTCTW)")
    CRITERIA = "CRITERIA", _("Theo tiêu chí (QĐ 132-QĐ/TW, HD 21-HD/BTCTW; QĐ 124-QĐ/TW)")


class GradingRegime(models.Model):
    """Quy định xếp loại — versioned grading policy; every ratio and threshold lives in `params`."""

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    kind = models.CharField(_("loại"), max_length=16, choices=RegimeKind.choices)
    first_year = models.PositiveSmallIntegerField(_("áp dụng từ năm"))
    last_year = models.PositiveSmallIntegerField(_("áp dụng đến năm"), null=True, blank=True)
    params = models.JSONField(_("tham số"), default=dict)

    class Meta:
        verbose_name = _("quy định xếp loại")
        verbose_name_plural = _("quy định xếp loại")
        ordering = ["first_year"]

    def __str__(self) -> str:
        return self.name


class ReviewCycle(models.Model):
    """Đợt kiểm điểm, xếp loại — one per year and top organisation, with its deadlines and regime."""

    year = models.PositiveSmallIntegerField(_("năm"))
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="review_cycles", verbose_name=_("tổ chức")
    )
    regime = models.ForeignKey(GradingRegime, on_delete=models.PROTECT, verbose_name=_("quy định xếp loại"))
    self_assessment_deadline = models.DateField(_("hạn tự kiểm điểm"))
    meeting_deadline = models.DateField(_("hạn họp chi bộ, đề xuất"))
    decision_deadline = models.DateField(_("hạn quyết định xếp loại"))

    class Meta:
        verbose_name = _("đợt kiểm điểm")
        verbose_name_plural = _("đợt kiểm điểm")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"],
                name="one_review_cycle_per_org_year",
                violation_error_message=_("Tổ chức này đã có đợt kiểm điểm cho năm này."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} — {self.year}"


class ReviewStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Đang viết bản kiểm điểm")
    SELF_SUBMITTED = "SELF_SUBMITTED", _("Đã nộp bản kiểm điểm")
    PROPOSED = "PROPOSED", _("Chi bộ đã đề xuất")
    RETURNED = "RETURNED", _("Cấp trên trả lại")
    DECIDED = "DECIDED", _("Đã quyết định")


class MemberReview(models.Model):
    """Kiểm điểm, xếp loại một đảng viên trong một năm: self-assessment, proposal and decision.

    `cell` is the cell where the member is reviewed (a snapshot: past years keep it).
    `flagged_mask` is a 27-bit mask of indicators answered "some signs" or "yes" (Indicator.bit).
    """

    member = models.ForeignKey(
        "organizations.Member", on_delete=models.CASCADE, related_name="reviews", verbose_name=_("đảng viên")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    cycle = models.ForeignKey(
        ReviewCycle, on_delete=models.PROTECT, related_name="member_reviews", verbose_name=_("đợt")
    )
    cell = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="member_reviews", verbose_name=_("chi bộ")
    )
    status = models.CharField(_("trạng thái"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    self_grade = models.CharField(_("tự xếp loại"), max_length=16, choices=Grade.choices, blank=True)
    self_score = models.DecimalField(_("tự chấm điểm"), max_digits=5, decimal_places=2, null=True, blank=True)
    proposed_grade = models.CharField(_("chi bộ đề xuất"), max_length=16, choices=Grade.choices, blank=True)
    proposed_score = models.DecimalField(
        _("điểm chi bộ đề xuất"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    decided_grade = models.CharField(_("xếp loại được quyết định"), max_length=16, choices=Grade.choices, blank=True)
    not_graded_reason = models.CharField(
        _("lý do không xếp loại"), max_length=24, choices=NotGradedReason.choices, blank=True
    )
    not_graded_note = models.CharField(_("ghi chú lý do"), max_length=255, blank=True)
    flagged_mask = models.IntegerField(_("biểu hiện tự nhận"), default=0)
    self_submitted_at = models.DateTimeField(_("nộp bản kiểm điểm lúc"), null=True, blank=True)
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người quyết định"),
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kiểm điểm đảng viên")
        verbose_name_plural = _("kiểm điểm đảng viên")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"],
                name="one_review_per_member_year",
                violation_error_message=_("Đảng viên đã có bản kiểm điểm cho năm này."),
            ),
        ]
        indexes = [models.Index(fields=["year", "cell"], name="review_year_cell")]

    def __str__(self) -> str:
        return f"{self.member} — {self.year}"


class OrgReview(models.Model):
    """Kiểm điểm tập thể, xếp loại tổ chức đảng for a year, and (for a cell) its proposal batch.

    For a cell, `members_submitted_at` is when the cell submitted its members' proposed grades and
    `members_decided_at` when the deciding body decided them. `decided_grade` is the organisation's
    own grade, decided by the superior standing committee.
    """

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="org_reviews", verbose_name=_("tổ chức")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    cycle = models.ForeignKey(ReviewCycle, on_delete=models.PROTECT, related_name="org_reviews", verbose_name=_("đợt"))
    status = models.CharField(_("trạng thái"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    collective_recorded_at = models.DateTimeField(_("đã kiểm điểm tập thể lúc"), null=True, blank=True)
    members_submitted_at = models.DateTimeField(_("chi bộ nộp đề xuất lúc"), null=True, blank=True)
    members_decided_at = models.DateTimeField(_("quyết định xếp loại đảng viên lúc"), null=True, blank=True)
    proposed_grade = models.CharField(_("tự đề xuất xếp loại"), max_length=16, choices=Grade.choices, blank=True)
    decided_grade = models.CharField(_("xếp loại được quyết định"), max_length=16, choices=Grade.choices, blank=True)
    not_graded_reason = models.CharField(_("lý do không xếp loại"), max_length=255, blank=True)
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kiểm điểm tổ chức")
        verbose_name_plural = _("kiểm điểm tổ chức")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"],
                name="one_org_review_per_year",
                violation_error_message=_("Tổ chức đã có kiểm điểm cho năm này."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} — {self.year}"
