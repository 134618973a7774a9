"""Admin pieces shared by the apps."""

from django.contrib import admin


class ReadOnlyMixin:
    """Rows written only by migrations, services or tasks (catalogues, audit trail, roll-ups, job
    records): the admin shows them, never edits them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass
