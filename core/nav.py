"""Menu entries owned by no app: the admin site, for staff."""

from django.urls import reverse
from django.utils.translation import gettext as _

from .registry import NavItem


def admin_items(request, scope) -> list[NavItem]:
    if not request.user.is_staff:
        return []
    return [NavItem(_("Trang quản trị"), reverse("admin:index"), testid="nav-admin")]
