"""Navigation entry, shown only to those who may import (the scope is cached: no extra query)."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _


def nav_link(request) -> dict:
    from .selectors import import_scope_for

    if import_scope_for(request.user) is None:
        return {}
    html = format_html(
        '<li class="nav-item"><a class="nav-link" href="{}">{}</a></li>',
        reverse("onboarding:import"),
        _("Nhập dữ liệu"),
    )
    return {"html": html}
