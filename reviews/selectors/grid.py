"""The cell grid's data, in a fixed number of queries whatever the cell size."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from organizations.models import Member, Membership, MembershipKind, Organization, Position
from organizations.selectors import organization_ancestors

from ..models import DisciplineRecord, ExemptionRecord, MemberReview, OrgReview, ReviewCycle, ReviewStatus
from ..rules import MemberRow, Policy, add_months
from .authority import LEADER_KINDS, managing_bodies
from .cycles import grading_date, policy_of
from .facts import leader_positions, member_row, open_shortcomings, quota_grades, quota_group_of, quota_override_max
from .rule_facts import member_exemptions, overlaps_year


@functools.cache
def _commitment_labels() -> dict:
    """Commitment state → its (lazy) label; a dict once, not the enum's choices rebuilt per row."""
    from commitments.models import CommitmentStatus

    return dict(CommitmentStatus.choices)


@dataclass
class GridRow:
    member: Member
    review: MemberReview | None
    is_leader: bool = False
    discipline: list[DisciplineRecord] = field(default_factory=list)
    open_shortcomings: int = 0
    commitment_status: str = ""
    cell_id: int = 0
    exemptions: list[tuple] = field(default_factory=list)  # recorded exemption / suspension decisions
    # Transferred out of this cell during the year: read-only here, graded by the new cell.
    moved_to: Organization | None = None
    moved_on: dt.date | None = None
    comment_open: bool = False  # this (old) cell supplies its comment (within transfer_comment_months)
    managed_by: Organization | None = None  # leader graded by a higher committee

    @property
    def commitment_label(self) -> str:
        """The commitment's state as the secretary reads it ("Đã nộp"), never the stored code."""
        return _commitment_labels().get(self.commitment_status, "") if self.commitment_status else ""

    @property
    def transferred_out(self) -> bool:
        return self.moved_to is not None

    @property
    def elsewhere(self) -> bool:
        """Graded in another cell this year (transferred out, or proposed there before moving in): read-only."""
        if self.transferred_out:
            return True
        r = self.review
        return bool(r and r.cell_id != self.cell_id and r.status in (ReviewStatus.PROPOSED, ReviewStatus.DECIDED))

    def rule_row(self, **typed) -> MemberRow:
        return member_row(
            member=self.member,
            review=self.review,
            discipline=self.discipline,
            open_shortcomings=self.open_shortcomings,
            exemptions=self.exemptions,
            **typed,
        )


@dataclass
class GridData:
    cell: Organization
    cycle: ReviewCycle
    rows: list[GridRow]
    org_review: OrgReview | None
    grassroots: Organization
    other_grades: list[str]
    override_max: int | None
    ancestors: list[Organization] = field(default_factory=list)  # root first, for the breadcrumbs
    reviews_loaded: bool = True  # False: loaded for a save, which reads the reviews under its lock

    @property
    def policy(self) -> Policy:
        return policy_of(self.cycle)

    @property
    def own_rows(self) -> list[GridRow]:
        return [row for row in self.rows if not row.elsewhere]

    @property
    def version(self) -> int:
        return self.org_review.version if self.org_review else 0

    @property
    def quota_group(self) -> str | None:
        return quota_group_of(self.cell, self.policy)


def _transfers_out(cell: Organization, year: int) -> dict[int, Membership]:
    """Official memberships in this cell that ended this year, of members now official elsewhere."""
    rows = (
        Membership.objects.filter(
            cell=cell,
            kind=MembershipKind.OFFICIAL,
            valid_to__gte=dt.date(year, 1, 1),
        )
        .exclude(member__cell=cell)
        .exclude(member__cell__isnull=True)
        .order_by("valid_to")
    )
    return {m.member_id: m for m in rows}


def grid_load(*, cell: Organization, cycle: ReviewCycle, with_reviews: bool = True) -> GridData:
    """Everything the grid shows, in a fixed number of queries whatever the cell size.

    Rows: the members whose official membership is in this cell now (they are graded here, REFERENCE
    3.2), then members who left it during the year (read-only, "transferred out").
    `with_reviews=False` (a save): the rows without their reviews, which the writer reads once, under
    its lock (`grid_reviews_reload`).
    """
    year = cycle.year
    policy = policy_of(cycle)
    left = _transfers_out(cell, year)
    # A member transferred in keeps the review begun elsewhere; it moves here on save unless that
    # cell already proposed it (then the row is shown read-only, "reviewed in another cell").
    # Every read below goes through an index on the cell or on the members' ids, so its cost follows
    # the cell, not the country (an OR across the member join made PostgreSQL hash-join all of the
    # year's reviews with all members).
    members = _members_with_facts(cell=cell, year=year, ids=list(left))
    reviews = _reviews(cell, year, [m.pk for m in members], attach=False) if with_reviews else {}
    known = {m.pk for m in members}
    here = [mid for mid, r in reviews.items() if r.cell_id == cell.pk and mid not in known]
    if here:  # reviewed here, member since moved on without a membership ending this year (rare)
        members += _members_with_facts(cell=cell, year=year, ids=here, in_cell=False)
        members.sort(key=lambda m: (m.sort_key, m.pk))
    _attach_cells(cell, members=members, reviews=reviews.values())
    discipline = defaultdict(list)
    flagged = [m.pk for m in members if m.has_discipline]
    if flagged:  # the records themselves only for the few members who have any
        for d in DisciplineRecord.objects.filter(member_id__in=flagged, counts_for_year=year):
            discipline[d.member_id].append(d)
    exempted = [m.pk for m in members if m.has_exemption]
    exemptions = member_exemptions(exempted, year) if exempted else {}
    managed = managing_bodies(members)
    day = grading_date(cycle)
    months = int(policy.get("transfer_comment_months", 6) or 0)
    rows = []
    for m in members:
        moved = left.get(m.pk) if m.cell_id != cell.pk else None
        moved_on = moved.valid_to + dt.timedelta(days=1) if moved else None
        rows.append(
            GridRow(
                member=m,
                review=reviews.get(m.pk),
                is_leader=m.is_leader,
                discipline=discipline.get(m.pk, []),
                open_shortcomings=m.open_shortcomings,
                commitment_status=m.commitment_state or "",
                cell_id=cell.pk,
                moved_to=m.cell if moved else None,
                moved_on=moved_on,
                comment_open=bool(moved and add_months(moved_on, months) >= day),
                managed_by=managed.get(m.pk),
                exemptions=exemptions.get(m.pk, []),
            )
        )
    rows.sort(key=lambda r: (r.transferred_out, not r.is_leader))  # leaders first; transferred out last
    ancestors = organization_ancestors(org=cell)  # the breadcrumbs' read gives the grassroots org too
    grassroots = cell if cell.is_grassroots else next((a for a in reversed(ancestors) if a.is_grassroots), cell)
    return GridData(
        cell=cell,
        cycle=cycle,
        rows=rows,
        org_review=OrgReview.objects.filter(organization=cell, year=year).first(),
        grassroots=grassroots,
        ancestors=ancestors,
        other_grades=quota_grades(
            grassroots=grassroots, year=year, exclude_cell_id=cell.pk, group=quota_group_of(cell, policy)
        ),
        override_max=quota_override_max(grassroots=grassroots, year=year),
        reviews_loaded=with_reviews,
    )


def _reviews(cell: Organization, year: int, member_ids: list[int], *, attach: bool = True) -> dict[int, MemberReview]:
    reviews = {
        r.member_id: r for r in MemberReview.objects.filter(Q(cell=cell) | Q(member_id__in=member_ids), year=year)
    }
    if attach:
        _attach_cells(cell, reviews=reviews.values())
    return reviews


def _attach_cells(cell: Organization, *, members=(), reviews=()) -> None:
    """The members' cells, the reviews' cells and the cells that commented on a transfer, without a
    join per row: this grid's cell is at hand, the few others (transfers) are read at once, only
    when there are any."""
    wanted = {m.cell_id for m in members if m.cell_id} | {r.cell_id for r in reviews}
    wanted |= {r.transfer_comment_cell_id for r in reviews if r.transfer_comment_cell_id}
    wanted.discard(cell.pk)
    orgs = {o.pk: o for o in Organization.objects.filter(pk__in=wanted)} if wanted else {}
    orgs[cell.pk] = cell
    for m in members:
        if m.cell_id:
            m.cell = orgs[m.cell_id]
    for r in reviews:
        r.cell = orgs[r.cell_id]
        if r.transfer_comment_cell_id:
            r.transfer_comment_cell = orgs[r.transfer_comment_cell_id]


def grid_reviews_reload(data: GridData, org_review: OrgReview | None) -> GridData:
    """The reviews of a loaded grid read (again), under the writer's lock on `org_review`.

    A save validates and writes what the view loaded a moment before it took the lock: the reviews
    are what it writes (and audits), so they are read under the lock (one query); the other facts
    are the ones the secretary saw. A row whose review appeared meanwhile is updated, not duplicated.
    A review that reveals a row the grid has not loaded (see `grid_load`: reviewed here, member
    since moved on) is rare: then the whole grid is read again.
    """
    fresh = _reviews(data.cell, data.cycle.year, [row.member.pk for row in data.rows])
    known = {row.member.pk for row in data.rows}
    if any(r.cell_id == data.cell.pk and mid not in known for mid, r in fresh.items()):
        full = grid_load(cell=data.cell, cycle=data.cycle)
        full.org_review = org_review
        return full
    for row in data.rows:
        row.review = fresh.get(row.member.pk)
    data.org_review = org_review
    data.reviews_loaded = True
    return data


def _members_with_facts(*, cell: Organization, year: int, ids: list[int], in_cell: bool = True) -> list[Member]:
    """The grid's members — those of `cell` (unless `in_cell=False`) and `ids` — with their facts.

    On PostgreSQL one fixed statement (`_MEMBERS_SQL`): building and compiling the annotated
    queryset below cost twice what running it does (4.9 against 1.5 ms for a cell of 55). The
    queryset is the definition, the fallback elsewhere, and the reference a test holds the
    statement to (tests/reviews/test_grid_members_sql.py)."""
    if connection.vendor != "postgresql":  # pragma: no cover - `make run` on SQLite
        which = (Q(cell=cell) if in_cell else Q(pk__in=[])) | Q(pk__in=ids)
        return list(members_with_facts_queryset(which, cell, year))
    params = {
        "year": year,
        "cell": cell.pk,
        "in_cell": in_cell,
        "ids": list(ids),
        "kinds": list(LEADER_KINDS),
        "today": timezone.localdate(),
        "first": dt.date(year, 1, 1),
        "last": dt.date(year, 12, 31),
    }
    return list(Member.objects.raw(_members_sql(), params))


def members_with_facts_queryset(which: Q, cell: Organization, year: int):
    """The grid's members with their facts as subqueries of one read: open shortcomings, commitment
    state, leadership of this cell today, and whether any discipline or exemption record counts for the
    year (the records themselves are read only for those members). Every subquery follows an index on
    the member (or the user), so the read costs what the cell costs."""
    from commitments.models import Commitment

    member = OuterRef("pk")
    shortcomings = (
        open_shortcomings(year).filter(member=member).order_by().values("member").annotate(n=Count("id")).values("n")
    )
    return (
        Member.objects.filter(which)
        .annotate(
            open_shortcomings=Coalesce(Subquery(shortcomings), 0),
            commitment_state=Subquery(Commitment.objects.filter(member=member, year=year).values("status")[:1]),
            is_leader=Exists(leader_positions(cell).filter(user_id=OuterRef("user_id"))),
            has_discipline=Exists(DisciplineRecord.objects.filter(member=member, counts_for_year=year)),
            has_exemption=Exists(ExemptionRecord.objects.filter(overlaps_year(year), member=member)),
        )
        .order_by("sort_key", "id")
    )


@functools.cache
def _members_sql() -> str:
    """`members_with_facts_queryset` as one statement: open shortcomings = `facts.open_shortcomings`,
    leader = `facts.leader_positions` (posts open today), exemption = `rule_facts.overlaps_year`."""
    from commitments.models import Commitment

    from ..models import RemediationItem

    t = {
        model.__name__: connection.ops.quote_name(model._meta.db_table)
        for model in (Member, RemediationItem, Commitment, Position, DisciplineRecord, ExemptionRecord)
    }
    return f"""
        SELECT m.*,
          COALESCE((SELECT count(*) FROM {t["RemediationItem"]} ri WHERE ri.member_id = m.id
                    AND ri.remedied_on IS NULL AND ri.year_found < %(year)s), 0) AS open_shortcomings,
          (SELECT c.status FROM {t["Commitment"]} c WHERE c.member_id = m.id AND c.year = %(year)s
           LIMIT 1) AS commitment_state,
          EXISTS (SELECT 1 FROM {t["Position"]} p WHERE p.user_id = m.user_id AND p.organization_id = %(cell)s
                  AND p.kind = ANY(%(kinds)s) AND p.valid_from <= %(today)s
                  AND (p.valid_to IS NULL OR p.valid_to >= %(today)s)) AS is_leader,
          EXISTS (SELECT 1 FROM {t["DisciplineRecord"]} d WHERE d.member_id = m.id
                  AND d.counts_for_year = %(year)s) AS has_discipline,
          EXISTS (SELECT 1 FROM {t["ExemptionRecord"]} e WHERE e.member_id = m.id AND e.valid_from <= %(last)s
                  AND (e.valid_to IS NULL OR e.valid_to >= %(first)s)) AS has_exemption
        FROM {t["Member"]} m
        WHERE (%(in_cell)s AND m.cell_id = %(cell)s) OR m.id = ANY(%(ids)s)
        ORDER BY m.sort_key, m.id"""
