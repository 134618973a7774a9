"""Demo/benchmark data for reviews: last year fully decided, this year in progress cell by cell.

Registered as a seed_demo hook (core.apps). Streams rows with COPY (core.bulk) so that a
million-member province seeds in well under a minute.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.utils import timezone

from core.audited import insert_initial_history
from core.bulk import bulk_copy
from organizations.models import Member, MemberStatus, Organization, OrgKind
from organizations.seeding import SeedResult

from .models import Grade, GradingRegime, MemberReview, NotGradedReason, OrgReview, ReviewCycle, ReviewStatus

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
GRADES = [Grade.EXCELLENT, Grade.GOOD, Grade.COMPLETED, Grade.NOT_COMPLETED]
GRADE_WEIGHTS = [10, 68, 19, 3]
SCORE_RANGES = {
    Grade.EXCELLENT: (90, 98),
    Grade.GOOD: (70, 89),
    Grade.COMPLETED: (50, 69),
    Grade.NOT_COMPLETED: (30, 49),
}
# Phases of a cell in the running year: nothing yet, self-assessments in, proposal sent, decided.
PHASES = ["NONE", "SELF", "PROPOSED", "DECIDED"]
PHASE_WEIGHTS = [25, 30, 20, 25]


def review_cycle_ensure(*, organization: Organization, year: int) -> ReviewCycle:
    cycle, _ = ReviewCycle.objects.get_or_create(
        organization=organization,
        year=year,
        defaults={
            "regime": GradingRegime.objects.for_year(year),
            "self_assessment_deadline": dt.date(year, 12, 10),
            "meeting_deadline": dt.date(year, 12, 25),
            "decision_deadline": dt.date(year + 1, 1, 15),
        },
    )
    return cycle


def _not_graded(status: str, admitted: dt.date, year: int) -> str:
    if status == MemberStatus.EXEMPT:
        return NotGradedReason.EXEMPT
    if status == MemberStatus.SUSPENDED:
        return NotGradedReason.SUSPENDED
    if admitted > dt.date(year, 6, 30):
        return NotGradedReason.NEW_MEMBER
    return ""


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(7, 17), rng.randint(0, 59)), tzinfo=TZ)


class _YearSeeder:
    def __init__(self, *, cycle: ReviewCycle, rng: random.Random, finished: bool, skip_cells: set[int]):
        self.cycle, self.rng, self.finished, self.skip = cycle, rng, finished, skip_cells
        self.scores = cycle.regime.kind == "SCORE_100"
        self.now = timezone.now()
        self.org_reviews: list[dict] = []

    def _stamp(self, deadline: dt.date, late_share: float) -> dt.datetime:
        if not self.finished:
            return self.now - dt.timedelta(days=self.rng.randint(1, 20), minutes=self.rng.randint(0, 600))
        shift = self.rng.randint(1, 12) if self.rng.random() < late_share else -self.rng.randint(0, 9)
        return _at(deadline + dt.timedelta(days=shift), self.rng)

    def reviews(self, members_by_cell: dict[int, list[tuple]]):
        year, rng = self.cycle.year, self.rng
        for cell_id, members in members_by_cell.items():
            if cell_id in self.skip:
                continue
            phase = "DECIDED" if self.finished else rng.choices(PHASES, PHASE_WEIGHTS)[0]
            if phase == "NONE":
                continue
            submitted = self._stamp(self.cycle.meeting_deadline, 0.06)
            decided = self._stamp(self.cycle.decision_deadline, 0.04)
            self._org_review(cell_id, phase, submitted, decided)
            for member_id, status, admitted in members:
                if phase == "SELF" and rng.random() < 0.25:
                    continue  # not written yet
                yield self._review(member_id, cell_id, status, admitted, phase, submitted, decided, year)

    def _review(self, member_id, cell_id, status, admitted, phase, submitted, decided, year) -> dict:
        rng = self.rng
        reason = _not_graded(status, admitted, year)
        grade = "" if reason else rng.choices(GRADES, GRADE_WEIGHTS)[0]
        score = rng.randint(*SCORE_RANGES[grade]) if grade and self.scores else None
        mask = 0
        if grade and rng.random() < (0.5 if grade == Grade.NOT_COMPLETED else 0.04):
            mask = 1 << rng.randrange(27)
        review = {
            "member_id": member_id,
            "year": year,
            "cycle_id": self.cycle.id,
            "cell_id": cell_id,
            "self_grade": grade,
            "self_score": score,
            "not_graded_reason": reason,
            "flagged_mask": mask,
            "self_submitted_at": submitted - dt.timedelta(days=3),
            "status": ReviewStatus.SELF_SUBMITTED,
        }
        if phase in ("PROPOSED", "DECIDED"):
            review.update(proposed_grade=grade, proposed_score=score, status=ReviewStatus.PROPOSED)
        if phase == "DECIDED":
            review.update(decided_grade=grade, decided_at=decided, status=ReviewStatus.DECIDED)
        return review

    def _org_review(self, cell_id: int, phase: str, submitted, decided) -> None:
        org_review = {
            "organization_id": cell_id,
            "year": self.cycle.year,
            "cycle_id": self.cycle.id,
            "status": ReviewStatus.DRAFT,
            "collective_recorded_at": submitted - dt.timedelta(days=5),
        }
        if phase in ("PROPOSED", "DECIDED"):
            org_review.update(members_submitted_at=submitted, status=ReviewStatus.PROPOSED)
        if phase == "DECIDED":
            org_review.update(members_decided_at=decided, status=ReviewStatus.DECIDED, decided_at=decided)
            org_review["decided_grade"] = self.rng.choices(GRADES[:3], [15, 70, 15])[0]
        self.org_reviews.append(org_review)


def _members_by_cell(province: Organization) -> dict[int, list[tuple]]:
    grouped: dict[int, list[tuple]] = {}
    rows = Member.objects.filter(cell__path__startswith=province.path).order_by("cell_id", "id")
    for member_id, cell_id, status, admitted in rows.values_list("id", "cell_id", "status", "admitted_on").iterator(
        chunk_size=20000
    ):
        if status != MemberStatus.LEFT:
            grouped.setdefault(cell_id, []).append((member_id, status, admitted))
    return grouped


def seed_reviews(result: SeedResult) -> None:
    """Reviews for last year (all decided) and this year (in progress) in every seeded province."""
    rng = random.Random(result.seed * 7919 + 1)
    for province in result.provinces:
        members = _members_by_cell(province)
        for year, finished in ((result.year - 1, True), (result.year, False)):
            cycle = review_cycle_ensure(organization=result.cycle_owner(province), year=year)
            skip = set() if finished else result.demo_cell_ids
            seeder = _YearSeeder(cycle=cycle, rng=rng, finished=finished, skip_cells=skip)
            bulk_copy(MemberReview, seeder.reviews(members), trusted_keys=True)
            if finished:
                seeder.org_reviews.extend(_grassroots_reviews(province, cycle, rng))
            bulk_copy(OrgReview, seeder.org_reviews, trusted_keys=True)
            for model in (MemberReview, OrgReview):
                seed_initial_history(model=model, cycle=cycle)


SEED_REASON = "Dữ liệu mẫu"


def seed_initial_history(*, model, cycle: ReviewCycle) -> int:
    """The "+" history row of every seeded row of the cycle that has none (COPY bypasses the
    signals). Without it the first change shows every field as "— → value", credited to its author."""
    return insert_initial_history(model, where="t.cycle_id = %s", params=[cycle.id], reason=SEED_REASON)


def _grassroots_reviews(province: Organization, cycle: ReviewCycle, rng: random.Random):
    """Grassroots committees and sub-committees graded by their superior (finished years only)."""
    kinds = (OrgKind.GRASSROOTS_COMMITTEE, OrgKind.SUB_COMMITTEE)
    for org_id in Organization.objects.filter(path__startswith=province.path, kind__in=kinds).values_list(
        "id", flat=True
    ):
        decided = _at(cycle.decision_deadline - dt.timedelta(days=rng.randint(0, 10)), rng)
        yield {
            "organization_id": org_id,
            "year": cycle.year,
            "cycle_id": cycle.id,
            "status": ReviewStatus.DECIDED,
            "decided_grade": rng.choices(GRADES[:3], [15, 70, 15])[0],
            "decided_at": decided,
            "collective_recorded_at": decided - dt.timedelta(days=20),
        }
