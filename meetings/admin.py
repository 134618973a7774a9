"""Read-only pages with history: minutes, residence comments and opinions change through the services."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin_mixins import PlainYearsMixin, ReadOnlyMixin

from .models import Attendance, LeadershipOpinion, Minutes, ResidenceComment


class _ReadOnly(ReadOnlyMixin, PlainYearsMixin, SimpleHistoryAdmin):
    pass


@admin.register(ResidenceComment)
class ResidenceCommentAdmin(_ReadOnly):
    list_display = ["member", "year", "cell", "residence_org", "status", "fulfilment"]
    list_filter = ["status", "fulfilment", "year"]
    raw_id_fields = ["member", "cell", "residence_org"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    can_delete = False
    readonly_fields = ["member", "present", "absence_reason", "voted_grade", "agree"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Minutes)
class MinutesAdmin(_ReadOnly):
    list_display = ["organization", "year", "kind", "held_on", "invited", "present", "decision_number"]
    list_filter = ["kind", "year"]
    raw_id_fields = ["organization"]
    inlines = [AttendanceInline]


@admin.register(LeadershipOpinion)
class LeadershipOpinionAdmin(_ReadOnly):
    list_display = ["member", "year", "collective", "suggested_grade"]
    list_filter = ["year"]
    raw_id_fields = ["member", "collective"]
