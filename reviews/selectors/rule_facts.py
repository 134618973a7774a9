"""Reads of the recorded facts the rules check (issue 10): exemption / suspension decisions,
official conclusions, organisation discipline, leadership during the year, subordinate units still
undecided, previous years' grades. Each function is a fixed number of queries whatever the size.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection
from django.db.models import Q

from organizations.models import CELL_KINDS, Member, Organization, Position, PositionKind

from ..models import (
    DisciplineRecord,
    ExemptionRecord,
    Grade,
    ManifestationConclusion,
    MemberReview,
    OrgDisciplineRecord,
    OrgReview,
    ReviewStatus,
)
from ..rules import OrgFacts, Policy, org_is_too_new

LEADERSHIP_KINDS = (
    PositionKind.CELL_SECRETARY,
    PositionKind.CELL_DEPUTY,
    PositionKind.COMMITTEE_MEMBER,
    PositionKind.STANDING_COMMITTEE,
)


def overlaps_year(year: int, prefix: str = "") -> Q:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return Q(**{f"{prefix}valid_from__lte": last}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": first})
    )


def _leadership_positions(org: Organization, year: int):
    return Position.objects.filter(overlaps_year(year), organization=org, kind__in=LEADERSHIP_KINDS)


def leadership_user_ids(org: Organization, year: int) -> set[int]:
    """Everyone who held a leadership post in the organisation at any time in the year — a leader
    removed from post during the year still counts for that year's grade."""
    return set(_leadership_positions(org, year).values_list("user_id", flat=True))


def leadership_discipline(org: Organization, year: int) -> list[str]:
    """Discipline in the year of the year's leadership members (one query)."""
    users = _leadership_positions(org, year).values("user_id")
    return list(
        DisciplineRecord.objects.filter(member__user_id__in=users, counts_for_year=year).values_list("kind", flat=True)
    )


def member_exemptions(member_ids, year: int) -> dict[int, list[tuple]]:
    out: dict[int, list[tuple]] = defaultdict(list)
    for record in ExemptionRecord.objects.filter(overlaps_year(year), member_id__in=list(member_ids)):
        out[record.member_id].append(record.as_fact())
    return out


def concluded_member_ids(member_ids, year: int) -> set[int]:
    return set(
        ManifestationConclusion.objects.filter(member_id__in=list(member_ids), year=year).values_list(
            "member_id", flat=True
        )
    )


def _children(org: Organization, year: int) -> list[Organization]:
    if org.is_cell:
        return []
    day = dt.date(year, 12, 31)
    return list(
        Organization.objects.valid_on(day).filter(path__startswith=org.path, depth=org.depth + 1).order_by("path")
    )


def org_extra_facts(org: Organization, year: int, *, policy: Policy, cutoff: dt.date) -> dict:
    """The organisation facts added by issue 10 and its year's leaders' discipline, as keyword
    arguments for rules.OrgFacts (a cell: one statement)."""
    children = _children(org, year)
    child_ids = [c.pk for c in children]
    own_kinds, leaders_disciplined, concluded = _own_and_leadership_facts(org, year)
    disciplined_children = (
        set(
            OrgDisciplineRecord.objects.filter(organization_id__in=child_ids, counts_for_year=year).values_list(
                "organization_id", flat=True
            )
        )
        if child_ids
        else set()
    )
    reviews = (
        {r.organization_id: r for r in OrgReview.objects.filter(organization_id__in=child_ids, year=year)}
        if child_ids
        else {}
    )
    pending = sum(1 for child in children if _child_pending(child, reviews.get(child.pk), policy, cutoff))
    facts = {
        "disciplined": own_kinds,
        "leadership_discipline": leaders_disciplined,
        "subunit_count": len(children),
        "disciplined_subunits": len(disciplined_children),
        "pending_subunits": pending,
        "leadership_concluded": concluded,
        "established_on": org.valid_from,
        "has_predecessors": False,
        "cutoff": cutoff,
    }
    if org_is_too_new(policy, OrgFacts(grade="", is_cell=org.is_cell, established_on=org.valid_from, cutoff=cutoff)):
        facts["has_predecessors"] = org.predecessors.exists()  # only asked when the date alone says "new"
    return facts


def _own_and_leadership_facts(org: Organization, year: int) -> tuple[list[str], list[str], int]:
    """(the organisation's own discipline kinds, its year's leaders' discipline kinds, the number of
    official conclusions on those leaders) — asked by a grid GET and every save. On PostgreSQL one
    fixed statement (compiling the three querysets cost more than running them); the querysets are
    the definition, and the fallback elsewhere."""
    if connection.vendor == "postgresql":
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        params = {"org": org.pk, "year": year, "kinds": list(LEADERSHIP_KINDS), "first": first, "last": last}
        with connection.cursor() as cursor:
            cursor.execute(_OWN_AND_LEADERSHIP_SQL, params)
            own_kinds, kinds, count = cursor.fetchone()
        return list(own_kinds), list(kinds), count
    leaders = _leadership_positions(org, year).values("user_id")  # pragma: no cover - `make run` on SQLite
    own = OrgDisciplineRecord.objects.filter(organization_id=org.pk, counts_for_year=year)
    return (
        sorted(set(own.values_list("kind", flat=True))),
        list(
            DisciplineRecord.objects.filter(member__user_id__in=leaders, counts_for_year=year).values_list(
                "kind", flat=True
            )
        ),
        ManifestationConclusion.objects.filter(member__user_id__in=leaders, year=year).count(),
    )


def _sql(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# The querysets above as one statement: leaders = `_leadership_positions` (posts overlapping the year).
_OWN_AND_LEADERSHIP_SQL = f"""
WITH leaders AS (
    SELECT user_id FROM {_sql(Position)}
    WHERE organization_id = %(org)s AND kind = ANY(%(kinds)s)
      AND valid_from <= %(last)s AND (valid_to IS NULL OR valid_to >= %(first)s)
)
SELECT
    ARRAY(SELECT DISTINCT kind FROM {_sql(OrgDisciplineRecord)}
          WHERE organization_id = %(org)s AND counts_for_year = %(year)s ORDER BY kind),
    ARRAY(SELECT d.kind FROM {_sql(DisciplineRecord)} d JOIN {_sql(Member)} m ON m.id = d.member_id
          WHERE d.counts_for_year = %(year)s AND m.user_id IN (SELECT user_id FROM leaders)),
    (SELECT count(*) FROM {_sql(ManifestationConclusion)} c JOIN {_sql(Member)} m ON m.id = c.member_id
     WHERE c.year = %(year)s AND m.user_id IN (SELECT user_id FROM leaders))
"""


def _child_pending(child: Organization, review: OrgReview | None, policy: Policy, cutoff: dt.date) -> bool:
    """A subordinate unit is still open when its own grade (and, for a cell, its members' grades) is
    not decided — unless it is not graded at all (too new, or a recorded reason)."""
    if review is not None and review.not_graded_reason:
        return False
    if org_is_too_new(
        policy, OrgFacts(grade="", is_cell=child.is_cell, established_on=child.valid_from, cutoff=cutoff)
    ):
        return False
    if review is None or not review.decided_grade:
        return True
    return child.kind in CELL_KINDS and review.members_decided_at is None


def previous_decided_grades(member_ids, year: int, years: int) -> dict[int, dict[int, str]]:
    """{member_id: {year: decided grade}} for the `years` years up to `year` (decided reviews only)."""
    out: dict[int, dict[int, str]] = defaultdict(dict)
    rows = MemberReview.objects.filter(
        member_id__in=list(member_ids), year__gt=year - years, year__lte=year, status=ReviewStatus.DECIDED
    ).values_list("member_id", "year", "decided_grade")
    for member_id, y, grade in rows:
        out[member_id][y] = grade
    return out


def org_quota_grades(decider: Organization, orgs: list[Organization], year: int, *, exclude_id: int) -> list[str]:
    """Decided grades of the other organisations the same body grades (for the organisations' quota)."""
    return [
        g
        for g in OrgReview.objects.filter(organization__in=orgs, year=year)
        .exclude(organization_id=exclude_id)
        .exclude(decided_grade="")
        .values_list("decided_grade", flat=True)
        if g in Grade.values
    ]
