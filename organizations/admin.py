from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import Member, Membership, Organization, Position


@admin.register(Organization)
class OrganizationAdmin(TreeAdmin, SimpleHistoryAdmin):
    form = movenodeform_factory(Organization, exclude=["predecessors"])
    list_display = ["name", "code", "kind", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["cell"]


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "cell", "status", "party_card_number", "admitted_on"]
    list_filter = ["status", "sex"]
    search_fields = ["full_name", "search_name", "party_card_number"]
    autocomplete_fields = ["cell", "user"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["member", "cell", "kind", "valid_from", "valid_to"]
    autocomplete_fields = ["member", "cell"]


@admin.register(Position)
class PositionAdmin(SimpleHistoryAdmin):
    list_display = ["user", "kind", "organization", "valid_from", "valid_to"]
    list_filter = ["kind"]
    autocomplete_fields = ["user", "organization"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Closing (or narrowing) a position ends the sessions that relied on it.
        if change and {"valid_to", "organization", "kind", "user"} & set(form.changed_data):
            from core import events

            events.access_revoked(user_ids={obj.user_id, form.initial.get("user")} - {None})
