"""Menu entry: the dashboard, for users with a position (a plain member would be sent back home)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.registry import NavItem


def nav_items(request, scope) -> list[NavItem]:
    if not scope.has_positions:
        return []
    return [NavItem(_("Tổng hợp"), reverse("rollups:home"), testid="nav-dashboard")]
