from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin_mixins import PlainYearsMixin, ReadOnlyAdmin, ReadOnlyMixin

from .models import (
    DisciplineRecord,
    GradingRegime,
    GridDraft,
    Indicator,
    IndicatorAnswer,
    MemberReview,
    OrgReview,
    QuotaOverride,
    RemediationItem,
    ReviewCycle,
)


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    """The catalogue is loaded by a data migration; read-only here (codes are stable identifiers)."""

    list_display = ["number", "code", "group", "label_vi", "confidence"]
    list_filter = ["group"]


# Regimes and cycles are configuration; reviews, grades and discipline change only through the
# services (audit + roll-up events), so the admin shows them read-only with their history.


@admin.register(GradingRegime)
class GradingRegimeAdmin(PlainYearsMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "first_year", "last_year"]


@admin.register(ReviewCycle)
class ReviewCycleAdmin(PlainYearsMixin, admin.ModelAdmin):
    list_display = [
        "year",
        "organization",
        "regime",
        "self_assessment_deadline",
        "meeting_deadline",
        "decision_deadline",
    ]
    list_filter = ["year", "regime"]
    raw_id_fields = ["organization"]


class ReadOnlyHistoryAdmin(ReadOnlyMixin, PlainYearsMixin, SimpleHistoryAdmin):
    """History is read-only: simple-history's "revert" would rewrite a decided grade around the
    services' rules (authority, locks, re-validation). Changes go through the services only."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied(_("Lịch sử chỉ để xem; thay đổi kết quả qua quy trình quyết định xếp loại."))
        return super().history_form_view(request, object_id, version_id, extra_context)


class IndicatorAnswerInline(admin.TabularInline):
    model = IndicatorAnswer
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MemberReview)
class MemberReviewAdmin(ReadOnlyHistoryAdmin):
    inlines = [IndicatorAnswerInline]
    list_display = ["member", "year", "cell", "status", "proposed_grade", "decided_grade", "not_graded_reason"]
    list_filter = ["year", "status", "decided_grade"]
    list_select_related = ["member", "cell"]
    search_fields = ["member__search_name"]


@admin.register(OrgReview)
class OrgReviewAdmin(ReadOnlyHistoryAdmin):
    list_display = ["organization", "year", "status", "proposed_grade", "decided_grade"]
    list_filter = ["year", "status"]
    list_select_related = ["organization"]


@admin.register(DisciplineRecord)
class DisciplineRecordAdmin(ReadOnlyHistoryAdmin):
    list_display = ["member", "kind", "decided_on", "decision_number", "counts_for_year", "decided_by"]


@admin.register(QuotaOverride)
class QuotaOverrideAdmin(ReadOnlyHistoryAdmin):
    list_display = ["grassroots", "year", "max_excellent", "deciding_body", "decided_by", "created_at"]


@admin.register(RemediationItem)
class RemediationItemAdmin(ReadOnlyHistoryAdmin):
    list_display = ["member", "year_found", "due_on", "remedied_on"]


# --- Issue 10: recorded facts (written by reviews.services.facts; read-only here) -------------------
from .models import ExemptionRecord, ManifestationConclusion, OrgDisciplineRecord  # noqa: E402


@admin.register(ExemptionRecord)
class ExemptionRecordAdmin(ReadOnlyHistoryAdmin):
    list_display = ["member", "kind", "valid_from", "valid_to", "decision_number", "decided_by"]
    list_filter = ["kind"]


@admin.register(OrgDisciplineRecord)
class OrgDisciplineRecordAdmin(ReadOnlyHistoryAdmin):
    list_display = ["organization", "kind", "decided_on", "decision_number", "counts_for_year", "decided_by"]
    list_filter = ["kind", "counts_for_year"]


@admin.register(ManifestationConclusion)
class ManifestationConclusionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["member", "year", "concluded_on", "document_number", "concluded_by"]
    list_filter = ["year"]


@admin.register(GridDraft)
class GridDraftAdmin(ReadOnlyAdmin):
    """Typed, unsaved grid values (issue 13 item 5): visible for support, changed only by the grid."""

    list_display = ["organization", "year", "updated_at", "updated_by"]
    list_select_related = ["organization", "updated_by"]
    raw_id_fields = ["organization", "updated_by"]
