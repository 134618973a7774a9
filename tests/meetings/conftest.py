"""The standing cast plus a 2026 cycle, and a residence cell in another commune with its secretary."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from organizations.models import OrgKind, PositionKind
from organizations.services import position_assign
from tests.factories import MemberFactory, UserFactory, make_org
from tests.reviews.helpers import cycle_2026


@pytest.fixture
def cycle(tree):
    return cycle_2026(tree)


@pytest.fixture
def residence(cast):
    """Chi bộ Khu phố 3 under Đảng bộ xã Minh Quang (another commune) and its secretary `bithukp`."""
    cell = make_org("Chi bộ Khu phố 3", OrgKind.GRASSROOTS_CELL, cast.tree.commune2)
    user = UserFactory(username="bithukp", email="bithukp@example.vn")
    MemberFactory(cell=cell, user=user, full_name="Đỗ Văn Phố")
    position_assign(user=user, organization=cell, kind=PositionKind.CELL_SECRETARY, valid_from=dt.date(2020, 1, 1))
    return SimpleNamespace(cell=cell, user=user)
