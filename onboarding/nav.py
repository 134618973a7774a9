"""Menu entry: imports, shown only to those who may import (the scope is cached: no query)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.registry import NavItem


def nav_items(request, scope) -> list[NavItem]:
    from .selectors import import_scope_for

    if import_scope_for(request.user) is None:
        return []
    return [NavItem(_("Nhập dữ liệu"), reverse("onboarding:import"), testid="nav-import")]
