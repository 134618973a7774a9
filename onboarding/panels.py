"""Organisation/cell page section: where this organisation came from and what replaced it (2 queries)."""

from __future__ import annotations

from organizations.models import Organization
from organizations.selectors import user_scope


def lineage_panel(request, org: Organization):
    predecessors = list(org.predecessors.order_by("name").values("pk", "name", "path", "valid_from", "valid_to"))
    successors = list(org.successors.order_by("name").values("pk", "name", "path", "valid_from", "valid_to"))
    if not predecessors and not successors and org.valid_to is None:
        return None
    scope = user_scope(request.user)
    for row in predecessors + successors:
        row["visible"] = scope.covers(row["path"])  # link only inside the user's scope
    return "onboarding/_lineage_panel.html", {"org": org, "predecessors": predecessors, "successors": successors}
