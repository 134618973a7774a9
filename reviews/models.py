"""Review domain: the 27 manifestations catalogue (cycles, reviews and grades build on it)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
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

    @property
    def abbreviation(self) -> str:
        """The short form used in narrow columns, selects and exports (the same in every language)."""
        return {"EXCELLENT": "HTXSNV", "GOOD": "HTTNV", "COMPLETED": "HTNV", "NOT_COMPLETED": "KHTNV"}[self.value]

    @classmethod
    def abbreviations(cls) -> dict[str, str]:
        return {grade.value: grade.abbreviation for grade in cls}


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


class GradingRegimeManager(models.Manager):
    def for_year(self, year: int) -> "GradingRegime | None":
        """The regime in force for a year's grading (the latest one starting on or before it)."""
        return self.filter(first_year__lte=year).exclude(last_year__lt=year).order_by("-first_year").first()


class GradingRegime(models.Model):
    """Quy định xếp loại — versioned grading policy; every ratio and threshold lives in `params`."""

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    kind = models.CharField(_("loại"), max_length=16, choices=RegimeKind.choices)
    first_year = models.PositiveSmallIntegerField(_("áp dụng từ năm"))
    last_year = models.PositiveSmallIntegerField(_("áp dụng đến năm"), null=True, blank=True)
    params = models.JSONField(_("tham số"), default=dict)

    objects = GradingRegimeManager()

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

    def clean(self) -> None:
        from .rules import regime_covers

        if (
            self.regime_id
            and self.year
            and not regime_covers(first_year=self.regime.first_year, last_year=self.regime.last_year, year=self.year)
        ):
            raise ValidationError(
                {"regime": _("Quy định “%(r)s” không áp dụng cho năm %(y)s.") % {"r": self.regime.name, "y": self.year}}
            )


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
    # Added by the reviews app: the written review (bản kiểm điểm) and the grid's inputs.
    strengths = models.TextField(_("ưu điểm"), blank=True)
    shortcomings = models.TextField(_("hạn chế, khuyết điểm"), blank=True)
    remediation_report = models.TextField(_("kết quả khắc phục hạn chế, khuyết điểm năm trước"), blank=True)
    commitment_results = models.TextField(_("kết quả thực hiện cam kết"), blank=True)
    cell_note = models.CharField(_("ghi chú của chi bộ"), max_length=255, blank=True)
    sick_leave_months = models.DecimalField(
        _("số tháng nghỉ ốm trong năm"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    civil_service_grade = models.CharField(
        _("xếp loại công chức, viên chức"), max_length=16, choices=Grade.choices, blank=True
    )
    concluded_manifestation = models.BooleanField(_("cấp có thẩm quyền kết luận có biểu hiện suy thoái"), default=False)
    decision_reason = models.CharField(_("lý do thay đổi mức xếp loại"), max_length=255, blank=True)
    # Added for issue 10 (rules): the decider's approval of "not graded: other", and the
    # two-years-NOT_COMPLETED flag (REFERENCE 2.4.3) set when the grade is decided.
    other_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người chấp thuận lý do khác"),
    )
    consider_removal = models.BooleanField(_("hai năm liền không hoàn thành nhiệm vụ: xem xét xóa tên"), default=False)
    # Set when a fact recorded after the decision breaks the decided grade; cleared by a new decision.
    redecide_reason = models.TextField(_("cần quyết định lại vì"), blank=True)
    # Transfers: the comment of the cell the member left within `transfer_comment_months`.
    transfer_comment = models.TextField(_("nhận xét của chi bộ nơi chuyển đi"), blank=True)
    transfer_comment_cell = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chi bộ nơi chuyển đi"),
    )
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
    # Entered on the member's behalf from the signed paper form (accounts, issue 11).
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
    paper_scan = models.FileField(_("bản quét bản giấy"), upload_to="ban-giay/kiem-diem/%Y/", blank=True)
    correction_request = models.TextField(_("đề nghị sửa của đảng viên"), blank=True)
    correction_requested_at = models.DateTimeField(_("đề nghị sửa lúc"), null=True, blank=True)
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
            models.CheckConstraint(
                condition=Q(not_graded_reason="") | Q(proposed_grade="", decided_grade=""),
                name="review_not_graded_has_no_grade",
                violation_error_message=_("Đảng viên không xếp loại thì không được có mức xếp loại."),
            ),
            models.CheckConstraint(
                condition=Q(self_score__isnull=True) | Q(self_score__gte=0, self_score__lte=100),
                name="review_self_score_range",
                violation_error_message=_("Điểm phải trong khoảng 0–100."),
            ),
            models.CheckConstraint(
                condition=Q(proposed_score__isnull=True) | Q(proposed_score__gte=0, proposed_score__lte=100),
                name="review_proposed_score_range",
                violation_error_message=_("Điểm phải trong khoảng 0–100."),
            ),
            models.CheckConstraint(
                condition=Q(sick_leave_months__isnull=True) | Q(sick_leave_months__gte=0, sick_leave_months__lte=12),
                name="review_sick_leave_range",
                violation_error_message=_("Số tháng nghỉ ốm phải trong khoảng 0–12."),
            ),
        ]
        indexes = [
            models.Index(fields=["year", "cell"], name="review_year_cell"),
            # the dashboards count results needing re-decision: a handful of rows, not a year's scan
            models.Index(fields=["year"], name="review_redecide", condition=~Q(redecide_reason="")),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.year}"

    @property
    def is_locked(self) -> bool:
        return self.status == ReviewStatus.DECIDED

    @property
    def effective_grade(self) -> str:
        return self.decided_grade if self.status == ReviewStatus.DECIDED else self.proposed_grade


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
    # Added by the reviews app.
    collective_note = models.TextField(_("tóm tắt kiểm điểm tập thể"), blank=True)
    proposed_score = models.DecimalField(_("điểm tự đánh giá"), max_digits=5, decimal_places=2, null=True, blank=True)
    return_reason = models.CharField(_("lý do trả lại"), max_length=255, blank=True)
    decision_reason = models.CharField(_("lý do thay đổi mức xếp loại"), max_length=255, blank=True)
    violations = models.JSONField(_("vi phạm quy tắc xếp loại"), default=list, blank=True)
    redecide_reason = models.TextField(_("cần quyết định lại vì"), blank=True)
    grade_reopen_reason = models.CharField(_("lý do mở lại xếp loại tổ chức"), max_length=255, blank=True)
    # A grassroots cell decides its own members as a collective act: the minutes / resolution it cites.
    decision_record = models.CharField(_("biên bản, nghị quyết của chi bộ"), max_length=255, blank=True)
    # Optimistic concurrency: bumped by every write to the cell's grid or decision (form version stamp).
    version = models.PositiveIntegerField(_("phiên bản"), default=0)

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
        indexes = [
            # the dashboards count results needing re-decision (redecision_total): a handful of rows,
            # not a scan of every organisation's review of the year
            models.Index(fields=["year"], name="org_review_redecide", condition=~Q(redecide_reason="")),
        ]

    def __str__(self) -> str:
        return f"{self.organization} — {self.year}"


# --- Added by the reviews app ---------------------------------------------------------------------


class Answer(models.TextChoices):
    NO = "NO", _("Không")
    SOME = "SOME", _("Có biểu hiện")
    YES = "YES", _("Có")


class IndicatorAnswer(models.Model):
    """One answer of a member's review to one of the 27 manifestations (no / some signs / yes)."""

    review = models.ForeignKey(MemberReview, on_delete=models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("trả lời"), max_length=8, choices=Answer.choices, default=Answer.NO)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("trả lời biểu hiện")
        verbose_name_plural = _("trả lời biểu hiện")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "indicator"],
                name="one_answer_per_indicator",
                violation_error_message=_("Biểu hiện này đã được trả lời."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review_id}/{self.indicator_id}: {self.answer}"


class DisciplineKind(models.TextChoices):
    REPRIMAND = "REPRIMAND", _("Khiển trách")
    WARNING = "WARNING", _("Cảnh cáo")
    REMOVAL = "REMOVAL", _("Cách chức")
    EXPULSION = "EXPULSION", _("Khai trừ")


class DisciplineRecord(models.Model):
    """Kỷ luật đảng viên. `counts_for_year` is the grading year it counts in (one violation counts once)."""

    member = models.ForeignKey(
        "organizations.Member", on_delete=models.CASCADE, related_name="discipline_records", verbose_name=_("đảng viên")
    )
    kind = models.CharField(_("hình thức kỷ luật"), max_length=16, choices=DisciplineKind.choices)
    decided_on = models.DateField(_("ngày quyết định"))
    decision_number = models.CharField(_("số quyết định"), max_length=64)
    violation = models.TextField(_("nội dung vi phạm"))
    counts_for_year = models.PositiveSmallIntegerField(_("tính vào xếp loại năm"))
    self_remedied = models.BooleanField(_("tự phát hiện và khắc phục"), default=False)
    decided_by = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cấp quyết định kỷ luật"),
    )
    created_at = models.DateTimeField(_("nhập lúc"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kỷ luật")
        verbose_name_plural = _("kỷ luật")
        ordering = ["-decided_on"]
        indexes = [models.Index(fields=["member", "counts_for_year"], name="discipline_member_year")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.member} ({self.decision_number})"


class RemediationItem(models.Model):
    """Hạn chế, khuyết điểm phải khắc phục: found in one year's review, to remedy by `due_on`."""

    member = models.ForeignKey(
        "organizations.Member", on_delete=models.CASCADE, related_name="remediation_items", verbose_name=_("đảng viên")
    )
    review = models.ForeignKey(
        MemberReview, on_delete=models.SET_NULL, null=True, blank=True, related_name="remediation_items"
    )
    year_found = models.PositiveSmallIntegerField(_("năm phát hiện"))
    description = models.TextField(_("nội dung hạn chế, khuyết điểm"))
    owner = models.ForeignKey(
        "organizations.Member", on_delete=models.PROTECT, related_name="+", verbose_name=_("người chịu trách nhiệm")
    )
    due_on = models.DateField(_("hạn khắc phục"))
    remedied_on = models.DateField(_("đã khắc phục ngày"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nội dung khắc phục")
        verbose_name_plural = _("nội dung khắc phục")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["member", "remedied_on"], name="remediation_member_open")]

    def __str__(self) -> str:
        return self.description[:60]


class QuotaOverride(models.Model):
    """Vượt tỷ lệ 20 %: the competent body allows more EXCELLENT grades, with a recorded reason."""

    grassroots = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+", verbose_name=_("tổ chức cơ sở đảng")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    max_excellent = models.PositiveIntegerField(_("số xuất sắc tối đa được chấp thuận"))
    reason = models.TextField(_("lý do"))
    deciding_body = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("cấp quyết định")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("người quyết định"),
    )
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chấp thuận vượt tỷ lệ")
        verbose_name_plural = _("chấp thuận vượt tỷ lệ")
        constraints = [
            models.UniqueConstraint(
                fields=["grassroots", "year"],
                name="one_quota_override_per_year",
                violation_error_message=_("Tổ chức cơ sở đảng đã có quyết định vượt tỷ lệ cho năm này."),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="quota_override_has_reason",
                violation_error_message=_("Phải ghi rõ lý do vượt tỷ lệ."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grassroots} — {self.year}: {self.max_excellent}"


# --- Added for issue 10 (rules): facts the not-graded and organisation rules check -----------------


class ExemptionKind(models.TextChoices):
    EXEMPT = "EXEMPT", _("Miễn công tác và sinh hoạt đảng")
    TEMPORARY = "TEMPORARY", _("Miễn sinh hoạt đảng tạm thời")
    SUSPENDED = "SUSPENDED", _("Đình chỉ sinh hoạt đảng")


class ExemptionRecord(models.Model):
    """Quyết định miễn / đình chỉ sinh hoạt đảng: the dated fact behind a "not graded" reason."""

    member = models.ForeignKey(
        "organizations.Member", on_delete=models.CASCADE, related_name="exemptions", verbose_name=_("đảng viên")
    )
    kind = models.CharField(_("loại quyết định"), max_length=16, choices=ExemptionKind.choices)
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=64)
    reason = models.TextField(_("lý do"))
    decided_by = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("cấp quyết định")
    )
    created_at = models.DateTimeField(_("nhập lúc"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quyết định miễn, đình chỉ sinh hoạt đảng")
        verbose_name_plural = _("quyết định miễn, đình chỉ sinh hoạt đảng")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="exemption_valid_range",
                violation_error_message=_("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.member} ({self.decision_number})"

    def as_fact(self) -> tuple[str, object, object]:
        return (self.kind, self.valid_from, self.valid_to)


class OrgDisciplineKind(models.TextChoices):
    REPRIMAND = "REPRIMAND", _("Khiển trách")
    WARNING = "WARNING", _("Cảnh cáo")
    DISSOLUTION = "DISSOLUTION", _("Giải tán")


class OrgDisciplineRecord(models.Model):
    """Kỷ luật tổ chức đảng (the collective itself): counts for QĐ 124's > 20 % and QĐ 366's EXCELLENT."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="discipline_records",
        verbose_name=_("tổ chức đảng"),
    )
    kind = models.CharField(_("hình thức kỷ luật"), max_length=16, choices=OrgDisciplineKind.choices)
    decided_on = models.DateField(_("ngày quyết định"))
    decision_number = models.CharField(_("số quyết định"), max_length=64)
    violation = models.TextField(_("nội dung vi phạm"))
    counts_for_year = models.PositiveSmallIntegerField(_("tính vào xếp loại năm"))
    decided_by = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("cấp quyết định")
    )
    created_at = models.DateTimeField(_("nhập lúc"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kỷ luật tổ chức đảng")
        verbose_name_plural = _("kỷ luật tổ chức đảng")
        indexes = [models.Index(fields=["counts_for_year", "organization"], name="org_discipline_year")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.organization} ({self.decision_number})"


class ManifestationConclusion(models.Model):
    """Kết luận của cấp có thẩm quyền (cấp ủy, ủy ban kiểm tra) that a member shows manifestations
    of degradation in a year: the fact that forces NOT_COMPLETED (REFERENCE 2.4.2)."""

    member = models.ForeignKey(
        "organizations.Member", on_delete=models.CASCADE, related_name="conclusions", verbose_name=_("đảng viên")
    )
    year = models.PositiveSmallIntegerField(_("tính vào xếp loại năm"))
    indicators = models.ManyToManyField(Indicator, related_name="+", verbose_name=_("biểu hiện được kết luận"))
    concluded_on = models.DateField(_("ngày kết luận"))
    document_number = models.CharField(_("số văn bản kết luận"), max_length=64)
    content = models.TextField(_("nội dung kết luận"))
    concluded_by = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan kết luận")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập"),
    )
    created_at = models.DateTimeField(_("nhập lúc"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kết luận có biểu hiện suy thoái")
        verbose_name_plural = _("kết luận có biểu hiện suy thoái")
        ordering = ["-concluded_on"]
        indexes = [models.Index(fields=["member", "year"], name="conclusion_member_year")]

    def __str__(self) -> str:
        return f"{self.member} — {self.year} ({self.document_number})"


class GridDraft(models.Model):
    """What was typed into a cell's grid but not yet saved (issue 13, item 5): the raw form values,
    kept on every check, every refused save or submission and every row autosave, so a reload loses
    nothing. One per (cell, year); dropped when the grid is saved or submitted."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="grid_drafts", verbose_name=_("chi bộ")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    # {"m<member id>-<field>": "typed text", "org_grade": …}: strings as typed, so invalid input survives too
    values = models.JSONField(_("giá trị đã nhập"), default=dict)
    updated_at = models.DateTimeField(_("lưu lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("bản nháp bảng xếp loại")
        verbose_name_plural = _("bản nháp bảng xếp loại")
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="grid_draft_one_per_cell_year")]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.year}"
