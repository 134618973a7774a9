"""The province dashboard at the floor's cost: the re-decision count from one SQL text (reviews'
`redecision_sql`), read inside the loader's single statement, and the whole page body one cached
fragment whose key follows everything it shows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import OrgKind, PositionKind
from organizations.selectors import user_scope
from reviews.models import MemberReview, OrgReview
from reviews.selectors import redecision_sql, redecision_total
from rollups import selectors, services
from rollups.models import OrgRollup
from tests.factories import MemberFactory, make_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(populated):
    services.rollups_rebuild()
    return populated


def _flag_member(cell, year: int) -> None:
    review = MemberReview.objects.filter(cell=cell, year=year).order_by("pk").first()
    MemberReview.objects.filter(pk=review.pk).update(redecide_reason="Kỷ luật sau khi quyết định")


def _flag_org(org, year: int) -> None:
    OrgReview.objects.filter(organization=org, year=year).update(redecide_reason="Kết quả cấp dưới thay đổi")


def _queries(client, url, params=None) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_redecision_total_counts_a_flag_in_its_subtree_and_year_only(built):
    tree, this, last = built.tree, built.years.this, built.years.last
    _flag_member(tree.gcell, this)  # Minh Quang, this year: a member's result
    _flag_org(tree.committee, last)  # An Hòa, last year: an organisation's result
    assert redecision_total(tree.province, this) == 1
    assert redecision_total(tree.commune2, this) == 1
    assert redecision_total(tree.gcell, this) == 1
    assert redecision_total(tree.commune, this) == 0
    assert redecision_total(tree.commune2, last) == 0
    assert redecision_total(tree.province, last) == 1
    assert redecision_total(tree.commune, last) == 1
    assert redecision_total(tree.committee, last) == 1
    assert redecision_total(tree.cell, last) == 0  # the committee's own review is above the cell
    assert redecision_total(tree.province, this + 1) == 0


def test_redecision_sql_takes_exactly_one_subtree():
    with pytest.raises(ValueError):
        redecision_sql(year=2026)
    with pytest.raises(ValueError):
        redecision_sql(year=2026, path="0001", path_column="o.path")


@pytest.mark.parametrize("org_name", ["province", "commune", "commune2", "committee", "gcell"])
def test_loader_reads_the_same_count_in_its_single_statement(built, org_name, django_assert_num_queries):
    tree, this, last = built.tree, built.years.this, built.years.last
    _flag_member(tree.gcell, this)
    _flag_member(tree.cell, this)
    _flag_org(tree.committee, this)
    _flag_org(tree.committee, last)
    org, user = getattr(tree, org_name), built.cast.province.user
    user_scope(user)  # the reader's scope, cached for the request as on every page
    for year in (this, last):
        with django_assert_num_queries(1):
            board, _ancestors = selectors.dashboard_load(user=user, org_id=org.pk, year=year, stage="DECIDED")
        assert board.redecision_total == redecision_total(org, year)


def test_dashboard_costs_the_floors_queries_whatever_the_tree_and_the_flags(client, built):
    """Warm, the dashboard runs what the floor page (the inbox) runs plus nothing: its own figures
    are one statement, which replaces the floor's one own query. The count does not grow with the
    tree nor with a result needing re-decision (which moves the fragment's key: warm again)."""
    tree, year = built.tree, built.years.this
    client.force_login(built.cast.province.user)
    floor_url = reverse("notifications:inbox")
    url = reverse("rollups:dashboard", kwargs={"org_id": tree.province.pk})
    params = {"year": year, "stage": "DECIDED"}
    client.get(floor_url)
    floor = len(_queries(client, floor_url))
    client.get(url, params)
    small = _queries(client, url, params)
    assert len(small) == floor, small
    assert not any("reviews_memberreview" in q and "WITH node" not in q for q in small)

    for i in range(12):
        commune = make_org(f"Đảng bộ xã Thêm {i}", OrgKind.COMMUNE, tree.province)
        MemberFactory(cell=make_org(f"Chi bộ Thôn {i}", OrgKind.GRASSROOTS_CELL, commune))
    services.rollups_rebuild()
    _flag_member(tree.gcell, year)
    _flag_org(tree.committee, year)
    page = client.get(url, params).content.decode()  # a new key: the fragment is rendered and stored
    assert 'data-testid="redecision-total"' in page and "<strong>2</strong>" in page
    big = _queries(client, url, params)
    assert len(big) == floor, big


def test_cached_dashboard_shows_the_new_figures_after_a_refresh(client, built):
    """A hit renders the stored fragment (a write that refreshes nothing is not seen); a refresh moves
    the rows' stamp, hence the key, and the next page shows the new totals."""
    tree, year = built.tree, built.years.this
    client.force_login(built.cast.province.user)
    url = reverse("rollups:dashboard", kwargs={"org_id": tree.province.pk})
    params = {"year": year, "stage": "DECIDED"}
    before = client.get(url, params).content.decode()
    assert 'data-testid="total-members">12<' in before
    OrgRollup.objects.filter(organization=tree.province, year=year, stage="DECIDED").update(members=4321)
    assert 'data-testid="total-members">12<' in client.get(url, params).content.decode()  # the fragment
    MemberFactory(cell=tree.gcell)
    services.rollups_refresh(org_ids={tree.gcell.id}, year=year)
    after = client.get(url, params).content.decode()
    assert 'data-testid="total-members">13<' in after
    assert 'data-testid="as-of"' in after and after != before


def test_a_new_redecision_shows_without_a_refresh(client, built):
    """The count is live: it is in the fragment's key, not behind the rows' stamp."""
    tree, year = built.tree, built.years.this
    client.force_login(built.cast.province.user)
    url = reverse("rollups:dashboard", kwargs={"org_id": tree.province.pk})
    params = {"year": year, "stage": "DECIDED"}
    assert 'data-testid="redecision-total"' not in client.get(url, params).content.decode()
    _flag_member(tree.gcell, year)
    page = client.get(url, params).content.decode()
    assert 'data-testid="redecision-total"' in page and "<strong>1</strong>" in page


def test_a_renamed_organisation_shows_its_new_name(client, built):
    tree = built.tree
    client.force_login(built.cast.province.user)
    url = reverse("rollups:dashboard", kwargs={"org_id": tree.province.pk})
    client.get(url)
    type(tree.province).objects.filter(pk=tree.province.pk).update(name="Đảng bộ tỉnh Hậu Giang mới")
    assert 'data-testid="dashboard-title">Đảng bộ tỉnh Hậu Giang mới<' in client.get(url).content.decode()


def test_the_fragment_is_per_language(client, built):
    tree = built.tree
    client.force_login(built.cast.province.user)
    url = reverse("rollups:dashboard", kwargs={"org_id": tree.province.pk})
    assert "Tổng số đảng viên" in client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(url)
    assert english.wsgi_request.LANGUAGE_CODE == "en"
    assert "Tổng số đảng viên" not in english.content.decode()


def test_members_of_a_cell_follow_the_reader_not_the_cached_fragment(client, built, monkeypatch):
    """The cell's member list depends on who reads; it stays outside the shared fragment."""
    monkeypatch.setattr("rollups.selectors.MEMBER_READ_KINDS", frozenset({PositionKind.CELL_SECRETARY}))
    tree, cast = built.tree, built.cast
    url = reverse("rollups:dashboard", kwargs={"org_id": tree.cell.pk})
    client.force_login(cast.secretary.user)
    assert 'data-testid="cell-members"' in client.get(url).content.decode()
    client.force_login(cast.committee.user)
    page = client.get(url).content.decode()
    assert 'data-testid="members-hidden"' in page and "Trần Thị Bình" not in page
    assert 'data-testid="totals"' in page
