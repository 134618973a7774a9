"""Admin: invitations and the account log are read-only; lock, unlock, end sessions and second-factor
recovery are actions on users, each going through a service (audited in the account log)."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import AccountEvent, Invitation

User = get_user_model()


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["member", "channel", "created_at", "expires_at", "emailed_at", "used_at", "revoked_at"]
    list_filter = ["channel"]
    search_fields = ["member__full_name", "member__party_card_number"]
    exclude = ["code_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccountEvent)
class AccountEventAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "kind", "by", "detail"]
    list_filter = ["kind"]
    search_fields = ["user__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    actions = ["lock_accounts", "unlock_accounts", "end_sessions", "reset_two_factor"]

    @admin.action(description=_("Khóa tài khoản đã chọn"))
    def lock_accounts(self, request, queryset):
        for user in queryset:
            services.account_lock(user=user, reason=str(_("Khóa bởi quản trị hệ thống")), by=request.user)
        self.message_user(request, _("Đã khóa %(n)d tài khoản.") % {"n": queryset.count()}, messages.SUCCESS)

    @admin.action(description=_("Mở khóa tài khoản đã chọn"))
    def unlock_accounts(self, request, queryset):
        for user in queryset:
            services.account_unlock(user=user, by=request.user)
        self.message_user(request, _("Đã mở khóa %(n)d tài khoản.") % {"n": queryset.count()}, messages.SUCCESS)

    @admin.action(description=_("Kết thúc mọi phiên đăng nhập"))
    def end_sessions(self, request, queryset):
        for user in queryset:
            services.account_sessions_end(user=user, by=request.user, detail="admin")
        self.message_user(request, _("Đã kết thúc phiên đăng nhập."), messages.SUCCESS)

    @admin.action(description=_("Khôi phục xác thực hai lớp (đăng ký lại)"))
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            services.account_otp_reset(user=user, by=request.user)
        self.message_user(request, _("Đã xóa thiết bị xác thực; người dùng sẽ đăng ký lại khi đăng nhập."), messages.SUCCESS)
