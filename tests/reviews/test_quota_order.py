"""The EXCELLENT quota gives the same outcome whatever the order cells submit and are decided in."""

from __future__ import annotations

import itertools

import pytest

from organizations.models import Organization, OrgKind
from reviews import services
from reviews.models import MemberReview, OrgReview, ReviewStatus
from tests.factories import MemberFactory, make_org
from tests.reviews.helpers import members_of, propose

pytestmark = pytest.mark.django_db

ORDERS = list(itertools.permutations("ABC"))


def _cells(tree, sizes):
    cells = {}
    for name, (n, grade) in sizes.items():
        cell = make_org(f"Chi bộ {name}", OrgKind.CELL, tree.committee)
        for _ in range(n):
            MemberFactory(cell=cell)
        cells[name] = (cell, grade)
    return cells


def _run(cast, cycle, cells, order):
    """Every cell submits in `order` (never refused for the quota), then is decided in the same order."""
    warned = {}
    for name in order:
        cell, grade = cells[name]
        left = propose(cell, cycle, default=grade)
        warned[name] = any(v.code == "QUOTA" for v in left)
    outcome = {}
    for name in order:
        cell, _grade = cells[name]
        try:
            services.cell_decide(cell=cell, cycle=cycle, user=cast.committee.user)
            outcome[name] = "decided"
        except services.RulesRefused as exc:
            assert any(v.code == "QUOTA" for v in exc.violations)
            outcome[name] = "refused"
    return outcome, warned


@pytest.mark.parametrize("order", ORDERS, ids="".join)
def test_eight_excellent_over_forty_good_is_accepted_in_every_order(cast, cycle, order):
    cells = _cells(cast.tree, {"A": (8, "EXCELLENT"), "B": (20, "GOOD"), "C": (20, "GOOD")})
    outcome, warned = _run(cast, cycle, cells, order)
    assert outcome == {"A": "decided", "B": "decided", "C": "decided"}
    # a cell submitting 8 EXCELLENT before the GOOD cells sees a warning with the live total, never a refusal
    assert warned["A"] == (order.index("A") < 2)
    assert MemberReview.objects.filter(status=ReviewStatus.DECIDED, decided_grade="EXCELLENT").count() == 8


@pytest.mark.parametrize("order", ORDERS, ids="".join)
def test_nine_excellent_over_forty_good_refuses_only_the_excellent_cell_in_every_order(cast, cycle, order):
    cells = _cells(cast.tree, {"A": (9, "EXCELLENT"), "B": (20, "GOOD"), "C": (20, "GOOD")})
    outcome, _warned = _run(cast, cycle, cells, order)
    assert outcome == {"A": "refused", "B": "decided", "C": "decided"}
    assert OrgReview.objects.get(organization=cells["A"][0]).status == ReviewStatus.PROPOSED
    # the competent body may override with a recorded reason
    services.cell_decide(
        cell=cells["A"][0], cycle=cycle, override_reason="Đơn vị có thành tích đặc biệt", user=cast.committee.user
    )


def test_comparable_group_scope_counts_only_comparable_cells(cast, cycle):
    regime = cycle.regime
    regime.params = {**regime.params, "quota": {**regime.params["quota"], "scope": "COMPARABLE_GROUP"}}
    regime.save()
    cells = _cells(cast.tree, {"A": (2, "EXCELLENT"), "B": (5, "GOOD"), "C": (5, "GOOD")})
    Organization.objects.filter(pk__in=[cells["A"][0].pk, cells["B"][0].pk]).update(quota_group="Khối doanh nghiệp")
    Organization.objects.filter(pk=cells["C"][0].pk).update(quota_group="Khối cơ quan")
    for name in "ABC":
        cells[name] = (Organization.objects.get(pk=cells[name][0].pk), cells[name][1])
    outcome, _ = _run(cast, cycle, cells, "ABC")
    # 2 EXCELLENT against 5 GOOD in the same group (max 1); C's GOOD members do not count for A
    assert outcome == {"A": "refused", "B": "decided", "C": "decided"}


def test_grassroots_scope_counts_every_cell(cast, cycle):
    cells = _cells(cast.tree, {"A": (2, "EXCELLENT"), "B": (5, "GOOD"), "C": (5, "GOOD")})
    Organization.objects.filter(pk=cells["C"][0].pk).update(quota_group="Khối cơ quan")
    outcome, _ = _run(cast, cycle, cells, "ABC")
    assert outcome == {"A": "decided", "B": "decided", "C": "decided"}
    assert members_of(cells["A"][0])
