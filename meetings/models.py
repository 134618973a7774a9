"""The review round as it happens (issue 12): residence comments (QĐ 213), minutes of the review
meetings with attendance and votes, and the leadership collective's opinion on its members."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reviews.models import Grade

# --- Residence comments (nhận xét của chi ủy, chi bộ nơi cư trú, QĐ 213-QĐ/TW) --------------------


class ResidenceStatus(models.TextChoices):
    REQUESTED = "REQUESTED", _("Đang chờ nhận xét")
    RECEIVED = "RECEIVED", _("Đã có nhận xét")
    EXEMPT = "EXEMPT", _("Không phải lấy nhận xét")


class ResidenceExemption(models.TextChoices):
    BARRACKS = "BARRACKS", _("Quân đội, công an ở trong doanh trại")
    STUDENT = "STUDENT", _("Học sinh, sinh viên học tập trung")
    TRAINING = "TRAINING", _("Đi học tập trung từ 12 tháng trở lên")


class Fulfilment(models.TextChoices):
    YES = "YES", _("Thực hiện tốt nhiệm vụ ở nơi cư trú")
    PARTLY = "PARTLY", _("Thực hiện chưa đầy đủ")
    NO = "NO", _("Không thực hiện nhiệm vụ ở nơi cư trú")


class ResidenceComment(models.Model):
    """One member's residence comment for a year: requested by the workplace cell, written by the
    residence organisation (which may be in another subtree or province), or marked exempt."""

    member = models.ForeignKey(
        "organizations.Member", on_delete=models.CASCADE, related_name="residence_comments", verbose_name=_("đảng viên")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    cell = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("chi bộ nơi công tác")
    )
    residence_org = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="residence_requests",
        null=True,
        blank=True,
        verbose_name=_("chi bộ, đảng ủy nơi cư trú"),
    )
    status = models.CharField(_("trạng thái"), max_length=16, choices=ResidenceStatus.choices)
    exemption = models.CharField(
        _("đối tượng không lấy nhận xét"), max_length=16, choices=ResidenceExemption.choices, blank=True
    )
    fulfilment = models.CharField(
        _("thực hiện nhiệm vụ ở nơi cư trú"), max_length=8, choices=Fulfilment.choices, blank=True
    )
    text = models.TextField(_("nội dung nhận xét"), blank=True)
    requested_at = models.DateTimeField(_("gửi đề nghị lúc"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    written_at = models.DateTimeField(_("nhận xét lúc"), null=True, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nhận xét nơi cư trú")
        verbose_name_plural = _("nhận xét nơi cư trú")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"],
                name="one_residence_comment_per_year",
                violation_error_message=_("Đảng viên đã có đề nghị nhận xét nơi cư trú cho năm này."),
            ),
            models.CheckConstraint(
                condition=Q(status="EXEMPT", residence_org__isnull=True) & ~Q(exemption="")
                | ~Q(status="EXEMPT") & Q(residence_org__isnull=False, exemption=""),
                name="residence_exempt_or_addressed",
                violation_error_message=_("Đề nghị nhận xét phải gửi tới một tổ chức nơi cư trú, trừ đối tượng miễn."),
            ),
            models.CheckConstraint(
                condition=~Q(status="RECEIVED") | ~Q(fulfilment=""),
                name="residence_received_has_verdict",
                violation_error_message=_("Nhận xét phải ghi rõ mức thực hiện nhiệm vụ ở nơi cư trú."),
            ),
        ]
        indexes = [models.Index(fields=["residence_org", "status"], name="residence_inbox")]

    def __str__(self) -> str:
        return f"{self.member} — {self.year}"


# --- Minutes of a review meeting (biên bản hội nghị) --------------------------------------------


class MeetingKind(models.TextChoices):
    CELL_REVIEW = "CELL_REVIEW", _("Hội nghị chi bộ kiểm điểm, đề xuất xếp loại")
    DECISION = "DECISION", _("Hội nghị cấp ủy quyết định xếp loại")


class VoteMethod(models.TextChoices):
    SECRET = "SECRET", _("Bỏ phiếu kín")
    HANDS = "HANDS", _("Biểu quyết giơ tay")


class Minutes(models.Model):
    """Biên bản: the meeting's date, place, chair, recorder, attendance and votes (generated print)."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="minutes", verbose_name=_("tổ chức")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    kind = models.CharField(_("loại hội nghị"), max_length=16, choices=MeetingKind.choices)
    held_on = models.DateField(_("ngày họp"))
    place = models.CharField(_("địa điểm"), max_length=255)
    chair = models.CharField(_("chủ trì"), max_length=120)
    recorder = models.CharField(_("thư ký hội nghị"), max_length=120)
    vote_method = models.CharField(_("hình thức biểu quyết"), max_length=8, choices=VoteMethod.choices)
    invited = models.PositiveIntegerField(_("số được triệu tập"), default=0)
    present = models.PositiveIntegerField(_("số có mặt"), default=0)
    absent_note = models.TextField(_("vắng mặt, lý do"), blank=True)
    content = models.TextField(_("diễn biến, ý kiến"), blank=True)
    # For the deciding committee's meeting: the decision it issued.
    decision_number = models.CharField(_("số quyết định"), max_length=64, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    agree = models.PositiveIntegerField(_("số tán thành"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("biên bản hội nghị")
        verbose_name_plural = _("biên bản hội nghị")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "kind"],
                name="one_minutes_per_org_year_kind",
                violation_error_message=_("Tổ chức đã có biên bản hội nghị này cho năm này."),
            ),
            models.CheckConstraint(
                condition=Q(present__lte=F("invited")),
                name="minutes_present_le_invited",
                violation_error_message=_("Số có mặt không thể lớn hơn số được triệu tập."),
            ),
            models.CheckConstraint(
                condition=Q(agree__isnull=True) | Q(agree__lte=F("present")),
                name="minutes_agree_le_present",
                violation_error_message=_("Số tán thành không thể lớn hơn số có mặt."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.organization} ({self.year})"


class Attendance(models.Model):
    """One member at the cell's meeting: present, or absent with a reason; and the vote on their grade."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey("organizations.Member", on_delete=models.CASCADE, related_name="+")
    present = models.BooleanField(_("có mặt"), default=True)
    absence_reason = models.CharField(_("lý do vắng mặt"), max_length=255, blank=True)
    voted_grade = models.CharField(_("mức xếp loại được biểu quyết"), max_length=16, choices=Grade.choices, blank=True)
    agree = models.PositiveIntegerField(_("số tán thành"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dự họp, biểu quyết")
        verbose_name_plural = _("dự họp, biểu quyết")
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "member"],
                name="one_attendance_per_member",
                violation_error_message=_("Đảng viên đã có trong biên bản."),
            ),
            models.CheckConstraint(
                condition=Q(present=True) | ~Q(absence_reason=""),
                name="absence_has_reason",
                violation_error_message=_("Vắng mặt phải ghi rõ lý do."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.minutes_id}/{self.member_id}"


# --- Leaders reviewed at two places (REFERENCE 3.1–3.2) -------------------------------------------


class LeadershipOpinion(models.Model):
    """The leadership collective's (committee, standing committee) opinion on one of its members."""

    member = models.ForeignKey("organizations.Member", on_delete=models.CASCADE, related_name="leadership_opinions")
    year = models.PositiveSmallIntegerField(_("năm"))
    collective = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+", verbose_name=_("tập thể lãnh đạo")
    )
    opinion = models.TextField(_("ý kiến của tập thể lãnh đạo"))
    suggested_grade = models.CharField(_("mức xếp loại đề nghị"), max_length=16, choices=Grade.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ý kiến tập thể lãnh đạo")
        verbose_name_plural = _("ý kiến tập thể lãnh đạo")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year", "collective"],
                name="one_opinion_per_collective_year",
                violation_error_message=_("Tập thể này đã có ý kiến về đồng chí này trong năm."),
            ),
            models.CheckConstraint(
                condition=~Q(opinion=""),
                name="opinion_not_empty",
                violation_error_message=_("Ghi ý kiến của tập thể lãnh đạo."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.collective} ({self.year})"
