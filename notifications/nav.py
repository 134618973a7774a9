"""Navigation bar entry: link to the inbox with the unread count (one query per page)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .selectors import request_unread_count


def unread_badge(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = request_unread_count(request)
    badge = (
        format_html(
            ' <span class="badge rounded-pill text-bg-light" data-testid="unread-count" title="{}">{}</span>',
            _("Thông báo chưa đọc"),
            count,
        )
        if count
        else ""
    )
    html = format_html(
        '<li class="nav-item"><a class="nav-link" href="{}" data-testid="nav-notifications">{}{}</a></li>',
        reverse("notifications:inbox"),
        _("Thông báo"),
        badge,
    )
    return {"html": html}
