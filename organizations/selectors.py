"""Reads for the organisation tree, and the one place where access scope is decided.

A user's scope comes from their open Position rows: each covers the subtree of its organisation.
Every view loads its object through a `…_get_for_user` function here (or in the app's own
selectors built on `user_scope`), which raises Http404 outside the scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from . import scope_cache
from .models import CELL_KINDS, Member, MemberStatus, Organization, Position, PositionKind

# Which position kinds may read a subtree, and which may act on it (enter, decide, import).
READ_KINDS = frozenset(PositionKind.values)
ACT_KINDS = frozenset(
    {
        PositionKind.CELL_SECRETARY,
        PositionKind.CELL_DEPUTY,
        PositionKind.STANDING_COMMITTEE,
        PositionKind.ADMINISTRATOR,
    }
)
# Bodies allowed to see individual members when drilling down (everyone with a position here).
MEMBER_READ_KINDS = READ_KINDS


@dataclass(frozen=True)
class Scope:
    """What one user may see and do, as organisation paths."""

    positions: tuple[tuple[str, str, int], ...] = ()  # (kind, path, organization_id)
    member_id: int | None = None
    cell_id: int | None = None
    is_superuser: bool = False
    read_paths: tuple[str, ...] = field(default=())
    act_paths: tuple[str, ...] = field(default=())
    # organisation id -> its kind, for each position: lets the menu tell a grassroots cell's
    # secretary (who decides) from a cell's, without a query on every page
    position_org_kinds: tuple[tuple[int, str], ...] = field(default=())

    def covers(self, path: str, *, act: bool = False) -> bool:
        if self.is_superuser:
            return True
        paths = self.act_paths if act else self.read_paths
        return any(path.startswith(p) for p in paths)

    def covers_with(self, path: str, kinds: Iterable[str]) -> bool:
        """True when a position of one of `kinds` covers `path` (e.g. who may decide)."""
        if self.is_superuser:
            return True
        kinds = set(kinds)
        return any(k in kinds and path.startswith(p) for k, p, _ in self.positions)

    def paths_for(self, kinds: Iterable[str]) -> tuple[str, ...]:
        kinds = set(kinds)
        return _outermost(p for k, p, _ in self.positions if k in kinds)

    @property
    def has_positions(self) -> bool:
        return bool(self.positions) or self.is_superuser


def _outermost(paths: Iterable[str]) -> tuple[str, ...]:
    """Drop paths nested inside another path of the set."""
    result: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(p) for p in result):
            result.append(path)
    return tuple(result)


def positions_open_on(day: dt.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def user_scope(user) -> Scope:
    """The user's scope: once per request object (on the user instance), else from the shared cache.

    The cached copy (organizations.scope_cache) is keyed by the day and dropped whenever positions,
    the user's member record or the tree change, so it never outlives what it was computed from.
    """
    cached = getattr(user, "_tusoi_scope", None)
    if cached is not None:
        return cached
    if not user.is_authenticated:
        return Scope()
    today = timezone.localdate()
    scope = scope_cache.scope_get(user.pk, today, lambda: _scope_compute(user, today))
    user._tusoi_scope = scope
    return scope


def _scope_compute(user, today: dt.date) -> Scope:
    rows = tuple(
        Position.objects.filter(positions_open_on(today), user=user, organization__valid_to__isnull=True)
        .values_list("kind", "organization__path", "organization_id", "organization__kind")
        .order_by("organization__path")
    )
    org_kinds = tuple((oid, org_kind) for _k, _p, oid, org_kind in rows)
    rows = tuple(row[:3] for row in rows)
    member = Member.objects.filter(user=user).values_list("id", "cell_id").first()
    scope = Scope(
        positions=rows,
        member_id=member[0] if member else None,
        cell_id=member[1] if member else None,
        is_superuser=user.is_superuser,
        read_paths=_outermost(p for k, p, _ in rows if k in READ_KINDS),
        act_paths=_outermost(p for k, p, _ in rows if k in ACT_KINDS),
        position_org_kinds=org_kinds,
    )
    return scope


def paths_q(paths: Iterable[str], field_name: str = "path") -> Q:
    """OR of prefix matches; an empty set matches nothing."""
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{field_name}__startswith": path})
    return q


def organizations_readable(*, user) -> QuerySet[Organization]:
    scope = user_scope(user)
    if scope.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(paths_q(scope.read_paths))


def organization_get_for_user(
    *, user, pk: int | None, act: bool = False, within: Organization | None = None, cell: bool = False
) -> Organization:
    """The one scoped loader for organisations (and cells, with `cell=True`).

    Http404 when the organisation does not exist, is outside `within` (if given) or outside what the
    user may read; with `act=True`, PermissionDenied (403) when the user may read it but not act on it.
    """
    qs = Organization.objects.filter(pk=pk)
    if cell:
        qs = qs.filter(kind__in=CELL_KINDS)
    org = qs.first() if pk is not None else None
    scope = user_scope(user)
    if org is None or not scope.covers(org.path) or (within is not None and not org.path.startswith(within.path)):
        raise Http404
    if act and not scope.covers(org.path, act=True):
        raise PermissionDenied
    return org


def cell_get_for_user(*, user, pk: int | None, act: bool = False) -> Organization:
    """A cell (chi bộ) the user may read (404 otherwise); `act=True` → 403 for read-only roles."""
    return organization_get_for_user(user=user, pk=pk, act=act, cell=True)


def scope_roots(*, user) -> list[Organization]:
    """The top organisations of the user's read scope (their dashboards' starting points)."""
    scope = user_scope(user)
    if scope.is_superuser:
        return list(Organization.objects.filter(depth=1).order_by("name"))
    return list(Organization.objects.filter(path__in=scope.read_paths).order_by("path"))


def members_readable(*, user) -> QuerySet[Member]:
    """Members the user may see: themselves, plus every member in the subtrees they cover."""
    scope = user_scope(user)
    if scope.is_superuser:
        return Member.objects.all()
    q = paths_q(scope.read_paths, "cell__path")
    if scope.member_id:
        q |= Q(pk=scope.member_id)
    return Member.objects.filter(q)


def member_get_for_user(*, user, pk: int) -> Member:
    member = members_readable(user=user).select_related("cell").filter(pk=pk).first()
    if member is None:
        raise Http404
    return member


def cell_members(*, cell: Organization) -> QuerySet[Member]:
    """The cell's current members, in Vietnamese name order (given name first)."""
    return Member.objects.filter(cell=cell).order_by("sort_key", "id")


# Precomputed member counts per subtree. The roll-ups register a provider taking organisation ids
# and returning {id: members on the roll}, or None when it has no current row for one of them;
# counting live (≈ 0.2 s for a 100k-member province) is only the fallback.
SUBTREE_MEMBER_COUNTS: list[Callable[[list[int]], dict[int, int] | None]] = []


def organization_children_with_counts(*, org: Organization) -> tuple[list[dict], int]:
    """Direct children of `org` with members over each child's subtree, and the subtree's total."""
    children = list(Organization.objects.filter(path__startswith=org.path, depth=org.depth + 1).order_by("name"))
    ids = [org.id, *(child.id for child in children)]
    for provider in SUBTREE_MEMBER_COUNTS:
        counts = provider(ids)
        if counts is not None:
            return [{"org": c, "members": counts[c.id]} for c in children], counts[org.id]
    prefix_len = len(org.path) + org.steplen
    by_prefix = dict(
        _on_roll(Member.objects.filter(cell__path__startswith=org.path).exclude(cell=org))
        .annotate(prefix=Substr("cell__path", 1, prefix_len))
        .values("prefix")
        .annotate(n=Count("id"))
        .values_list("prefix", "n")
    )
    rows = [{"org": child, "members": by_prefix.get(child.path, 0)} for child in children]
    return rows, organization_member_total(org=org)


def organization_subtree_count(*, org: Organization) -> int:
    """Party organisations at every level below `org` (not the direct children only), still existing."""
    return Organization.objects.filter(path__startswith=org.path, depth__gt=org.depth, valid_to__isnull=True).count()


def organization_member_total(*, org: Organization) -> int:
    """Members on the roll (not those who left) in the subtree, counted live."""
    return _on_roll(Member.objects.filter(cell__path__startswith=org.path)).count()


def _on_roll(members: QuerySet[Member]) -> QuerySet[Member]:
    return members.exclude(status=MemberStatus.LEFT)


def organization_ancestors(*, org: Organization) -> list[Organization]:
    """Ancestors root first (one query), for breadcrumbs."""
    return list(Organization.objects.filter(path__in=org.ancestor_paths()[:-1]).order_by("depth"))


def cells_in(*, org: Organization) -> QuerySet[Organization]:
    return Organization.objects.filter(path__startswith=org.path, kind__in=CELL_KINDS)


# --- Appended by onboarding (issue 7): the tree as it was on a day, for year roll-ups ---------------


def organizations_valid_on(*, day: dt.date, within: Organization | None = None) -> QuerySet[Organization]:
    """Organisations in force on `day` (a year's roll-up uses 31/12 of that year), tree order."""
    qs = Organization.objects.valid_on(day)
    if within is not None:
        qs = qs.filter(path__startswith=within.path)
    return qs.order_by("path")


def memberships_on(*, day: dt.date) -> QuerySet:
    """Official memberships in force on `day` (members are counted where their membership was)."""
    from .models import Membership, MembershipKind

    return Membership.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day), kind=MembershipKind.OFFICIAL, valid_from__lte=day
    )


def member_counts_on(*, day: dt.date, within: Organization | None = None) -> dict[int, int]:
    """Members per organisation (whole subtree) on `day`, over organisations valid that day. Two queries."""
    orgs = list(organizations_valid_on(day=day, within=within).values_list("pk", "path"))
    memberships = memberships_on(day=day)
    if within is not None:
        memberships = memberships.filter(cell__path__startswith=within.path)
    per_cell = memberships.values("cell__path").annotate(n=Count("id")).values_list("cell__path", "n")
    by_path: dict[str, int] = {}
    step = Organization.steplen
    for path, n in per_cell:
        for end in range(step, len(path) + 1, step):
            by_path[path[:end]] = by_path.get(path[:end], 0) + n
    return {pk: by_path.get(path, 0) for pk, path in orgs}


# --- Appended by accounts (issue 11): who may enter a member's paper forms on their behalf ----------


def is_cell_officer(*, user, cell_id: int | None) -> bool:
    """The secretary or deputy secretary of this very cell (an open position there; one query)."""
    if cell_id is None or not getattr(user, "is_authenticated", False):
        return False
    return Position.objects.filter(
        positions_open_on(timezone.localdate()),
        user=user,
        organization_id=cell_id,
        kind__in=(PositionKind.CELL_SECRETARY, PositionKind.CELL_DEPUTY),
    ).exists()


def may_enter_on_behalf(*, user, member: Member) -> bool:
    """Nhập hộ: only an officer of the member's own cell, and never for themselves."""
    if member.user_id is not None and member.user_id == getattr(user, "pk", None):
        return False
    return is_cell_officer(user=user, cell_id=member.cell_id)
