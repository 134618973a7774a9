"""Menu entries leading to each role's review work (no query: the cached scope).

- a member: their own self-assessment ("Bản kiểm điểm của tôi");
- a cell secretary or deputy: the cell's grid ("Kiểm điểm");
- a competent body (standing committee, a grassroots cell's chi ủy): its decisions page.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.registry import NavItem

from . import selectors as sel


def nav_items(request, scope) -> list[NavItem]:
    items = []
    if scope.member_id is not None:
        items.append(NavItem(_("Bản kiểm điểm của tôi"), reverse("reviews:my"), testid="nav-my-review", exact=True))
    cells = sel.cells_led_by(scope)
    if cells:
        items.append(NavItem(_("Kiểm điểm"), reverse("reviews:grid", args=[cells[0]]), testid="nav-grid"))
    deciders = sel.bodies_deciding_for(scope)
    if deciders:
        url = reverse("reviews:decisions", args=[deciders[0]])
        items.append(NavItem(_("Quyết định xếp loại"), url, testid="nav-decisions"))
    return items
