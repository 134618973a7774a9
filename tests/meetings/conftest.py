"""The standing cast plus a 2026 cycle, and a residence cell in another commune with its secretary."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from organizations.models import OrgKind, PositionKind
from organizations.services import position_assign
from reviews import services
from reviews.models import GradingRegime
from tests.factories import MemberFactory, UserFactory, make_org


@pytest.fixture
def cycle(tree):
    return services.cycle_create(
        organization=tree.province,
        year=2026,
        regime=GradingRegime.objects.get(code="QD366-2025"),
        self_assessment_deadline=dt.date(2026, 12, 10),
        meeting_deadline=dt.date(2026, 12, 20),
        decision_deadline=dt.date(2027, 1, 15),
    )


@pytest.fixture
def residence(cast):
    """Chi bộ Khu phố 3 under Đảng bộ xã Minh Quang (another commune) and its secretary `bithukp`."""
    cell = make_org("Chi bộ Khu phố 3", OrgKind.GRASSROOTS_CELL, cast.tree.commune2)
    user = UserFactory(username="bithukp", email="bithukp@example.vn")
    MemberFactory(cell=cell, user=user, full_name="Đỗ Văn Phố")
    position_assign(user=user, organization=cell, kind=PositionKind.CELL_SECRETARY, valid_from=dt.date(2020, 1, 1))
    return SimpleNamespace(cell=cell, user=user)
