from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from core.admin_mixins import CappedCountPaginator

from .models import Member, Membership, Organization, Position
from .search import members_matching


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


class MemberSearchMixin:
    """The admin's search box uses the app's member search (trigram index, card number exact),
    through `member_search_field` ("" for Member itself, else the foreign key to it)."""

    member_search_field = ""
    search_fields = ["=pk"]  # shows the search box; get_search_results below does the work

    def get_ordering(self, request):
        # Search results in storage order: sorting a common name's 200k matches by name to show a
        # page costs a second; the first page in id order comes from a few hundred rows.
        if request.GET.get("q", "").strip() and not request.GET.get("o"):
            return ["pk"]
        return super().get_ordering(request)

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        matching = members_matching(Member.objects.all(), search_term)
        if not self.member_search_field:
            return queryset & matching, False
        return queryset.filter(**{f"{self.member_search_field}__in": matching.values("pk")}), False


@admin.register(Member)
class MemberAdmin(MemberSearchMixin, SimpleHistoryAdmin):
    list_display = ["full_name", "cell", "status", "party_card_number", "admitted_on"]
    list_filter = ["status", "sex"]
    list_select_related = ["cell"]
    show_full_result_count = False  # no COUNT(*) of a million rows under every search
    paginator = CappedCountPaginator
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
