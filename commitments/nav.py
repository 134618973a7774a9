"""Menu entry: the member's own commitment (the scope is cached: no query)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.registry import NavItem


def nav_items(request, scope) -> list[NavItem]:
    if not scope.member_id:
        return []
    return [NavItem(_("Cam kết của tôi"), reverse("commitments:my"), testid="nav-commitment", exact=True)]
