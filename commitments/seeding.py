"""Demo/benchmark data for commitments: a cycle per province and year, commitments in real states.

Registered as a seed_demo hook (core.apps); streams rows with COPY (core.bulk).
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from core.bulk import bulk_copy
from organizations.models import ACTIVE_STATUSES, Member, Organization
from organizations.seeding import SeedResult

from .models import Commitment, CommitmentCycle, CommitmentStatus

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# Shares of active members per state in a year whose deadline has passed; the rest never filed.
STATES = [CommitmentStatus.ACKNOWLEDGED, CommitmentStatus.SUBMITTED, CommitmentStatus.RETURNED, CommitmentStatus.DRAFT]


def commitment_cycle_ensure(*, organization: Organization, year: int) -> CommitmentCycle:
    cycle, _ = CommitmentCycle.objects.get_or_create(
        organization=organization,
        year=year,
        defaults={"opens_on": dt.date(year, 1, 5), "deadline": dt.date(year, 2, 28)},
    )
    return cycle


def _commitments(cycle: CommitmentCycle, members, rng: random.Random, weights: list[int], skip_cells: set[int]):
    for member_id, cell_id in members:
        if cell_id in skip_cells or rng.random() < 0.02:
            continue
        state = rng.choices(STATES, weights)[0]
        late = rng.random() < 0.05
        day = cycle.deadline + dt.timedelta(days=rng.randint(1, 20) if late else -rng.randint(0, 40))
        submitted = dt.datetime.combine(day, dt.time(rng.randint(7, 20), rng.randint(0, 59)), tzinfo=TZ)
        row = {"member_id": member_id, "year": cycle.year, "cycle_id": cycle.id, "status": state}
        if state != CommitmentStatus.DRAFT:
            row["submitted_at"] = row["first_submitted_at"] = submitted
        if state == CommitmentStatus.ACKNOWLEDGED:
            row["acknowledged_at"] = submitted + dt.timedelta(days=rng.randint(1, 25))
        yield row


def seed_commitments(result: SeedResult) -> None:
    rng = random.Random(result.seed * 104729 + 2)
    for province in result.provinces:
        members = list(
            Member.objects.filter(cell__path__startswith=province.path, status__in=ACTIVE_STATUSES)
            .order_by("id")
            .values_list("id", "cell_id")
        )
        for year, weights, skip in (
            (result.year - 1, [97, 2, 0, 1], set()),
            (result.year, [90, 5, 2, 3], result.demo_cell_ids),  # demo cells start the year empty
        ):
            cycle = commitment_cycle_ensure(organization=result.cycle_owner(province), year=year)
            bulk_copy(Commitment, _commitments(cycle, members, rng, weights, skip), trusted_keys=True)
