from django.contrib import admin

from core.admin_mixins import FixedDepthFilter, FixedYearFilter, ReadOnlyAdmin

from .models import OrgRollup


@admin.register(OrgRollup)
class OrgRollupAdmin(ReadOnlyAdmin):
    """Precomputed numbers; `rebuild_rollups` / `verify_rollups` are the tools, not edits."""

    list_display = ["organization", "year", "stage", "depth", "updated_at"]
    list_filter = [FixedYearFilter, "stage", FixedDepthFilter]
    list_select_related = ["organization"]
    search_fields = ["organization__name", "organization__code"]
