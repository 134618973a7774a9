from django.contrib import admin

from core.admin_mixins import ReadOnlyAdmin

from .models import ImportJob, Reorganisation


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "status", "created_by", "created_at", "rows_total", "error_count", "applied_at"]
    list_filter = ["status"]
    exclude = ["content"]  # the uploaded file itself (bytes) is not for display


@admin.register(Reorganisation)
class ReorganisationAdmin(ReadOnlyAdmin):
    list_display = ["kind", "effective_on", "performed_by", "performed_at", "members_moved"]
    list_filter = ["kind"]
