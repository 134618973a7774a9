"""A link from the organisation and cell pages to the dashboard (no query: the scope is cached)."""

from organizations.selectors import user_scope


def dashboard_link_panel(request, org):
    scope = user_scope(request.user)
    if not scope.covers(org.path):
        return None
    return "rollups/panel_link.html", {"org": org}
