"""Admin pieces shared by the apps."""

from functools import cached_property

from django.contrib import admin
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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


class FixedYearFilter(admin.SimpleListFilter):
    """Years from a fixed list (2018, the first regime, to next year) instead of Django's
    `SELECT DISTINCT year` over the whole table (millions of reviews or commitments)."""

    title = _("năm")
    parameter_name = "year"
    first_year = 2018

    def lookups(self, request, model_admin):
        last = timezone.localdate().year + 1
        return [(str(y), str(y)) for y in range(last, self.first_year - 1, -1)]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(year=int(value)) if value and value.isdigit() else queryset


class FixedDepthFilter(admin.SimpleListFilter):
    """Tree levels 1–7 from a fixed list, not a DISTINCT over the roll-up table."""

    title = _("cấp")
    parameter_name = "depth"

    def lookups(self, request, model_admin):
        return [(str(d), str(d)) for d in range(1, 8)]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(depth=int(value)) if value and value.isdigit() else queryset


class CappedCountPaginator(Paginator):
    """Counts at most CAP + 1 rows (`SELECT COUNT(*) FROM (… LIMIT CAP + 1)`): a changelist over a
    million members, or a search matching a fifth of them, needs pages, not the exact total."""

    CAP = 1_000

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by("pk")[: self.CAP + 1].count()  # pk order: the scan can stop early
