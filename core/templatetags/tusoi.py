"""Template helpers shared by every app."""

from django import template

register = template.Library()


@register.filter
def readable_by(org, scope) -> bool:
    """True when `scope` (the request user's Scope, `nav_scope`) may open this organisation's pages.

    Breadcrumbs show every ancestor, but a member or a commune committee must not be sent to
    a page that answers 404: ancestors outside the scope are shown as plain text.
    """
    if scope is None or org is None:
        return False
    return scope.covers(org.path)
