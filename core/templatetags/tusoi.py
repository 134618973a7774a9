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


@register.simple_tag(takes_context=True)
def render_panel(context, panel):
    """A page section (core.registry.Panel) rendered in the page's context with its own on top:
    no second request context, so the context processors do not run again for each panel."""
    template = context.template.engine.get_template(panel.template)
    with context.push(panel.context):
        return template.render(context)


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(
    context, current=None, parent=None, ancestors=None, link="organizations:detail", query="", testid="breadcrumbs"
):
    """The one breadcrumb trail: home, the organisations above (linked where readable), the page.

    `ancestors` defaults to the page's own `ancestors`; `link` names the view an organisation links
    to (the dashboard links to its own pages), `query` is appended to those links.
    """
    if ancestors is None:
        ancestors = context.get("ancestors", ())
    return {
        "nav_scope": context.get("nav_scope"),
        "ancestors": ancestors,
        "parent": parent,
        "current": current,
        "link": link,
        "query": query,
        "testid": testid,
    }


@register.filter
def grade_abbr(value) -> str:
    """HTXSNV, HTTNV, HTNV, KHTNV for a grade value (reviews.models.Grade.abbreviation)."""
    from reviews.models import Grade

    return Grade(value).abbreviation if value in Grade.values else ""
