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


class PlainYearsMixin:
    """Years are labels, not quantities: list columns show 2026, not the localised 2.026."""

    def get_list_display(self, request):
        return [self._plain_year(n) if _is_year(n) else n for n in super().get_list_display(request)]

    def _plain_year(self, name: str):
        field = self.model._meta.get_field(name)

        @admin.display(description=field.verbose_name, ordering=name)
        def show(obj):
            value = getattr(obj, name)
            return "" if value is None else str(value)

        show.__name__ = name
        return show


def _is_year(name) -> bool:
    return isinstance(name, str) and (name == "year" or name.endswith("_year") or name.startswith("year_"))


class ReadOnlyAdmin(ReadOnlyMixin, PlainYearsMixin, admin.ModelAdmin):
    pass
