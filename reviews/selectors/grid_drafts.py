"""The grid's draft as the page restores it (issue 13, item 5)."""

from __future__ import annotations

from organizations.models import Organization

from ..models import GridDraft
from .authority import can_edit_cell


def grid_draft_get(*, user, cell: Organization, year: int, locked: bool) -> GridDraft | None:
    """The draft to restore, for those who may edit the grid; none once the cell is locked
    (the draft must not put editable values over a proposal). One query."""
    if locked or not can_edit_cell(user, cell):
        return None
    return GridDraft.objects.filter(organization=cell, year=year).first()


def draft_rows(draft: GridDraft | None) -> dict[int, dict[str, str]]:
    """The draft's values by member id (the keys keep their "m<id>-" prefix, as the row forms read them)."""
    out: dict[int, dict[str, str]] = {}
    for key, value in (draft.values if draft else {}).items():
        if key.startswith("m") and "-" in key:
            head = key[1:].split("-", 1)[0]
            if head.isdigit():
                out.setdefault(int(head), {})[key] = value
    return out
