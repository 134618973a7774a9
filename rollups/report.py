"""The statutory report's extra tables (REFERENCE 7.1, HD 43 layout as reconstructed there):

* Table B by blocks — grassroots organisations (đảng bộ cơ sở, chi bộ cơ sở) and cells /
  sub-committees under grassroots committees — with total, graded, not graded and each level;
* Table C — leadership collectives (committees by level) and leaders / managers (members holding a
  leadership post during the year) at each level;
* the figures of the narrative summary.

Table A reads the roll-ups (`OrgRollup`, incl. `members_probationary`). The blocks and Table C
need the organisation kind and the leadership posts, which the roll-ups do not keep: each is one
aggregate query over the subtree, so the export runs a fixed number of queries whatever its size.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, FilteredRelation, Q
from django.db.models.functions import Substr

from organizations.models import Organization, OrgKind, Position, PositionKind
from reviews.models import MemberReview

from . import definitions as d

GRASSROOTS = "GRASSROOTS"
SUBORDINATE = "SUBORDINATE"
BLOCKS = (GRASSROOTS, SUBORDINATE)
BLOCK_KINDS = {
    OrgKind.GRASSROOTS_COMMITTEE: GRASSROOTS,
    OrgKind.GRASSROOTS_CELL: GRASSROOTS,
    OrgKind.CELL: SUBORDINATE,
    OrgKind.SUB_COMMITTEE: SUBORDINATE,
}
COLLECTIVE_KINDS = (
    OrgKind.PROVINCE,
    OrgKind.DISTRICT,
    OrgKind.COMMUNE,
    OrgKind.GRASSROOTS_COMMITTEE,
    OrgKind.SUB_COMMITTEE,
)
LEADER_POSITION_KINDS = (
    PositionKind.STANDING_COMMITTEE,
    PositionKind.COMMITTEE_MEMBER,
    PositionKind.CELL_SECRETARY,
    PositionKind.CELL_DEPUTY,
)


@dataclass
class Counts:
    """Total, graded and the count at each level of one group of organisations or people."""

    total: int = 0
    grades: dict[str, int] = field(default_factory=lambda: dict.fromkeys(d.GRADES, 0))

    def add(self, grade: str, n: int) -> None:
        self.total += n
        if grade in self.grades:
            self.grades[grade] += n

    @property
    def graded(self) -> int:
        return sum(self.grades.values())

    @property
    def not_graded(self) -> int:
        return self.total - self.graded

    def share(self, grade: str) -> float | None:
        return round(100.0 * self.grades[grade] / self.graded, 1) if self.graded else None


def _stage_grade(stage: str, proposed: str | None, decided: str | None) -> str:
    return d.stage_grade(stage, proposed or "", decided or "")


def org_blocks(org: Organization, children: list[Organization], year: int, stage: str) -> dict:
    """{child_id | "total": {block: Counts}} over the subtree's organisations valid on 31/12 (1 query).

    A child's row counts the organisations below it (as the roll-ups' `orgs`); the total counts
    every organisation below `org`, the children included.
    """
    out: dict = defaultdict(lambda: {b: Counts() for b in BLOCKS})
    prefix_len = (org.depth + 1) * org.steplen
    by_path = {c.path: c.pk for c in children}
    rows = (
        Organization.objects.valid_on(d.year_end(year))
        .filter(path__startswith=org.path, depth__gt=org.depth, kind__in=list(BLOCK_KINDS))
        .annotate(rv=FilteredRelation("org_reviews", condition=Q(org_reviews__year=year)))
        .annotate(prefix=Substr("path", 1, prefix_len))
        .values("prefix", "depth", "kind", "rv__proposed_grade", "rv__decided_grade")
        .annotate(n=Count("id"))
    )
    for row in rows:
        block = BLOCK_KINDS[row["kind"]]
        grade = _stage_grade(stage, row["rv__proposed_grade"], row["rv__decided_grade"])
        out["total"][block].add(grade, row["n"])
        child = by_path.get(row["prefix"])
        if child is not None and row["depth"] > org.depth + 1:
            out[child][block].add(grade, row["n"])
    return out


def collectives(org: Organization, year: int, stage: str) -> dict[str, Counts]:
    """Table C, collectives: the subtree's party committees by level (the node itself included)."""
    out = {k: Counts() for k in COLLECTIVE_KINDS}
    rows = (
        Organization.objects.valid_on(d.year_end(year))
        .filter(path__startswith=org.path, kind__in=COLLECTIVE_KINDS)
        .annotate(rv=FilteredRelation("org_reviews", condition=Q(org_reviews__year=year)))
        .values("kind", "rv__proposed_grade", "rv__decided_grade")
        .annotate(n=Count("id"))
    )
    for row in rows:
        out[row["kind"]].add(_stage_grade(stage, row["rv__proposed_grade"], row["rv__decided_grade"]), row["n"])
    return out


def leaders(org: Organization, year: int, stage: str) -> tuple[dict[str, Counts], Counts]:
    """Table C, individuals: members who held a leadership post in the subtree during the year,
    by post (a person with two posts counts in both rows, once in the total). Two queries."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    positions = Position.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=first),
        valid_from__lte=last,
        organization__path__startswith=org.path,
        kind__in=LEADER_POSITION_KINDS,
        user__member__isnull=False,
    )
    reviews = {
        member_id: (status, proposed, decided)
        for member_id, status, proposed, decided in MemberReview.objects.filter(
            year=year, member__user__in=positions.values("user_id")
        ).values_list("member_id", "status", "proposed_grade", "decided_grade")
    }
    by_kind = {k: Counts() for k in LEADER_POSITION_KINDS}
    total, seen = Counts(), set()
    for kind, member_id in positions.values_list("kind", "user__member__id").distinct():
        status, proposed, decided = reviews.get(member_id, ("", "", ""))
        grade = _stage_grade(stage, proposed, decided) if d.in_stage(stage, status) else ""
        by_kind[kind].add(grade, 1)
        if member_id not in seen:
            seen.add(member_id)
            total.add(grade, 1)
    return by_kind, total


def removal_candidates(org: Organization, year: int) -> int:
    """Members flagged for two consecutive years NOT_COMPLETED (REFERENCE 2.4.3) in the subtree."""
    return MemberReview.objects.filter(year=year, cell__path__startswith=org.path, consider_removal=True).count()
