from django.contrib import admin

from .models import Indicator


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    """The catalogue is loaded by a data migration; read-only here (codes are stable identifiers)."""

    list_display = ["number", "code", "group", "label_vi", "confidence"]
    list_filter = ["group"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
