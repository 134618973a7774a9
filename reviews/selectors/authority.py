"""Who decides what (REFERENCE 3.1 and 4). Services call these; views only use them to show or hide."""

from __future__ import annotations

from organizations.models import Organization, OrgKind, PositionKind
from organizations.selectors import user_scope

DECIDER_KINDS = frozenset({PositionKind.STANDING_COMMITTEE})
DISCIPLINE_KINDS = frozenset({PositionKind.STANDING_COMMITTEE, PositionKind.INSPECTION})
LEADER_KINDS = (PositionKind.CELL_SECRETARY, PositionKind.CELL_DEPUTY, PositionKind.COMMITTEE_MEMBER)


def member_decider(cell: Organization) -> Organization:
    """Cell under a grassroots committee → that committee; grassroots cell → the cell itself."""
    if cell.kind == OrgKind.GRASSROOTS_CELL:
        return cell
    return cell.grassroots() or cell


def org_decider(org: Organization) -> Organization | None:
    """Cells and sub-committees inside a grassroots committee → that committee; others → the parent."""
    if org.kind in (OrgKind.CELL, OrgKind.SUB_COMMITTEE):
        return org.grassroots()
    return Organization.objects.get_parent(org)


def can_decide(user, decider: Organization) -> bool:
    scope = user_scope(user)
    if scope.covers_with(decider.path, DECIDER_KINDS):
        return True
    return decider.kind == OrgKind.GRASSROOTS_CELL and scope.covers_with(decider.path, {PositionKind.CELL_SECRETARY})


def can_enter_discipline(user, cell: Organization) -> bool:
    return user_scope(user).covers_with(cell.path, DISCIPLINE_KINDS)


def can_edit_cell(user, cell: Organization) -> bool:
    """Secretaries, deputies, committees and administrators covering the cell may edit its grid."""
    return user_scope(user).covers(cell.path, act=True)
