"""Accounts: invitations with one-time activation codes, per-user account state, and an audit log.

A member's account is a Django user linked by `Member.user`. An invitation creates the user with an
unusable password; activation sets the password. So "never invited" is a member without a user,
"invited" a user without a usable password, "activated" a user with one.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models import Member


class InvitationChannel(models.TextChoices):
    EMAIL = "EMAIL", _("Thư điện tử")
    SHEET = "SHEET", _("Phiếu kích hoạt in giấy")


class Invitation(models.Model):
    """Lời mời kích hoạt tài khoản: a one-time code `<selector>-<secret>`; only the secret's hash is kept."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("đảng viên"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("tài khoản")
    )
    channel = models.CharField(_("hình thức"), max_length=8, choices=InvitationChannel.choices)
    selector = models.CharField(_("mã tra cứu"), max_length=8, unique=True)
    code_hash = models.CharField(_("mã băm"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("người mời")
    )
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    emailed_at = models.DateTimeField(_("gửi thư lúc"), null=True, blank=True)
    used_at = models.DateTimeField(_("dùng lúc"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("hủy lúc"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["code_hash"])

    class Meta:
        verbose_name = _("lời mời kích hoạt")
        verbose_name_plural = _("lời mời kích hoạt")
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(used_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_member",
                violation_error_message=_("Đảng viên đã có một lời mời đang chờ kích hoạt."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.get_channel_display()}"


class AccountState(models.Model):
    """Per-user security state: lock, and the session epoch (bumping it ends every session)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_state", verbose_name=_("tài khoản")
    )
    session_epoch = models.PositiveIntegerField(_("thế hệ phiên"), default=0)
    locked = models.BooleanField(_("đã khóa"), default=False)
    locked_reason = models.CharField(_("lý do khóa"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("trạng thái tài khoản")
        verbose_name_plural = _("trạng thái tài khoản")

    def __str__(self) -> str:
        return str(self.user)


class AccountEventKind(models.TextChoices):
    INVITED = "INVITED", _("Gửi lời mời")
    ACTIVATED = "ACTIVATED", _("Kích hoạt tài khoản")
    ACTIVATION_FAILED = "ACTIVATION_FAILED", _("Kích hoạt không thành công")
    LOCKED = "LOCKED", _("Khóa tài khoản")
    UNLOCKED = "UNLOCKED", _("Mở khóa tài khoản")
    SESSIONS_ENDED = "SESSIONS_ENDED", _("Kết thúc mọi phiên đăng nhập")
    PASSWORD_CHANGED = "PASSWORD_CHANGED", _("Đổi mật khẩu")
    OTP_ENROLLED = "OTP_ENROLLED", _("Đăng ký xác thực hai lớp")
    OTP_RESET = "OTP_RESET", _("Quản trị khôi phục xác thực hai lớp")
    LOGIN_REFUSED = "LOGIN_REFUSED", _("Từ chối đăng nhập")


class AccountEvent(models.Model):
    """Nhật ký tài khoản — who did what to which account, when (append-only)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_events", verbose_name=_("tài khoản")
    )
    kind = models.CharField(_("sự kiện"), max_length=24, choices=AccountEventKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người thực hiện")
    )
    at = models.DateTimeField(_("lúc"), auto_now_add=True)
    detail = models.CharField(_("chi tiết"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("nhật ký tài khoản")
        verbose_name_plural = _("nhật ký tài khoản")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "-at"], name="account_event_user_at")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_kind_display()}"
