from django.contrib import admin

from .models import EventBatch, Notification, ReminderLog


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    """Read-only: the ledger is written by the reminder run only."""

    list_display = ("kind", "stage", "user", "member", "email", "status", "sent_at")
    list_filter = ("kind", "stage", "status")
    search_fields = ("email",)
    raw_id_fields = ("user", "member", "commitment_cycle", "review_cycle")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "user", "kind", "created_at", "read_at")
    list_filter = ("kind",)
    raw_id_fields = ("user",)


@admin.register(EventBatch)
class EventBatchAdmin(admin.ModelAdmin):
    """Read-only: batches are written by the services that announce an event (issue 12)."""

    list_display = ("key", "created_at", "delivered_at")
    search_fields = ("key",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
