import datetime as dt

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from organizations import selectors, services
from organizations.models import Member, Membership, Organization, OrgKind
from tests.factories import MemberFactory, make_org

pytestmark = pytest.mark.django_db


def test_subtree_queries_follow_irregular_depth(tree):
    names = set(Organization.objects.get_descendants(tree.commune).values_list("name", flat=True))
    assert names == {"Đảng bộ Trường THPT An Hòa", "Chi bộ Tổ 1", "Chi bộ Tổ 2"}
    assert tree.cell.depth == 4 and tree.gcell.depth == 3
    assert list(selectors.cells_in(org=tree.province).order_by("name").values_list("name", flat=True)) == [
        "Chi bộ Thôn Đông",
        "Chi bộ Tổ 1",
        "Chi bộ Tổ 2",
    ]
    assert Organization.objects.find_problems() == ([], [], [], [], [])


def test_grassroots_is_derived(tree):
    assert tree.cell.grassroots() == tree.committee
    assert tree.gcell.grassroots() == tree.gcell
    assert tree.commune.grassroots() is None


def test_move_subtree_keeps_members_in_scope_queries(tree):
    MemberFactory(cell=tree.cell)
    Organization.objects.move(
        Organization.objects.get(pk=tree.committee.pk), Organization.objects.get(pk=tree.commune2.pk), "last-child"
    )
    moved = Organization.objects.get(pk=tree.cell.pk)
    commune2 = Organization.objects.get(pk=tree.commune2.pk)
    assert moved.path.startswith(commune2.path)
    assert selectors.organization_member_total(org=commune2) == 1
    assert selectors.organization_member_total(org=Organization.objects.get(pk=tree.commune.pk)) == 0
    assert Organization.objects.find_problems() == ([], [], [], [], [])


def test_dated_validity(tree):
    closed = make_org(
        "Chi bộ cũ", OrgKind.CELL, tree.committee, valid_from=dt.date(2010, 1, 1), valid_to=dt.date(2025, 6, 30)
    )
    closed.predecessors.clear()
    new = make_org("Chi bộ mới", OrgKind.CELL, tree.committee, valid_from=dt.date(2025, 7, 1))
    new.predecessors.add(closed)
    on_2024 = set(Organization.objects.valid_on(dt.date(2024, 12, 31)).values_list("name", flat=True))
    on_2025 = set(Organization.objects.valid_on(dt.date(2025, 12, 31)).values_list("name", flat=True))
    assert "Chi bộ cũ" in on_2024 and "Chi bộ mới" not in on_2024
    assert "Chi bộ mới" in on_2025 and "Chi bộ cũ" not in on_2025
    assert list(closed.successors.all()) == [new]


# --- bad input: each refused by the database and by a form, with a Vietnamese message -------------


def test_cell_with_children_refused(tree):
    with pytest.raises(ValidationError) as err:
        make_org("Tổ đảng", OrgKind.CELL, tree.cell)
    assert "Chi bộ không thể có tổ chức trực thuộc." in str(err.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=tree.cell.pk).update(numchild=1)


def test_inverted_date_range_refused(tree):
    with pytest.raises(ValidationError) as err:
        make_org("Chi bộ X", OrgKind.CELL, tree.committee, valid_from=dt.date(2025, 7, 1), valid_to=dt.date(2025, 1, 1))
    assert "Ngày hết hiệu lực phải sau hoặc bằng ngày bắt đầu hiệu lực." in str(err.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=tree.cell.pk).update(
            valid_from=dt.date(2025, 7, 1), valid_to=dt.date(2025, 1, 1)
        )


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["full_name", "date_of_birth", "sex", "admitted_on", "status", "party_card_number", "cell"]


def test_duplicate_party_card_refused(tree):
    MemberFactory(cell=tree.cell, party_card_number="0012345678")
    data = {
        "full_name": "Nguyễn Văn Ba",
        "date_of_birth": "01/02/1980",
        "sex": "M",
        "admitted_on": "03/02/2010",
        "status": "FULL",
        "party_card_number": "0012345678",
        "cell": tree.cell.pk,
    }
    form = MemberForm(data=data)
    assert not form.is_valid()
    assert "Số thẻ đảng viên này đã được dùng cho một đảng viên khác." in str(form.errors)
    assert form["full_name"].value() == "Nguyễn Văn Ba"  # what was typed is kept
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(
            full_name="X Y",
            date_of_birth=dt.date(1980, 1, 1),
            sex="M",
            admitted_on=dt.date(2010, 1, 1),
            party_card_number="0012345678",
        )


def test_membership_in_two_cells_refused(tree):
    member = MemberFactory(cell=tree.cell)
    second = Membership(member=member, cell=tree.cell2, valid_from=dt.date(2024, 1, 1))
    with pytest.raises(ValidationError) as err:
        second.full_clean()
    assert "Đảng viên không thể sinh hoạt chính thức ở hai chi bộ cùng lúc." in str(err.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_transfer_keeps_history(tree):
    member = MemberFactory(cell=tree.cell)
    services.member_transfer(member=member, to_cell=tree.gcell, on=dt.date(2026, 3, 1))
    member.refresh_from_db()
    assert member.cell == tree.gcell
    rows = list(member.memberships.order_by("valid_from").values_list("cell__name", "valid_to"))
    assert rows == [("Chi bộ Tổ 1", dt.date(2026, 2, 28)), ("Chi bộ Thôn Đông", None)]


def test_members_only_in_cells(tree):
    with pytest.raises(ValidationError) as err:
        MemberFactory(cell=tree.committee)
    assert "Đảng viên chỉ sinh hoạt ở chi bộ." in str(err.value)


def test_member_writes_tell_the_rollups_which_cells_changed(tree, monkeypatch):
    from core import events

    seen = []
    monkeypatch.setattr(events, "CELLS_CHANGED", [lambda ids, year: seen.append(ids)])
    member = MemberFactory(cell=tree.cell)
    services.member_transfer(member=member, to_cell=tree.gcell, on=dt.date(2026, 3, 1))
    assert seen == [{tree.cell.id}, {tree.cell.id, tree.gcell.id}]
