"""Menu entry: residence-comment requests, received by cell secretaries and committees."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.registry import NavItem


def nav_items(request, scope) -> list[NavItem]:
    if not (scope.act_paths or scope.is_superuser):
        return []
    return [NavItem(_("Nhận xét nơi cư trú"), reverse("meetings:residence_inbox"), testid="nav-residence")]
