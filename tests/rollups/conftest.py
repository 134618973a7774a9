"""Roll-up fixtures: cycles for this year and last on the standing tree, and a random change maker."""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace

import pytest
from django.utils import timezone

from commitments.models import Commitment, CommitmentStatus
from commitments.seeding import commitment_cycle_ensure
from organizations.models import Member, MemberStatus
from reviews.models import Grade, GradingRegime, MemberReview, NotGradedReason, OrgReview, ReviewStatus
from reviews.regimes import REGIMES
from reviews.seeding import review_cycle_ensure
from tests.factories import MemberFactory

GRADES = [*Grade.values, ""]
REASONS = [*NotGradedReason.values, ""]


@pytest.fixture
def years():
    this = timezone.localdate().year
    return SimpleNamespace(this=this, last=this - 1)


@pytest.fixture
def cycles(tree, years):
    # Transactional tests flush the data migrations' rows; put the regimes back when missing.
    for regime in REGIMES:
        GradingRegime.objects.get_or_create(
            code=regime["code"], defaults={k: v for k, v in regime.items() if k != "code"}
        )
    return {
        y: SimpleNamespace(
            review=review_cycle_ensure(organization=tree.province, year=y),
            commitment=commitment_cycle_ensure(organization=tree.province, year=y),
        )
        for y in (years.this, years.last)
    }


@pytest.fixture
def populated(cast, cycles, years):
    """A few members per cell with reviews and commitments in both years."""
    tree = cast.tree
    for cell in (tree.cell, tree.cell2, tree.gcell):
        for _ in range(3):
            MemberFactory(cell=cell)
    rng = random.Random(7)
    changer = Changer(rng, cycles)
    for member in Member.objects.all():
        for year in (years.this, years.last):
            changer.review(member, year)
            changer.commitment(member, year)
    for cell in (tree.cell, tree.cell2, tree.gcell, tree.committee):
        for year in (years.this, years.last):
            changer.org_review(cell, year)
    return SimpleNamespace(cast=cast, tree=tree, changer=changer, years=years)


class Changer:
    """Random writes of the rows roll-ups count; returns the cells each change touched."""

    def __init__(self, rng: random.Random, cycles: dict):
        self.rng, self.cycles = rng, cycles

    def _stamp(self, year: int) -> dt.datetime:
        day = dt.date(year, 12, 1) + dt.timedelta(days=self.rng.randint(0, 60))
        return dt.datetime.combine(day, dt.time(self.rng.randint(0, 23), 30), tzinfo=dt.UTC)

    def review(self, member: Member, year: int) -> set[int]:
        rng = self.rng
        status = rng.choice(ReviewStatus.values)
        grade = rng.choice(GRADES)
        fields = {
            "cycle": self.cycles[year].review,
            "cell_id": member.cell_id,
            "status": status,
            "self_grade": rng.choice(GRADES),
            "proposed_grade": grade if rng.random() < 0.8 else "",
            "decided_grade": grade if status == ReviewStatus.DECIDED else "",
            "not_graded_reason": "" if grade else rng.choice(REASONS),
            "flagged_mask": rng.choice([0, 0, 1, 1 << 26, 5, rng.getrandbits(27)]),
            "decided_at": self._stamp(year) if status == ReviewStatus.DECIDED else None,
        }
        old = MemberReview.objects.filter(member=member, year=year).values_list("cell_id", flat=True).first()
        MemberReview.objects.update_or_create(member=member, year=year, defaults=fields)
        return {member.cell_id} | ({old} if old else set())

    def commitment(self, member: Member, year: int) -> set[int]:
        status = self.rng.choice(CommitmentStatus.values)
        submitted = self._stamp(year) - dt.timedelta(days=300) if status != CommitmentStatus.DRAFT else None
        if submitted and self.rng.random() < 0.3:
            submitted = submitted + dt.timedelta(days=120)
        Commitment.objects.update_or_create(
            member=member,
            year=year,
            defaults={
                "cycle": self.cycles[year].commitment,
                "status": status,
                "submitted_at": submitted,
                "acknowledged_at": submitted if status == CommitmentStatus.ACKNOWLEDGED else None,
            },
        )
        return {member.cell_id}

    def org_review(self, org, year: int) -> set[int]:
        rng = self.rng
        submitted = self._stamp(year) if rng.random() < 0.7 else None
        OrgReview.objects.update_or_create(
            organization=org,
            year=year,
            defaults={
                "cycle": self.cycles[year].review,
                "status": rng.choice(ReviewStatus.values),
                "members_submitted_at": submitted,
                "members_decided_at": submitted if submitted and rng.random() < 0.5 else None,
                "proposed_grade": rng.choice(GRADES),
                "decided_grade": rng.choice(GRADES),
            },
        )
        return {org.id}

    def member_status(self, member: Member) -> set[int]:
        member.status = self.rng.choice(MemberStatus.values)
        member.save(update_fields=["status"])
        return {member.cell_id}

    def any(self, orgs: list, year: int) -> set[int]:
        """One random change among all kinds."""
        members = list(Member.objects.all())
        kind = self.rng.choice(["review", "review", "commitment", "org", "status"])
        if kind == "review":
            return self.review(self.rng.choice(members), year)
        if kind == "commitment":
            return self.commitment(self.rng.choice(members), year)
        if kind == "org":
            return self.org_review(self.rng.choice(orgs), year)
        return self.member_status(self.rng.choice(members))
