"""Reads for reviews: cycles, who decides, the grid's data (constant query count), quota counts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from organizations.models import CELL_KINDS, Member, Organization, OrgKind, Position, PositionKind
from organizations.selectors import positions_open_on, user_scope

from .models import (
    DisciplineRecord,
    Grade,
    MemberReview,
    OrgReview,
    QuotaOverride,
    RemediationItem,
    ReviewCycle,
    ReviewStatus,
)
from .rules import MemberRow, Policy

DECIDER_KINDS = frozenset({PositionKind.STANDING_COMMITTEE})
DISCIPLINE_KINDS = frozenset({PositionKind.STANDING_COMMITTEE, PositionKind.INSPECTION})
LEADER_KINDS = (PositionKind.CELL_SECRETARY, PositionKind.CELL_DEPUTY, PositionKind.COMMITTEE_MEMBER)


def policy_of(cycle: ReviewCycle) -> Policy:
    return Policy(kind=cycle.regime.kind, params=cycle.regime.params or {})


def _root_path(org: Organization) -> str:
    return org.path[: org.steplen]


def current_cycle(org: Organization, *, today: dt.date | None = None) -> ReviewCycle | None:
    """The newest cycle of the org's top organisation that has started (year ≤ this year)."""
    year = (today or timezone.localdate()).year
    return (
        ReviewCycle.objects.select_related("regime")
        .filter(organization__path=_root_path(org), year__lte=year)
        .order_by("-year")
        .first()
    )


def cycle_for_year(org: Organization, year: int) -> ReviewCycle | None:
    return ReviewCycle.objects.select_related("regime").filter(organization__path=_root_path(org), year=year).first()


def grading_date(cycle: ReviewCycle) -> dt.date:
    """The cut-off "admitted / established < 6 months" counts to (REFERENCE 3.4; regime parameter)."""
    from .rules import grading_cutoff

    return grading_cutoff(
        policy_of(cycle),
        year=cycle.year,
        meeting_deadline=cycle.meeting_deadline,
        decision_deadline=cycle.decision_deadline,
    )


# --- Who decides (REFERENCE 3.1) ------------------------------------------------------------------


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


def cell_get_for_secretary(*, user, pk: int, act: bool = False) -> Organization:
    """The cell a user may read (or, with act=True, edit: secretary/deputy/committee covering it)."""
    cell = Organization.objects.filter(pk=pk, kind__in=CELL_KINDS).first()
    if cell is None or not user_scope(user).covers(cell.path):
        raise Http404
    return cell


def decider_get_for_user(*, user, pk: int) -> Organization:
    org = Organization.objects.filter(pk=pk).first()
    if org is None or not user_scope(user).covers(org.path):
        raise Http404
    return org


def review_get_for_user(*, user, pk: int) -> MemberReview:
    review = MemberReview.objects.select_related("member", "cell", "cycle__regime", "decided_by").filter(pk=pk).first()
    if review is None:
        raise Http404
    scope = user_scope(user)
    if scope.member_id == review.member_id or scope.covers(review.cell.path):
        return review
    raise Http404


# --- Quota ----------------------------------------------------------------------------------------


def quota_grades(*, grassroots: Organization, year: int, exclude_cell_id: int | None = None) -> list[str]:
    """Effective grades (decided, else proposed) of submitted reviews across the grassroots org (1 query)."""
    rows = (
        MemberReview.objects.filter(
            cell__path__startswith=grassroots.path,
            year=year,
            status__in=[ReviewStatus.PROPOSED, ReviewStatus.DECIDED],
        )
        .exclude(cell_id=exclude_cell_id)
        .values("status", "proposed_grade", "decided_grade")
        .annotate(n=Count("id"))
    )
    grades: list[str] = []
    for row in rows:
        grade = row["decided_grade"] if row["status"] == ReviewStatus.DECIDED else row["proposed_grade"]
        if grade:
            grades += [grade] * row["n"]
    return grades


def quota_override_max(*, grassroots: Organization, year: int) -> int | None:
    return (
        QuotaOverride.objects.filter(grassroots=grassroots, year=year).values_list("max_excellent", flat=True).first()
    )


# --- The grid -------------------------------------------------------------------------------------


@dataclass
class GridRow:
    member: Member
    review: MemberReview | None
    is_leader: bool = False
    discipline: list[DisciplineRecord] = field(default_factory=list)
    open_shortcomings: int = 0
    commitment_status: str = ""
    cell_id: int = 0

    @property
    def commitment_label(self) -> str:
        """The commitment's state as the secretary reads it ("Đã nộp"), never the stored code."""
        from commitments.models import CommitmentStatus

        if self.commitment_status in CommitmentStatus.values:
            return CommitmentStatus(self.commitment_status).label
        return ""

    @property
    def elsewhere(self) -> bool:
        """Reviewed (proposed or decided) in another cell this year: read-only here."""
        r = self.review
        return bool(r and r.cell_id != self.cell_id and r.status in (ReviewStatus.PROPOSED, ReviewStatus.DECIDED))

    def rule_row(self, **typed) -> MemberRow:
        r = self.review
        base = {
            "grade": r.proposed_grade if r else "",
            "score": (r.proposed_score if r.proposed_score is not None else r.self_score) if r else None,
            "not_graded_reason": r.not_graded_reason if r else "",
            "not_graded_note": r.not_graded_note if r else "",
            "sick_leave_months": r.sick_leave_months if r else None,
            "civil_service_grade": r.civil_service_grade if r else "",
            "concluded_manifestation": r.concluded_manifestation if r else False,
        }
        base.update(typed)
        return MemberRow(
            key=self.member.pk,
            name=self.member.full_name,
            member_status=self.member.status,
            admitted_on=self.member.admitted_on,
            discipline=[(d.kind, d.self_remedied) for d in self.discipline],
            open_shortcomings=self.open_shortcomings,
            **base,
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

    @property
    def policy(self) -> Policy:
        return policy_of(self.cycle)

    @property
    def own_rows(self) -> list[GridRow]:
        return [row for row in self.rows if not row.elsewhere]


def leader_user_ids(org: Organization) -> set[int]:
    return set(
        Position.objects.filter(
            positions_open_on(timezone.localdate()), organization=org, kind__in=LEADER_KINDS
        ).values_list("user_id", flat=True)
    )


def grid_load(*, cell: Organization, cycle: ReviewCycle) -> GridData:
    """Everything the grid shows, in a fixed number of queries whatever the cell size."""
    year = cycle.year
    # A member transferred in keeps the review begun elsewhere; it moves here on save unless that
    # cell already proposed it (then the row is shown read-only, "reviewed in another cell").
    reviews = {
        r.member_id: r
        for r in MemberReview.objects.filter(Q(cell=cell) | Q(member__cell=cell), year=year).select_related("cell")
    }
    here = [mid for mid, r in reviews.items() if r.cell_id == cell.pk]
    members = list(Member.objects.filter(Q(cell=cell) | Q(pk__in=here)).order_by("sort_key", "id"))
    ids = [m.pk for m in members]
    discipline = defaultdict(list)
    for d in DisciplineRecord.objects.filter(member_id__in=ids, counts_for_year=year):
        discipline[d.member_id].append(d)
    open_items = dict(
        RemediationItem.objects.filter(member_id__in=ids, remedied_on__isnull=True, year_found__lt=year)
        .values("member_id")
        .annotate(n=Count("id"))
        .values_list("member_id", "n")
    )
    leaders = leader_user_ids(cell)
    commitments = _commitment_statuses(ids, year)
    rows = [
        GridRow(
            member=m,
            review=reviews.get(m.pk),
            is_leader=m.user_id in leaders,
            discipline=discipline.get(m.pk, []),
            open_shortcomings=open_items.get(m.pk, 0),
            commitment_status=commitments.get(m.pk, ""),
            cell_id=cell.pk,
        )
        for m in members
    ]
    rows.sort(key=lambda r: not r.is_leader)  # leaders review first; stable keeps name order
    grassroots = cell.grassroots() or cell
    return GridData(
        cell=cell,
        cycle=cycle,
        rows=rows,
        org_review=OrgReview.objects.filter(organization=cell, year=year).first(),
        grassroots=grassroots,
        other_grades=quota_grades(grassroots=grassroots, year=year, exclude_cell_id=cell.pk),
        override_max=quota_override_max(grassroots=grassroots, year=year),
    )


def _commitment_statuses(member_ids: list[int], year: int) -> dict[int, str]:
    """Tolerant read of the commitments contract (the app may be absent or empty)."""
    try:
        from commitments.models import Commitment
    except ImportError:  # pragma: no cover
        return {}
    return dict(Commitment.objects.filter(member_id__in=member_ids, year=year).values_list("member_id", "status"))


# --- Decisions ------------------------------------------------------------------------------------


def cells_decided_by(decider: Organization, year: int) -> list[tuple[Organization, OrgReview | None]]:
    """Cells whose members this body decides, with their org review for the year (if any)."""
    if decider.kind == OrgKind.GRASSROOTS_CELL:
        cells = [decider]
    elif decider.kind == OrgKind.GRASSROOTS_COMMITTEE:
        cells = list(Organization.objects.filter(path__startswith=decider.path, kind=OrgKind.CELL).order_by("path"))
    else:
        return []
    reviews = {o.organization_id: o for o in OrgReview.objects.filter(organization__in=cells, year=year)}
    return [(cell, reviews.get(cell.pk)) for cell in cells]


def orgs_graded_by(decider: Organization, year: int) -> list[tuple[Organization, OrgReview | None]]:
    """Organisations whose own grade this body decides (REFERENCE section 4)."""
    if decider.kind == OrgKind.GRASSROOTS_COMMITTEE:
        q = Q(path__startswith=decider.path, kind__in=[OrgKind.CELL, OrgKind.SUB_COMMITTEE])
    else:
        q = Q(path__startswith=decider.path, depth=decider.depth + 1)
    orgs = list(Organization.objects.filter(q).exclude(pk=decider.pk).order_by("path"))
    reviews = {o.organization_id: o for o in OrgReview.objects.filter(organization__in=orgs, year=year)}
    return [(org, reviews.get(org.pk)) for org in orgs]


def reviews_of_cell(cell: Organization, year: int) -> list[MemberReview]:
    return list(MemberReview.objects.filter(cell=cell, year=year).select_related("member").order_by("member__sort_key"))


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


def leadership_discipline(org: Organization, year: int) -> list[str]:
    users = leader_user_ids(org) | set(
        Position.objects.filter(
            positions_open_on(timezone.localdate()), organization=org, kind=PositionKind.STANDING_COMMITTEE
        ).values_list("user_id", flat=True)
    )
    return list(
        DisciplineRecord.objects.filter(member__user_id__in=users, counts_for_year=year).values_list("kind", flat=True)
    )


def member_grade_history(member: Member) -> list[MemberReview]:
    return list(MemberReview.objects.filter(member=member).order_by("-year"))


def open_remediation(member: Member, year: int) -> list[RemediationItem]:
    """Shortcomings from earlier years not yet remedied (shown in next year's commitment and review)."""
    return list(RemediationItem.objects.filter(member=member, remedied_on__isnull=True, year_found__lt=year))


GRADE_CHOICES = [("", "—"), *Grade.choices]


def cells_in_ids(org: Organization) -> list[int]:
    if org.is_cell:
        return [org.pk]
    return list(
        Organization.objects.filter(path__startswith=org.path, kind__in=CELL_KINDS).values_list("id", flat=True)
    )


def review_violations(review: MemberReview) -> list[str]:
    """Rules the review's current grade breaks now (e.g. a discipline record entered after the decision)."""
    from .rules import member_violations

    row = GridRow(
        member=review.member,
        review=review,
        discipline=list(DisciplineRecord.objects.filter(member=review.member, counts_for_year=review.year)),
        open_shortcomings=RemediationItem.objects.filter(
            member=review.member, remedied_on__isnull=True, year_found__lt=review.year
        ).count(),
        cell_id=review.cell_id,
    )
    grade = review.decided_grade if review.status == ReviewStatus.DECIDED else review.proposed_grade
    rule_row = row.rule_row(grade=grade)
    return [
        v.message
        for v in member_violations(
            policy_of(review.cycle), rule_row, grading_date=grading_date(review.cycle), complete=False
        )
    ]


def implied_not_graded_reason(member: Member, policy: Policy, day: dt.date) -> str:
    """Exempt / suspended members and members admitted less than 6 months ago are not graded."""
    from .models import NotGradedReason
    from .rules import add_months

    if member.status in (NotGradedReason.EXEMPT, NotGradedReason.SUSPENDED):
        return member.status
    if add_months(member.admitted_on, policy.get("new_member_months", 6)) > day:
        return NotGradedReason.NEW_MEMBER
    return ""
