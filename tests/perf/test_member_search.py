"""Member search for committees: scoped, accent-insensitive by name, exact by card, constant queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
URL = reverse("organizations:member_search")


def _rows(response) -> list[str]:
    page = response.content.decode()
    return [chunk.split("</a>")[0].rsplit(">", 1)[-1] for chunk in page.split('data-testid="member-search-row"')[1:]]


def test_committee_finds_a_member_without_accents_inside_its_subtree_only(client, cast):
    MemberFactory(cell=cast.tree.cell, full_name="Nguyễn Văn Đức", party_card_number="0001234567")
    MemberFactory(cell=cast.tree.gcell, full_name="Nguyễn Văn Đông")  # another commune
    client.force_login(cast.committee.user)
    response = client.get(URL, {"q": "nguyen van duc"})
    assert response.status_code == 200
    assert _rows(response) == ["Nguyễn Văn Đức"]
    assert _rows(client.get(URL, {"q": "Nguyễn Văn Đ"})) == ["Nguyễn Văn Đức"]
    assert _rows(client.get(URL, {"q": "dong"})) == []  # outside the committee's subtree


def test_card_number_matches_exactly(client, cast):
    MemberFactory(cell=cast.tree.cell, full_name="Lê Thị Hoa", party_card_number="0001234567")
    MemberFactory(cell=cast.tree.cell, full_name="Lê Thị Huệ", party_card_number="0001234568")
    client.force_login(cast.province.user)
    assert _rows(client.get(URL, {"q": "0001234567"})) == ["Lê Thị Hoa"]
    assert _rows(client.get(URL, {"q": "000123456"})) == []


def test_members_without_a_position_get_404_and_short_queries_a_message(client, cast):
    client.force_login(cast.member.user)
    assert client.get(URL, {"q": "an"}).status_code == 404
    client.force_login(cast.province.user)
    page = client.get(URL, {"q": "a"}).content.decode()
    assert 'data-testid="member-search-error"' in page and 'value="a"' in page
    assert client.get(URL, {"q": "an", "trong": cast.tree.commune2.pk}).status_code == 200
    client.force_login(cast.committee.user)
    assert client.get(URL, {"q": "an", "trong": cast.tree.commune2.pk}).status_code == 404


def _search_queries(client, who, q) -> int:
    client.force_login(who.user)
    client.get(URL, {"q": q})  # warm session, scope and counter caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, {"q": q}).status_code == 200
    return len(ctx.captured_queries)


def test_search_queries_do_not_grow_with_matches(client, cast):
    for _ in range(2):
        MemberFactory(cell=cast.tree.cell, full_name="Trần Văn Tâm")
    few = _search_queries(client, cast.province, "tran van tam")
    for _ in range(38):
        MemberFactory(cell=cast.tree.cell2, full_name="Trần Văn Tâm")
    many = _search_queries(client, cast.province, "tran van tam")
    assert few == many <= 3


def test_admin_member_search_uses_the_same_search_with_constant_queries(client, cast, django_user_model):
    admin_user = django_user_model.objects.create_superuser("quantri", "qt@tusoi.local", "matkhau-2026")
    client.force_login(admin_user)
    url = reverse("admin:organizations_member_changelist")
    for _ in range(2):
        MemberFactory(cell=cast.tree.cell, full_name="Nguyễn Văn Nam")
    client.get(url, {"q": "nguyen van"})
    with CaptureQueriesContext(connection) as few:
        page = client.get(url, {"q": "nguyen van"}).content.decode()
    assert page.count('name="_selected_action"') == 2
    for _ in range(38):
        MemberFactory(cell=cast.tree.cell2, full_name="Nguyễn Văn Nam")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url, {"q": "nguyen van"}).content.decode()
    assert page.count('name="_selected_action"') == 40
    assert len(few.captured_queries) == len(many.captured_queries) <= 10
    assert not any("DISTINCT" in q["sql"] for q in many.captured_queries)


def test_admin_year_filters_read_no_big_table(client, cast, django_user_model):
    admin_user = django_user_model.objects.create_superuser("quantri", "qt@tusoi.local", "matkhau-2026")
    client.force_login(admin_user)
    for name in ("commitments_commitment", "rollups_orgrollup"):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(f"admin:{name}_changelist"), {"year": "2026"}).status_code == 200
        assert not any("DISTINCT" in q["sql"] for q in ctx.captured_queries), name
