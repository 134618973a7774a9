"""Menu entry: the inbox with the unread count (the cached counter; a COUNT only on a miss)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.registry import NavItem

from .selectors import request_unread_count


def nav_items(request, scope) -> list[NavItem]:
    count = request_unread_count(request)
    return [
        NavItem(
            _("Thông báo"),
            reverse("notifications:inbox"),
            testid="nav-notifications",
            badge=count or None,
            badge_title=_("Thông báo chưa đọc"),
            badge_testid="unread-count",
        )
    ]
