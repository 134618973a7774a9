"""The one registry of what the navigation bar and the organisation, cell and member pages show.

Explicit wiring: every provider is imported here by name and listed in display order, instead of
module-level lists that each app filled with `.append()` from its AppConfig (whose order followed
INSTALLED_APPS and which tests could not see whole). Providers return data — `NavItem` and `Panel` —
and the templates render it: `base.html` the menu, the page templates their panels (`render_panel`
renders in the page's own context, so context processors do not run again for each panel).

A provider must not add a query to every page: menu providers read the cached scope
(`organizations.selectors.user_scope`) and cached counters only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any


@dataclass(frozen=True)
class NavItem:
    """One menu entry. `badge` is a count shown next to the label (None: no badge)."""

    label: str
    url: str
    testid: str = ""
    badge: int | None = None
    badge_title: str = ""
    badge_testid: str = ""
    exact: bool = False  # active only on this very URL (e.g. /kiem-diem/ is the prefix of every review page)
    active: bool = False


@dataclass(frozen=True)
class Panel:
    """A section of an organisation, cell or member page: a template and its own context."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


NavProvider = Callable[[Any, Any], list[NavItem]]  # (request, scope) -> items
PanelProvider = Callable[[Any, Any], tuple[str, dict] | None]  # (request, obj) -> (template, context) | None


@cache
def nav_providers() -> tuple[NavProvider, ...]:
    """The menu, in display order: one's own work first, then the body's, then tools."""
    from commitments.nav import nav_items as commitments
    from meetings.nav import nav_items as meetings
    from notifications.nav import nav_items as notifications
    from onboarding.nav import nav_items as onboarding
    from organizations.nav import nav_items as organizations
    from reviews.nav import nav_items as reviews
    from rollups.nav import nav_items as rollups

    from .nav import admin_items

    return (commitments, reviews, rollups, organizations, meetings, onboarding, notifications, admin_items)


@cache
def panel_providers(page: str) -> tuple[PanelProvider, ...]:
    """Sections of the organisation ("organization"), cell ("cell") and member ("member") pages."""
    from accounts import panels as accounts
    from commitments import panels as commitments
    from onboarding.panels import lineage_panel
    from reviews import panels as reviews
    from rollups.panels import dashboard_link_panel

    return {
        "organization": (
            reviews.organization_panel,
            commitments.organization_panel,
            accounts.organization_panel,
            dashboard_link_panel,
            lineage_panel,
        ),
        "cell": (
            reviews.cell_panel,
            commitments.cell_panel,
            accounts.cell_panel,
            dashboard_link_panel,
            lineage_panel,
        ),
        "member": (commitments.member_panel, reviews.member_panel),
    }[page]


def nav_items(request) -> list[NavItem]:
    """The user's menu, the entry for the current page marked active (longest matching URL)."""
    from organizations.selectors import user_scope

    scope = user_scope(request.user)
    items = [item for provider in nav_providers() for item in provider(request, scope)]
    current = _current(items, request.path)
    return [replace(item, active=True) if item is current else item for item in items]


def panels(page: str, request, obj) -> list[Panel]:
    """The sections to show on `page` for `obj` (providers returning None show nothing)."""
    found = (provider(request, obj) for provider in panel_providers(page))
    return [Panel(*result) for result in found if result is not None]


def _current(items: list[NavItem], path: str) -> NavItem | None:
    def matches(item: NavItem) -> bool:
        url = item.url.split("?")[0]
        return path == url if item.exact else url != "/" and path.startswith(url)

    matching = [item for item in items if matches(item)]
    return max(matching, key=lambda item: len(item.url), default=None)
