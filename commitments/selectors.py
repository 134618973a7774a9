"""Reads for commitments, and who may see or act on them (404 outside scope, 403 for read-only roles).

Readers of a commitment: the member; positions whose subtree holds the member's current cell (the
cell secretary and every committee above, as `organizations.selectors.user_scope` decides); and,
for the exemplary-role registration only, the leadership of the committee the member leads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, FilteredRelation, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from organizations.models import ACTIVE_STATUSES, Member, MemberStatus, Organization, Position, PositionKind
from organizations.selectors import positions_open_on, user_scope

from .models import Commitment, CommitmentCycle, CommitmentStatus

# Leadership posts that file an exemplary-role registration (đăng ký nêu gương).
LEADER_KINDS = frozenset(
    {
        PositionKind.STANDING_COMMITTEE,
        PositionKind.COMMITTEE_MEMBER,
        PositionKind.CELL_SECRETARY,
        PositionKind.CELL_DEPUTY,
    }
)
# Who acknowledges, returns and reopens a member's commitment: the leadership of the member's cell.
ACT_KINDS = frozenset({PositionKind.CELL_SECRETARY, PositionKind.CELL_DEPUTY})
# Who reads the exemplary registrations filed to a committee: its standing committee and secretaries.
EXEMPLARY_READ_KINDS = frozenset(
    {PositionKind.STANDING_COMMITTEE, PositionKind.CELL_SECRETARY, PositionKind.CELL_DEPUTY}
)
# Member states listed on the cell page but not counted as missing.
NOT_COUNTED_STATUSES = (MemberStatus.EXEMPT, MemberStatus.SUSPENDED)
NOT_STARTED = "NOT_STARTED"
SUBMITTED_STATUSES = (CommitmentStatus.SUBMITTED, CommitmentStatus.ACKNOWLEDGED)


# --- cycles -----------------------------------------------------------------------------------------


def cycle_for_org(
    *, org: Organization, today: dt.date | None = None, year: int | None = None
) -> CommitmentCycle | None:
    """The open cycle of the top organisation above `org` (ancestor-or-self), latest year first
    (or the one of `year`)."""
    today = today or timezone.localdate()
    cycles = CommitmentCycle.objects.filter(organization__path__in=org.ancestor_paths(), opens_on__lte=today)
    if year is not None:
        cycles = cycles.filter(year=year)
    return cycles.select_related("organization").order_by("-year", "-organization__depth").first()


def cycle_years_for_org(*, org: Organization) -> list[int]:
    """Years with an open cycle above `org`, newest first (for the year switch)."""
    today = timezone.localdate()
    return sorted(
        set(
            CommitmentCycle.objects.filter(
                organization__path__in=org.ancestor_paths(), opens_on__lte=today
            ).values_list("year", flat=True)
        ),
        reverse=True,
    )


def cycle_next_for_org(*, org: Organization, today: dt.date | None = None) -> CommitmentCycle | None:
    """A cycle announced but not open yet (to tell members when it opens)."""
    today = today or timezone.localdate()
    return (
        CommitmentCycle.objects.filter(organization__path__in=org.ancestor_paths(), opens_on__gt=today)
        .order_by("opens_on")
        .first()
    )


def deadline_end(cycle: CommitmentCycle) -> dt.datetime:
    """First instant after the deadline day, local time: a submission before it is on time."""
    day = cycle.deadline + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# --- the member's own ---------------------------------------------------------------------------------


def member_of_user(*, user) -> Member:
    member = Member.objects.select_related("cell").filter(user=user).first() if user.is_authenticated else None
    if member is None or member.cell is None:
        raise Http404
    return member


def commitment_for_member(*, member: Member, year: int) -> Commitment | None:
    return Commitment.objects.select_related("cycle", "cycle__organization").filter(member=member, year=year).first()


def led_organizations(*, user) -> list[Organization]:
    """Organisations where the user holds an open leadership post (the committees they lead)."""
    if user is None:
        return []
    today = timezone.localdate()
    ids = Position.objects.filter(positions_open_on(today), user=user, kind__in=LEADER_KINDS).values("organization_id")
    return list(Organization.objects.filter(pk__in=ids).order_by("path"))


# --- access ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Access:
    commitment: Commitment
    is_owner: bool = False
    full: bool = False  # may read the whole commitment
    can_act: bool = False  # may acknowledge, return, reopen
    exemplary_only: bool = False  # reads only the exemplary-role registration


def can_act_on_cell(*, user, cell: Organization) -> bool:
    return user_scope(user).covers_with(cell.path, ACT_KINDS)


def _acts_on(scope, member: Member, cell: Organization) -> bool:
    """The cell's secretary or deputy acts on members' commitments; nobody confirms their own, so the
    commitment of a cell leader may also be acted on by the standing committee above."""
    if scope.covers_with(cell.path, ACT_KINDS):
        return True
    if not scope.covers_with(cell.path, {PositionKind.STANDING_COMMITTEE}) or member.user_id is None:
        return False
    today = timezone.localdate()
    return Position.objects.filter(
        positions_open_on(today), user_id=member.user_id, organization=cell, kind__in=ACT_KINDS
    ).exists()


def commitment_get_for_user(*, user, pk: int) -> Access:
    """Load a commitment with the viewer's rights; Http404 when the viewer may not see it."""
    commitment = (
        Commitment.objects.select_related("member", "member__cell", "cycle", "cycle__organization")
        .filter(pk=pk)
        .first()
    )
    if commitment is None:
        raise Http404
    scope = user_scope(user)
    cell = commitment.member.cell
    is_owner = scope.member_id is not None and scope.member_id == commitment.member_id
    reads_cell = cell is not None and scope.covers(cell.path)
    if is_owner or reads_cell:
        can_act = not is_owner and cell is not None and _acts_on(scope, commitment.member, cell)
        return Access(commitment=commitment, is_owner=is_owner, full=True, can_act=can_act)
    led = commitment.exemplary_organizations.values_list("path", flat=True)
    if any(scope.covers_with(path, EXEMPLARY_READ_KINDS) for path in led):
        return Access(commitment=commitment, exemplary_only=True)
    raise Http404


def cell_get_for_user(*, user, pk: int) -> Organization:
    from organizations.selectors import organization_get_for_user

    cell = organization_get_for_user(user=user, pk=pk)
    if not cell.is_cell:
        raise Http404
    return cell


# --- the cell page -----------------------------------------------------------------------------------


@dataclass
class CellRow:
    member: Member
    commitment: Commitment | None
    actions_total: int = 0
    actions_done: int = 0

    @property
    def state(self) -> str:
        return self.commitment.status if self.commitment else NOT_STARTED

    @property
    def counted(self) -> bool:
        return self.member.status not in NOT_COUNTED_STATUSES


@dataclass
class CellSummary:
    rows: list[CellRow]
    counts: dict[str, int] = field(default_factory=dict)
    counted: int = 0
    not_counted: int = 0
    on_time: int = 0

    @property
    def missing(self) -> int:
        return self.counts.get(NOT_STARTED, 0) + self.counts.get(CommitmentStatus.DRAFT, 0)


def cell_members_for_commitments(*, cell: Organization) -> QuerySet[Member]:
    """Current members of the cell, exempt and suspended included; those who left are not listed."""
    return Member.objects.filter(cell=cell).exclude(status=MemberStatus.LEFT).order_by("sort_key", "id")


def cell_commitment_rows(*, cell: Organization, cycle: CommitmentCycle | None, year: int) -> CellSummary:
    """Every member of the cell with their commitment for `year` (three queries whatever the size).

    Commitments are found through the member's current cell, so a member who transferred in
    mid-year brings their commitment along.
    """
    members = list(cell_members_for_commitments(cell=cell))
    commitments = {
        c.member_id: c
        for c in Commitment.objects.filter(member__in=[m.pk for m in members], year=year).annotate(
            actions_total=Count("actions"), actions_done=Count("actions", filter=Q(actions__progress="DONE"))
        )
    }
    summary = CellSummary(rows=[])
    counts = dict.fromkeys([NOT_STARTED, *CommitmentStatus.values], 0)
    end = deadline_end(cycle) if cycle else None
    for member in members:
        c = commitments.get(member.pk)
        row = CellRow(member=member, commitment=c)
        if c is not None:
            row.actions_total, row.actions_done = c.actions_total, c.actions_done
        summary.rows.append(row)
        if not row.counted:
            summary.not_counted += 1
            continue
        summary.counted += 1
        counts[row.state] += 1
        first = c and (c.first_submitted_at or c.submitted_at)
        if first and end and first < end:
            summary.on_time += 1
    summary.counts = counts
    return summary


def cell_counts(*, cell: Organization, year: int) -> dict[str, int]:
    """Status counts of the cell's counted members (one query), for the cell panel."""
    rows = (
        Member.objects.filter(cell=cell, status__in=ACTIVE_STATUSES)
        .annotate(c=FilteredRelation("commitments", condition=Q(commitments__year=year)))
        .values("c__status")
        .annotate(n=Count("id"))
    )
    counts = dict.fromkeys([NOT_STARTED, *CommitmentStatus.values], 0)
    for row in rows:
        counts[row["c__status"] or NOT_STARTED] += row["n"]
    counts["total"] = sum(counts.values())
    return counts


def cell_actions(*, cell: Organization, year: int) -> QuerySet:
    """Every registered action of the cell's current members for `year`, for the monthly meeting (one query)."""
    from .models import CommitmentAction

    return (
        CommitmentAction.objects.filter(commitment__member__cell=cell, commitment__year=year)
        .exclude(commitment__status=CommitmentStatus.DRAFT)
        .select_related("commitment__member")
        .order_by("commitment__member__sort_key", "commitment__member_id", "id")
    )


# --- completeness for superior committees ------------------------------------------------------------


def _completeness_query(*, org: Organization, cycle: CommitmentCycle, prefix_len: int):
    end = deadline_end(cycle)
    # Rows loaded in bulk (seed, import) may lack first_submitted_at: fall back to submitted_at.
    on_time = Q(c__first_submitted_at__lt=end) | Q(c__first_submitted_at__isnull=True, c__submitted_at__lt=end)
    return (
        Member.objects.filter(cell__path__startswith=org.path, status__in=ACTIVE_STATUSES)
        .annotate(c=FilteredRelation("commitments", condition=Q(commitments__year=cycle.year)))
        .annotate(prefix=Substr("cell__path", 1, prefix_len))
        .values("prefix")
        .annotate(
            members=Count("id"),
            submitted=Count("id", filter=Q(c__status__in=SUBMITTED_STATUSES)),
            on_time=Count("id", filter=on_time),
            acknowledged=Count("id", filter=Q(c__status=CommitmentStatus.ACKNOWLEDGED)),
            returned=Count("id", filter=Q(c__status=CommitmentStatus.RETURNED)),
            draft=Count("id", filter=Q(c__status=CommitmentStatus.DRAFT)),
            # Accounts (issue 11), in the same query: activated, invited but not yet activated.
            activated=Count("id", filter=Q(user__isnull=False) & ~Q(user__password__startswith="!")),
            invited=Count("id", filter=Q(user__isnull=False, user__password__startswith="!")),
        )
    )


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# The roll-ups register a provider: (org, year) -> {"rows": [...], "total": {...}} or None when
# they have no row for the organisation yet; the live GROUP BY over members is only the fallback.
COMPLETENESS_PROVIDERS: list = []


def completeness_children(*, org: Organization, cycle: CommitmentCycle) -> dict:
    """Per direct child of `org` and for the whole subtree: counted members, submitted, on time
    (first submission by the deadline), acknowledged. From the roll-ups (one query) when they
    have the organisation's row, else counted live (three queries, whatever the tree size)."""
    for provider in COMPLETENESS_PROVIDERS:
        table = provider(org, cycle.year)
        if table is not None:
            for row in (*table["rows"], table["total"]):
                row["share"] = _ratio(row["on_time"], row["members"])
            table["total"]["submitted_share"] = _ratio(table["total"]["submitted"], table["total"]["members"])
            return table
    return _completeness_live(org=org, cycle=cycle)


def _completeness_live(*, org: Organization, cycle: CommitmentCycle) -> dict:
    children = list(Organization.objects.filter(path__startswith=org.path, depth=org.depth + 1).order_by("name"))
    by_prefix = {
        row["prefix"]: row for row in _completeness_query(org=org, cycle=cycle, prefix_len=len(org.path) + org.steplen)
    }
    keys = ("members", "submitted", "on_time", "acknowledged", "returned", "draft", "activated", "invited")
    rows, total = [], dict.fromkeys(keys, 0)
    for child in children:
        data = {k: by_prefix.get(child.path, {}).get(k, 0) for k in keys}
        data["never"] = data["members"] - data["activated"] - data["invited"]
        for k in keys:
            total[k] += data[k]
        rows.append({"org": child, **data, "share": _ratio(data["on_time"], data["members"])})
    total["never"] = total["members"] - total["activated"] - total["invited"]
    total["share"] = _ratio(total["on_time"], total["members"])
    total["submitted_share"] = _ratio(total["submitted"], total["members"])
    return {"rows": rows, "total": total}


def exemplary_for_org(*, org: Organization, year: int) -> QuerySet[Commitment]:
    """Exemplary-role registrations filed to this committee for `year`."""
    return (
        Commitment.objects.filter(exemplary_organizations=org, year=year)
        .exclude(exemplary_registration="")
        .select_related("member", "member__cell")
        .order_by("member__sort_key")
    )
