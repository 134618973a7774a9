"""In-app notifications and the ledger of reminders sent (one row per recipient, kind, cycle, stage)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    COMMITMENT = "COMMITMENT", _("Nộp bản cam kết")
    SELF_ASSESSMENT = "SELF_ASSESSMENT", _("Nộp bản tự kiểm điểm")
    PROPOSAL = "PROPOSAL", _("Chi bộ gửi đề xuất xếp loại")
    DECISION = "DECISION", _("Quyết định xếp loại đảng viên")
    EVENT = "EVENT", _("Thông báo sự kiện")


MEMBER_KINDS = (ReminderKind.COMMITMENT, ReminderKind.SELF_ASSESSMENT)
LATE = "late"  # the stage after the deadline: an escalation digest to the superior committee


class ReminderStatus(models.TextChoices):
    PENDING = "PENDING", _("Đang gửi")
    SENT = "SENT", _("Đã gửi")


class ReminderLog(models.Model):
    """Sổ nhắc việc: a reminder claimed (PENDING) or delivered (SENT).

    The recipient is a member (their own commitment or self-assessment) or a user (a secretary,
    a committee, a superior receiving an escalation). The unique constraint, with NULLs counted
    as equal, is what makes a reminder go out at most once even when two workers run at once.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    member = models.ForeignKey(
        "organizations.Member", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("loại nhắc việc"), max_length=16, choices=ReminderKind.choices)
    commitment_cycle = models.ForeignKey(
        "commitments.CommitmentCycle", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    review_cycle = models.ForeignKey(
        "reviews.ReviewCycle", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    stage = models.CharField(_("đợt nhắc"), max_length=8)
    # Event notifications (issue 12): one ledger row per recipient per event batch, no cycle.
    event = models.ForeignKey(
        "notifications.EventBatch", on_delete=models.CASCADE, null=True, blank=True, related_name="ledger"
    )
    status = models.CharField(
        _("trạng thái"), max_length=8, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    run_id = models.UUIDField(null=True, blank=True, editable=False)  # the run that holds the claim
    claimed_at = models.DateTimeField(null=True, blank=True)
    email = models.CharField(_("gửi tới"), max_length=254, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("nhắc việc đã gửi")
        verbose_name_plural = _("sổ nhắc việc")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "member", "kind", "commitment_cycle", "review_cycle", "stage", "event"],
                nulls_distinct=False,
                name="reminder_once",
                violation_error_message=_("Nhắc việc này đã được gửi cho người nhận."),
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=True) ^ Q(member__isnull=True),
                name="reminder_one_recipient",
                violation_error_message=_("Nhắc việc phải có đúng một người nhận."),
            ),
            models.CheckConstraint(
                condition=(Q(commitment_cycle__isnull=True) ^ Q(review_cycle__isnull=True))
                | Q(event__isnull=False, commitment_cycle__isnull=True, review_cycle__isnull=True),
                name="reminder_one_cycle",
                violation_error_message=_("Nhắc việc phải thuộc đúng một đợt."),
            ),
            models.CheckConstraint(
                condition=~Q(status="SENT") | Q(sent_at__isnull=False),
                name="reminder_sent_has_time",
                violation_error_message=_("Nhắc việc đã gửi phải có thời điểm gửi."),
            ),
        ]
        indexes = [models.Index(fields=["run_id"], name="reminder_run", condition=Q(status="PENDING"))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.stage}"


class Notification(models.Model):
    """Thông báo trong ứng dụng: one line in a user's inbox, with the page to act on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("người nhận")
    )
    title = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"), blank=True)
    link = models.CharField(_("đường dẫn"), max_length=255, blank=True)  # a site path, e.g. /cam-ket/
    kind = models.CharField(_("loại"), max_length=16, choices=ReminderKind.choices, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_inbox"),
            # the navigation bar counts unread rows on every page
            models.Index(fields=["user"], name="notification_unread", condition=Q(read_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class EventBatch(models.Model):
    """Một đợt thông báo sự kiện: what one write announced (a decision, a return, a request…).

    Written in the writer's transaction; delivered after commit by a Celery task. Each recipient
    gets one message per batch (all the batch's items for them as sections); the ledger row per
    (recipient, batch) makes delivery happen once even when the task runs twice.
    """

    key = models.CharField(_("khóa"), max_length=120, unique=True)
    items = models.JSONField(_("nội dung"), default=list)
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("đã gửi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("đợt thông báo sự kiện")
        verbose_name_plural = _("đợt thông báo sự kiện")

    def __str__(self) -> str:
        return self.key
