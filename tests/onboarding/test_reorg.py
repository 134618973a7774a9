"""The 2025 reorganisation: merge two communes, remove the district level; past years unchanged."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from onboarding.models import Reorganisation, ReorgKind
from onboarding.selectors import import_scope_for
from onboarding.services import reorg
from organizations import selectors, services
from organizations.models import Member, Membership, Organization, OrgKind, Position, PositionKind
from tests.factories import MemberFactory, UserFactory, make_org

pytestmark = pytest.mark.django_db
JULY = dt.date(2025, 7, 1)
END_2024, END_2025 = dt.date(2024, 12, 31), dt.date(2025, 12, 31)


@pytest.fixture
def old_tree(db):
    """Province → district → communes A, B, E (each with one village cell), as in 2024."""
    since = dt.date(2000, 1, 1)
    p = make_org("Đảng bộ tỉnh Hà Nam", OrgKind.PROVINCE, code="T-HN", valid_from=since)
    d = make_org("Đảng bộ huyện Kim Bảng", OrgKind.DISTRICT, p, code="H-KB", valid_from=since)
    t = SimpleNamespace(province=p, district=d)
    for key, n in (("a", 3), ("b", 2), ("e", 4)):
        commune = make_org(f"Đảng bộ xã {key.upper()}", OrgKind.COMMUNE, d, code=f"X-{key.upper()}", valid_from=since)
        cell = make_org(
            f"Chi bộ thôn {key.upper()}1", OrgKind.GRASSROOTS_CELL, commune, code=f"CB-{key.upper()}1", valid_from=since
        )
        setattr(t, key, commune)
        setattr(t, f"{key}1", cell)
        setattr(t, f"{key}_members", [MemberFactory(cell=cell) for _ in range(n)])
    t.secretary = UserFactory(username="bithu_a1")
    services.position_assign(user=t.secretary, organization=t.a1, kind=PositionKind.CELL_SECRETARY, valid_from=since)
    return t


def tree_on(day, root):
    """(code-without-suffix, name) → member count for the tree valid on `day` — what a dashboard shows."""
    counts = selectors.member_counts_on(day=day, within=root)
    orgs = selectors.organizations_valid_on(day=day, within=root)
    return {o.name: counts[o.pk] for o in orgs}


def reorganise_2025(t, user=None):
    reorg.organization_merge(
        sources=[t.a, t.b], parent=t.province, name="Đảng bộ xã An Bình", code="X-AB", on=JULY, user=user
    )
    reorg.organization_remove_level(org=Organization.objects.get(pk=t.district.pk), on=JULY, user=user)


def test_merge_and_remove_district_keep_2024_and_show_new_tree_in_2025(old_tree):
    t = old_tree
    before_2024 = tree_on(END_2024, t.province)
    assert before_2024["Đảng bộ huyện Kim Bảng"] == 9 and before_2024["Đảng bộ xã A"] == 3

    reorganise_2025(t)

    assert Organization.objects.find_problems() == ([], [], [], [], [])  # bulk-built paths are sound
    assert tree_on(END_2024, t.province) == before_2024  # the 2024 dashboard is unchanged
    after = tree_on(END_2025, t.province)
    assert after == {
        "Đảng bộ tỉnh Hà Nam": 9,
        "Đảng bộ xã An Bình": 5,
        "Chi bộ thôn A1": 3,
        "Chi bộ thôn B1": 2,
        "Đảng bộ xã E": 4,
        "Chi bộ thôn E1": 4,
    }
    # Old nodes ended the day before; new ones start on 1/7/2025, linked to their predecessors.
    district = Organization.objects.get(pk=t.district.pk)
    assert district.valid_to == dt.date(2025, 6, 30) and district.code == "H-KB~20250630"
    merged = Organization.objects.get(code="X-AB")
    assert set(merged.predecessors.all()) == {t.a, t.b}
    assert Organization.objects.get_parent(merged) == t.province
    new_e = Organization.objects.get(code="X-E")  # the code travels to the successor
    assert new_e.valid_from == JULY and list(new_e.predecessors.all()) == [t.e]
    assert Organization.objects.get_parent(new_e) == t.province
    # Members moved with dated transfers.
    member = Member.objects.get(pk=t.a_members[0].pk)
    new_a1 = Organization.objects.get(code="CB-A1")
    assert member.cell == new_a1 and Organization.objects.get_parent(new_a1) == merged
    periods = list(Membership.objects.filter(member=member).order_by("valid_from").values_list("cell_id", "valid_to"))
    assert periods == [(t.a1.pk, dt.date(2025, 6, 30)), (new_a1.pk, None)]
    # The secretary keeps her scope on the successor cell.
    assert Position.objects.get(user=t.secretary, valid_to__isnull=True).organization == new_a1
    # Audited.
    kinds = list(Reorganisation.objects.order_by("id").values_list("kind", "members_moved"))
    assert kinds == [(ReorgKind.MERGE, 5), (ReorgKind.REMOVE_LEVEL, 4)]
    assert Member.history.filter(id=member.pk).count() == 2


def test_preview_changes_nothing_and_matches_apply(old_tree):
    t = old_tree
    kwargs = {"sources": [t.a, t.b], "parent": t.province, "name": "Đảng bộ xã An Bình", "code": "X-AB", "on": JULY}
    preview = reorg.reorganisation_preview(kind=ReorgKind.MERGE, **kwargs)
    assert preview["members_moved"] == 5
    assert ["X-AB", "Đảng bộ xã An Bình", "Đảng bộ tỉnh Hà Nam"] in preview["created"]
    assert {row[0] for row in preview["ended"]} == {"X-A~20250630", "X-B~20250630", "CB-A1~20250630", "CB-B1~20250630"}
    assert not Organization.objects.filter(code="X-AB").exists()
    assert not Reorganisation.objects.exists()
    assert Organization.objects.get(pk=t.a.pk).valid_to is None
    record = reorg.organization_merge(**kwargs)
    assert record.summary["members_moved"] == preview["members_moved"]


def test_split_cell_by_members_and_move_and_close(old_tree):
    t = old_tree
    first, second = t.e_members[:2], t.e_members[2:]
    record = reorg.organization_split(
        source=t.e1,
        parts=[("Chi bộ thôn E1 Bắc", "CB-E1B"), ("Chi bộ thôn E1 Nam", "CB-E1N")],
        assignments={m.pk: 1 for m in second},
        on=JULY,
    )
    assert record.members_moved == 4
    north, south = Organization.objects.get(code="CB-E1B"), Organization.objects.get(code="CB-E1N")
    assert set(Member.objects.filter(cell=north)) == set(first)
    assert set(Member.objects.filter(cell=south)) == set(second)

    reorg.organization_move(org=north, new_parent=t.b, on=dt.date(2025, 9, 1))
    moved = Organization.objects.get(code="CB-E1B")
    assert Organization.objects.get_parent(moved) == t.b and moved.valid_from == dt.date(2025, 9, 1)
    assert Member.objects.filter(cell=moved).count() == 2

    with pytest.raises(ValidationError, match="chi bộ tiếp nhận"):
        reorg.organization_close(org=south, on=dt.date(2025, 10, 1))
    reorg.organization_close(org=south, on=dt.date(2025, 10, 1), transfer_to=t.a1)
    assert Member.objects.filter(cell=t.a1).count() == 5
    assert Organization.objects.get(pk=south.pk).valid_to == dt.date(2025, 9, 30)
    assert Organization.objects.find_problems() == ([], [], [], [], [])


def test_reorganisation_date_must_follow_start(old_tree):
    t = old_tree
    reorg.organization_merge(sources=[t.a, t.b], parent=t.province, name="X AB", code="X-AB", on=JULY)
    merged = Organization.objects.get(code="X-AB")
    with pytest.raises(ValidationError, match="không còn hiệu lực"):
        reorg.organization_move(org=merged, new_parent=t.district, on=dt.date(2025, 6, 1))
    # The same day is fine: a node created that day is simply moved (it has no past to keep).
    reorg.organization_move(org=merged, new_parent=t.district, on=JULY)
    moved = Organization.objects.get(code="X-AB")
    assert moved.pk == merged.pk and Organization.objects.get_parent(moved) == t.district


def test_commune_scope_cannot_reorganise_other_commune(cast):
    scope = import_scope_for(cast.committee.user)
    with pytest.raises(PermissionDenied):
        reorg.organization_close(org=cast.tree.gcell, on=dt.date(2025, 7, 1), scope=scope)


def test_same_day_chain_district_removal_commune_merge_then_province_merge(old_tree):
    """1/7/2025 for real: districts go, communes merge, provinces merge — all on the same day."""
    t = old_tree
    other = make_org("Đảng bộ tỉnh Nam Định", OrgKind.PROVINCE, code="T-ND", valid_from=dt.date(2000, 1, 1))
    other_cell = make_org(
        "Chi bộ phường Cửa Bắc", OrgKind.GRASSROOTS_CELL, other, code="CB-CB", valid_from=dt.date(2000, 1, 1)
    )
    MemberFactory(cell=other_cell)
    before = tree_on(END_2024, t.province)

    reorg.organization_remove_level(org=t.district, on=JULY)
    a2, b2 = Organization.objects.get(code="X-A"), Organization.objects.get(code="X-B")
    assert a2.valid_from == JULY
    reorg.organization_merge(
        sources=[a2, b2],
        parent=Organization.objects.get(pk=t.province.pk),
        name="Đảng bộ xã An Bình",
        code="X-AB",
        on=JULY,
    )
    assert not Organization.objects.filter(pk__in=[a2.pk, b2.pk]).exists()  # replaced the same day
    merged = Organization.objects.get(code="X-AB")
    assert set(merged.predecessors.all()) == {t.a, t.b}  # the real 2024 communes
    reorg.organization_merge(
        sources=[Organization.objects.get(pk=t.province.pk), other],
        parent=None,
        name="Đảng bộ tỉnh Ninh Bình",
        code="T-NB",
        on=JULY,
    )

    assert Organization.objects.find_problems() == ([], [], [], [], [])
    assert tree_on(END_2024, t.province) == before
    new_root = Organization.objects.get(code="T-NB")
    after = tree_on(END_2025, new_root)
    assert after["Đảng bộ tỉnh Ninh Bình"] == 10
    assert after["Đảng bộ xã An Bình"] == 5 and after["Đảng bộ xã E"] == 4 and after["Chi bộ phường Cửa Bắc"] == 1
    assert Organization.objects.get_parent(Organization.objects.get(code="X-AB")) == new_root
    member = Member.objects.get(pk=t.a_members[0].pk)
    periods = list(Membership.objects.filter(member=member).order_by("valid_from").values_list("valid_to", flat=True))
    assert periods == [dt.date(2025, 6, 30), None]  # one dated transfer, however many steps that day
    assert Organization.objects.filter(valid_to__lt=JULY, valid_from=JULY).count() == 0
