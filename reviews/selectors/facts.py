"""Fact gathering for the rule engine: everything `rules.MemberRow` and `rules.OrgFacts` are built from.

One module so new rules extend the facts in one place: a member's row (typed values over the stored
review, status, admission, discipline, conclusions, open shortcomings), an organisation's facts
(member or subunit grades, leadership discipline), and the quota counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import connections
from django.db.models import Count
from django.utils import timezone

from core.db_router import read_alias
from organizations.models import CELL_KINDS, Member, Organization, Position
from organizations.selectors import positions_open_on

from ..models import (
    DisciplineRecord,
    MemberReview,
    NotGradedReason,
    OrgReview,
    QuotaOverride,
    RemediationItem,
    ReviewStatus,
)
from ..rules import MemberRow, OrgFacts, Policy, add_months, member_violations
from . import rule_facts
from .authority import LEADER_KINDS
from .cycles import cycle_for_year, grading_date, policy_of

SUBMITTED = (ReviewStatus.PROPOSED, ReviewStatus.DECIDED)


# --- One member ------------------------------------------------------------------------------------


def member_row(
    *,
    member: Member,
    review: MemberReview | None,
    discipline: Sequence[DisciplineRecord] = (),
    open_shortcomings: int = 0,
    exemptions: Sequence[tuple] = (),
    **typed,
) -> MemberRow:
    """The rule engine's view of a member: stored review values, overridden by what was typed."""
    r = review
    base = {
        "grade": r.proposed_grade if r else "",
        "score": (r.proposed_score if r.proposed_score is not None else r.self_score) if r else None,
        "not_graded_reason": r.not_graded_reason if r else "",
        "not_graded_note": r.not_graded_note if r else "",
        "sick_leave_months": r.sick_leave_months if r else None,
        "civil_service_grade": r.civil_service_grade if r else "",
        "concluded_manifestation": r.concluded_manifestation if r else False,
        "other_approved": bool(r and r.other_approved_by_id),
    }
    base.update(typed)
    return MemberRow(
        key=member.pk,
        name=member.full_name,
        member_status=member.status,
        admitted_on=member.admitted_on,
        discipline=[(d.kind, d.self_remedied) for d in discipline],
        open_shortcomings=open_shortcomings,
        exemptions=tuple(exemptions),
        **base,
    )


def member_discipline(member: Member, year: int) -> list[DisciplineRecord]:
    return list(DisciplineRecord.objects.filter(member=member, counts_for_year=year))


def open_shortcomings(year: int):
    """Shortcomings found in earlier years and not yet remedied (a member's open remediation items)."""
    return RemediationItem.objects.filter(remedied_on__isnull=True, year_found__lt=year)


def member_open_shortcomings(member: Member, year: int) -> int:
    return open_shortcomings(year).filter(member=member).count()


def review_violations(review: MemberReview, *, grade: str | None = None) -> list[str]:
    """Rules the review's current (or the given) grade breaks now, e.g. after a later discipline record."""
    if grade is None:
        grade = review.decided_grade if review.status == ReviewStatus.DECIDED else review.proposed_grade
    row = member_row(
        member=review.member,
        review=review,
        discipline=member_discipline(review.member, review.year),
        open_shortcomings=member_open_shortcomings(review.member, review.year),
        exemptions=rule_facts.member_exemptions([review.member_id], review.year).get(review.member_id, ()),
        grade=grade,
    )
    found = member_violations(
        policy_of(review.cycle), row, grading_date=grading_date(review.cycle), complete=False, year=review.year
    )
    return [v.message for v in found]


def implied_not_graded_reason(member: Member, policy: Policy, day: dt.date) -> str:
    """Exempt / suspended members and members admitted less than 6 months ago are not graded."""
    if member.status in (NotGradedReason.EXEMPT, NotGradedReason.SUSPENDED):
        return member.status
    if add_months(member.admitted_on, policy.get("new_member_months", 6)) > day:
        return NotGradedReason.NEW_MEMBER
    return ""


# --- Organisations ---------------------------------------------------------------------------------


def leader_positions(org: Organization):
    """The organisation's leaders today: its secretary, deputy and committee members in post."""
    return Position.objects.filter(positions_open_on(timezone.localdate()), organization=org, kind__in=LEADER_KINDS)


def leader_user_ids(org: Organization) -> set[int]:
    return set(leader_positions(org).values_list("user_id", flat=True))


def leadership_discipline(org: Organization, year: int) -> list[str]:
    """Discipline of everyone who held a leadership post in the year (issue 10: not only posts open today)."""
    return rule_facts.leadership_discipline(org, year)


def effective_member_grades(org: Organization, year: int) -> list[str]:
    """Grades of graded members of the org (decided if decided, else proposed)."""
    out = []
    for status, proposed, decided in MemberReview.objects.filter(
        cell__path__startswith=org.path, year=year, not_graded_reason=""
    ).values_list("status", "proposed_grade", "decided_grade"):
        grade = decided if status == ReviewStatus.DECIDED else proposed
        if grade:
            out.append(grade)
    return out


def subunit_grades(org: Organization, year: int) -> list[str]:
    rows = OrgReview.objects.filter(
        organization__path__startswith=org.path, organization__depth=org.depth + 1, year=year
    ).values_list("decided_grade", "proposed_grade")
    return [d or p for d, p in rows if d or p]


def org_facts(org: Organization, year: int, grade: str, score, *, cycle=None) -> OrgFacts:
    cycle = cycle or cycle_for_year(org, year)
    if cycle:  # the leaders' discipline comes with the issue 10 facts
        extra = rule_facts.org_extra_facts(org, year, policy=policy_of(cycle), cutoff=grading_date(cycle))
    else:
        extra = {"leadership_discipline": leadership_discipline(org, year)}
    return OrgFacts(
        grade=grade,
        is_cell=org.is_cell,
        member_grades=effective_member_grades(org, year) if org.is_cell else [],
        subunit_grades=[] if org.is_cell else subunit_grades(org, year),
        score=score,
        **extra,
    )


def cells_in_ids(org: Organization) -> list[int]:
    if org.is_cell:
        return [org.pk]
    return list(
        Organization.objects.filter(path__startswith=org.path, kind__in=CELL_KINDS).values_list("id", flat=True)
    )


# --- Quota -----------------------------------------------------------------------------------------


QUOTA_GRASSROOTS, QUOTA_GROUP = "GRASSROOTS_ORG", "COMPARABLE_GROUP"


def quota_scope(policy: Policy) -> str:
    return policy.get("quota", {}).get("scope", QUOTA_GRASSROOTS)


def quota_grades(
    *,
    grassroots: Organization,
    year: int,
    exclude_cell_id: int | None = None,
    group: str | None = None,
) -> list[str]:
    """Effective grades (decided, else proposed) of submitted reviews across the grassroots org (1 query).

    Reviews are counted where they are graded (`MemberReview.cell`): a transferred member counts once,
    in the grassroots organisation of the cell that holds his official membership. With the regime's
    quota scope COMPARABLE_GROUP, pass the cell's `quota_group` to count only comparable cells.
    """
    rows = MemberReview.objects.filter(cell__path__startswith=grassroots.path, year=year, status__in=SUBMITTED)
    if group is not None:
        rows = rows.filter(cell__quota_group=group)
    rows = (
        rows.exclude(cell_id=exclude_cell_id)
        .values("status", "proposed_grade", "decided_grade")
        .annotate(n=Count("id"))
    )
    grades: list[str] = []
    for row in rows:
        grade = row["decided_grade"] if row["status"] == ReviewStatus.DECIDED else row["proposed_grade"]
        if grade:
            grades += [grade] * row["n"]
    return grades


def quota_group_of(cell: Organization, policy: Policy) -> str | None:
    """The comparable group a cell's grades are counted in (None: the whole grassroots organisation)."""
    return cell.quota_group if quota_scope(policy) == QUOTA_GROUP else None


def quota_scope_name(cell: Organization, grassroots: Organization, policy: Policy) -> str:
    group = quota_group_of(cell, policy)
    if group is None:
        return grassroots.name
    return f"{grassroots.name} — {group or '…'}"


# Written as the partial indexes' own predicate (NOT … = ''), so each side reads only the year's
# handful of flagged rows (review_redecide, org_review_redecide), never the year's reviews; one
# join to the organisations for both sides plans faster than a count per table (0.24 against
# 0.34 ms at 1 M members, where planning is most of this count's cost).
_REDECISION_SQL = f"""(SELECT count(*) FROM (
        SELECT rd_m.cell_id AS org_id FROM {MemberReview._meta.db_table} rd_m
            WHERE rd_m.year = %(redecision_year)s AND NOT rd_m.redecide_reason = ''
        UNION ALL
        SELECT rd_o.organization_id FROM {OrgReview._meta.db_table} rd_o
            WHERE rd_o.year = %(redecision_year)s AND NOT rd_o.redecide_reason = ''
    ) rd JOIN {Organization._meta.db_table} rd_g ON rd_g.id = rd.org_id
    WHERE rd_g.path LIKE {{path}} || '%%')"""


def redecision_sql(*, year: int, path: str | None = None, path_column: str | None = None) -> tuple[str, dict]:
    """The one definition of "decided results needing re-decision in a subtree and year": a scalar SQL
    expression with its parameters, read by `redecision_total` and, inside its single statement, by
    the dashboards' loader (rollups.selectors.dashboard_load) — fixed text, nothing compiled per request.

    The subtree is `path` (bound as a parameter) or, inside a larger statement where the path is a
    column, `path_column` (trusted SQL such as "o.path"). Paths are treeBeard steps of [0-9A-Z],
    so they hold no LIKE wildcard to escape.
    """
    if (path is None) == (path_column is None):
        raise ValueError("redecision_sql: pass exactly one of path, path_column")
    params: dict = {"redecision_year": year}
    if path is not None:
        params["redecision_path"] = path
        path_column = "%(redecision_path)s"
    return _REDECISION_SQL.format(path=path_column), params


def redecision_total(org: Organization, year: int) -> int:
    """Decided results (members and organisations) in the subtree flagged "needs re-decision". 1 query."""
    sql, params = redecision_sql(year=year, path=org.path)
    with connections[read_alias()].cursor() as cursor:  # the replica inside dashboards, as the ORM
        cursor.execute(f"SELECT {sql}", params)
        return cursor.fetchone()[0]


def redecision_counts(org: Organization, year: int) -> dict[str, int]:
    """Decided results flagged "needs re-decision" in the subtree (members, organisations). 2 queries."""
    members = MemberReview.objects.filter(cell__path__startswith=org.path, year=year).exclude(redecide_reason="")
    orgs = OrgReview.objects.filter(organization__path__startswith=org.path, year=year).exclude(redecide_reason="")
    return {"members": members.count(), "orgs": orgs.count()}


def quota_override_max(*, grassroots: Organization, year: int) -> int | None:
    return (
        QuotaOverride.objects.filter(grassroots=grassroots, year=year).values_list("max_excellent", flat=True).first()
    )
