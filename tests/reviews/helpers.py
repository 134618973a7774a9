"""Service-level helpers: propose a cell's grades directly through the services (no HTTP)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from organizations.models import Member
from reviews import services
from reviews.models import GradingRegime
from reviews.services import GridInput

SCORES = {"EXCELLENT": Decimal("95"), "GOOD": Decimal("80"), "COMPLETED": Decimal("60"), "NOT_COMPLETED": Decimal("40")}


def cycle_2026(tree, regime: str = "QD366-2025"):
    """The 2026 review cycle of the test province, with the deadlines the tests' dates assume."""
    return services.cycle_create(
        organization=tree.province,
        year=2026,
        regime=GradingRegime.objects.get(code=regime),
        self_assessment_deadline=dt.date(2026, 12, 10),
        meeting_deadline=dt.date(2026, 12, 20),
        decision_deadline=dt.date(2027, 1, 15),
    )


def members_of(cell):
    return list(Member.objects.filter(cell=cell).order_by("pk"))


def propose(cell, cycle, user=None, default="GOOD", per=None, members=None):
    """Record the collective review and submit every member of `cell` (grade per member or default)."""
    services.collective_record(cell=cell, cycle=cycle, note="Tập thể chi bộ hoàn thành tốt", user=user)
    inputs = {}
    for m in members if members is not None else members_of(cell):
        grade = (per or {}).get(m.pk, default)
        inputs[m.pk] = GridInput(grade=grade, score=SCORES.get(grade))
    from tests.minutes import record_minutes  # issue 12: the meeting (minutes with votes) comes first

    record_minutes(cell, cycle, {pk: i.grade for pk, i in inputs.items()})
    return services.grid_save(cell=cell, cycle=cycle, inputs=inputs, submit=True, user=user)
