"""Menu entry: member search, for users with a position."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.registry import NavItem


def nav_items(request, scope) -> list[NavItem]:
    if not scope.has_positions:
        return []
    return [NavItem(_("Tìm đảng viên"), reverse("organizations:member_search"), testid="nav-search")]
