from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin_mixins import PlainYearsMixin

from .models import Commitment, CommitmentAction, CommitmentCycle


@admin.register(CommitmentCycle)
class CommitmentCycleAdmin(PlainYearsMixin, admin.ModelAdmin):
    list_display = ["organization", "year", "opens_on", "deadline", "place_name"]
    list_filter = ["year"]
    autocomplete_fields = ["organization"]


class CommitmentActionInline(admin.TabularInline):
    model = CommitmentAction
    extra = 0
    fields = ["description", "expected_result", "due_on", "progress", "progress_note"]
    readonly_fields = fields


@admin.register(Commitment)
class CommitmentAdmin(PlainYearsMixin, SimpleHistoryAdmin):
    """Read-only here: status changes go through the services (audit, roll-up events)."""

    list_display = ["member", "year", "status", "submitted_at", "acknowledged_at"]
    list_filter = ["year", "status"]
    search_fields = ["member__full_name", "member__party_card_number"]
    inlines = [CommitmentActionInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False
