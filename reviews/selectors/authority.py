"""Who decides what (REFERENCE 3.1 and 4). Services enforce these; views only show or hide.

The competent body, and nobody else (an ancestor above it reads the decision but may not act):

- members of a cell under a grassroots committee (chi bộ trực thuộc): the standing committee of that
  grassroots party committee (đảng ủy cơ sở);
- members of a grassroots cell (chi bộ cơ sở): the cell itself, acting as a body — its secretary or
  deputy (chi ủy) records the cell's decision in a separate step after the proposal, citing the
  cell meeting's minutes or resolution (`OrgReview.decision_record`); a quota override it decides is
  reported to the directly superior committee (inbox) and listed on that committee's decisions page;
- leaders whose position is managed by a higher committee (`Position.managed_by`, cán bộ diện cấp
  ủy cấp trên quản lý): the standing committee of that committee;
- organisations: the standing committee of the directly superior committee (for cells and
  sub-committees inside a grassroots committee: that committee).

A position counts only where it is held (the organisation itself), never from an ancestor, and a
system administrator (superuser) holds no deciding authority.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from organizations.models import Member, Organization, OrgKind, Position, PositionKind
from organizations.selectors import positions_open_on, user_scope

DECIDER_KINDS = frozenset({PositionKind.STANDING_COMMITTEE})
CELL_BODY_KINDS = frozenset({PositionKind.CELL_SECRETARY, PositionKind.CELL_DEPUTY})
DISCIPLINE_KINDS = frozenset({PositionKind.STANDING_COMMITTEE, PositionKind.INSPECTION})
LEADER_KINDS = (PositionKind.CELL_SECRETARY, PositionKind.CELL_DEPUTY, PositionKind.COMMITTEE_MEMBER)


def member_decider(cell: Organization, *, grassroots: Organization | None = None) -> Organization:
    """Cell under a grassroots committee → that committee; grassroots cell → the cell itself.
    `grassroots`: the cell's grassroots organisation when the caller has read it already."""
    if cell.kind == OrgKind.GRASSROOTS_CELL:
        return cell
    return grassroots or cell.grassroots() or cell


def org_decider(org: Organization) -> Organization | None:
    """Cells and sub-committees inside a grassroots committee → that committee; others → the parent."""
    if org.kind in (OrgKind.CELL, OrgKind.SUB_COMMITTEE):
        return org.grassroots()
    return Organization.objects.get_parent(org)


def _holds_at(user, org: Organization, kinds) -> bool:
    """An open position of one of `kinds` held AT `org` (not at an ancestor)."""
    if user is None or not user.is_authenticated:
        return False
    kinds = set(kinds)
    return any(k in kinds and oid == org.pk for k, _path, oid in user_scope(user).positions)


def deciding_kinds(decider: Organization) -> frozenset[str]:
    return CELL_BODY_KINDS if decider.kind == OrgKind.GRASSROOTS_CELL else DECIDER_KINDS


def can_decide(user, decider: Organization) -> bool:
    """The user acts for `decider` as the competent body (its standing committee; a grassroots cell's chi ủy)."""
    return _holds_at(user, decider, deciding_kinds(decider))


def can_decide_members(user, cell: Organization) -> bool:
    return can_decide(user, member_decider(cell))


def can_grade_org(user, org: Organization) -> bool:
    decider = org_decider(org)
    return decider is not None and _holds_at(user, decider, DECIDER_KINDS)


def managing_bodies(members: list[Member]) -> dict[int, Organization]:
    """member id → the higher committee managing them as a cadre (their highest managed position). 1 query."""
    users = {m.user_id: m.pk for m in members if m.user_id}
    if not users:
        return {}
    out: dict[int, Organization] = {}
    rows = (
        Position.objects.filter(positions_open_on(timezone.localdate()), user_id__in=users, managed_by__isnull=False)
        .select_related("managed_by")
        .order_by("managed_by__depth")
    )
    for p in rows:
        out.setdefault(users[p.user_id], p.managed_by)
    return out


def leaders_managed_by(org: Organization) -> Q:
    """Members (as a filter) whose open position is managed by `org`."""
    users = Position.objects.filter(positions_open_on(timezone.localdate()), managed_by=org).values("user_id")
    return Q(user_id__in=users)


def can_enter_discipline(user, cell: Organization) -> bool:
    return user_scope(user).covers_with(cell.path, DISCIPLINE_KINDS)


def can_edit_cell(user, cell: Organization) -> bool:
    """Secretaries, deputies, committees and administrators covering the cell may edit its grid."""
    return user_scope(user).covers(cell.path, act=True)


def bodies_deciding_for(scope) -> list[int]:
    """Organisation ids where the scope's holder acts as the competent body (no query: the cached scope).

    The same rule as `can_decide`: a standing committee where it sits, a grassroots cell's chi ủy.
    """
    kinds = dict(scope.position_org_kinds)
    return [
        oid
        for kind, _path, oid in scope.positions
        if kind in (CELL_BODY_KINDS if kinds.get(oid) == OrgKind.GRASSROOTS_CELL else DECIDER_KINDS)
    ]


def cells_led_by(scope) -> list[int]:
    """Cells (and grassroots cells) whose grid the scope's holder fills as secretary or deputy."""
    return [oid for kind, _path, oid in scope.positions if kind in CELL_BODY_KINDS]
