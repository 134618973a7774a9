from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin_mixins import CappedCountPaginator, FixedYearFilter, PlainYearsMixin
from organizations.admin import MemberSearchMixin

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
class CommitmentAdmin(MemberSearchMixin, PlainYearsMixin, SimpleHistoryAdmin):
    """Read-only here: status changes go through the services (audit, roll-up events)."""

    list_display = ["member", "year", "status", "submitted_at", "acknowledged_at"]
    list_filter = [FixedYearFilter, "status"]
    list_select_related = ["member"]
    member_search_field = "member"
    show_full_result_count = False
    paginator = CappedCountPaginator
    inlines = [CommitmentActionInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False
