"""Sections added to the organisation, cell and member pages (constant query count each)."""

from __future__ import annotations

from django.urls import reverse

from organizations.selectors import user_scope

from . import selectors


def cell_panel(request, cell):
    """Link to the cell's commitments page with status counts (two queries)."""
    cycle = selectors.cycle_for_org(org=cell)
    if cycle is None:
        return None
    counts = selectors.cell_counts(cell=cell, year=cycle.year)
    return "commitments/panel_cell.html", {"cell": cell, "cycle": cycle, "counts": counts}


def member_panel(request, member):
    """The member's commitment for the current cycle: a link for the member or for a reader (two queries)."""
    if member.cell is None:
        return None
    cycle = selectors.cycle_for_org(org=member.cell)
    if cycle is None:
        return None
    commitment = selectors.commitment_for_member(member=member, year=cycle.year)
    is_self = user_scope(request.user).member_id == member.pk
    if not is_self and commitment is None:
        url = None
    elif is_self and (commitment is None or commitment.is_editable):
        url = reverse("commitments:my")
    else:
        url = reverse("commitments:detail", args=[commitment.pk])
    return "commitments/panel_member.html", {"cycle": cycle, "c": commitment, "url": url, "is_self": is_self}


def organization_panel(request, org):
    """A link to the completeness table (no query)."""
    return "commitments/panel_org.html", {"org": org}
