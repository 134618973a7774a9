from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin_mixins import PlainYearsMixin, ReadOnlyMixin

from .models import QuarterlyCycle, QuarterlyEvaluation


@admin.register(QuarterlyCycle)
class QuarterlyCycleAdmin(PlainYearsMixin, SimpleHistoryAdmin):
    """Configuration: each quarter's deadline (the 15th of its last month unless changed here)."""

    list_display = ["organization", "year", "q1_deadline", "q2_deadline", "q3_deadline", "q4_deadline"]
    raw_id_fields = ["organization"]


@admin.register(QuarterlyEvaluation)
class QuarterlyEvaluationAdmin(ReadOnlyMixin, PlainYearsMixin, SimpleHistoryAdmin):
    list_display = ["member", "year", "quarter", "status", "self_score", "decided_grade", "manager"]
    list_filter = ["year", "quarter", "status"]
    raw_id_fields = ["member", "manager", "position_org"]
