"""The completeness page reads the roll-ups (one indexed query), with the live count's numbers."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commitments import services
from organizations.models import OrgKind
from rollups.services import rollups_rebuild
from tests.commitments.test_services import submit
from tests.commitments.test_views import as_user
from tests.factories import MemberFactory, make_org

pytestmark = pytest.mark.django_db


def _page(client, who, org):
    c = as_user(client, who)
    url = reverse("commitments:completeness", args=[org.pk])
    c.get(url)  # warm session and scope caches
    with CaptureQueriesContext(connection) as ctx:
        response = c.get(url)
    return response, [q["sql"] for q in ctx.captured_queries]


def test_completeness_from_the_rollups_matches_the_live_count(client, cast, cycle):
    submit(cast, cycle)
    services.commitment_acknowledge(
        commitment=submit(cast, cycle, who="other_secretary", exemplary_registration="x"), by=cast.secretary.user
    )
    live, live_sql = _page(client, cast.province, cast.tree.province)
    assert any("organizations_member" in q for q in live_sql)  # no roll-up rows yet: counted live
    rollups_rebuild(year=cycle.year)
    fast, fast_sql = _page(client, cast.province, cast.tree.province)
    assert not any('FROM "organizations_member"' in q for q in fast_sql)
    assert fast.context["table"]["total"] == live.context["table"]["total"]
    rows = {r["org"].name: {k: v for k, v in r.items() if k != "org"} for r in fast.context["table"]["rows"]}
    assert rows == {r["org"].name: {k: v for k, v in r.items() if k != "org"} for r in live.context["table"]["rows"]}
    assert rows["Đảng bộ xã An Hòa"]["on_time"] == 2 and rows["Đảng bộ xã An Hòa"]["acknowledged"] == 1
    assert "67 %" in fast.content.decode()


def test_completeness_queries_are_constant_from_1_to_30_cells(client, cast, cycle):
    rollups_rebuild(year=cycle.year)
    _response, one = _page(client, cast.province, cast.tree.province)
    for i in range(6):
        commune = make_org(f"Đảng bộ xã Mới {i}", OrgKind.COMMUNE, cast.tree.province)
        for j in range(5):
            MemberFactory(cell=make_org(f"Chi bộ {i}-{j}", OrgKind.GRASSROOTS_CELL, commune))
    rollups_rebuild(year=cycle.year)
    response, thirty = _page(client, cast.province, cast.tree.province)
    assert len(one) == len(thirty)
    assert response.context["table"]["total"]["members"] == 33


def test_cached_table_follows_the_rollups_stamp(client, cast, cycle):
    """The rendered table is cached under the roll-ups' `updated_at`: a refresh shows the new numbers."""
    rollups_rebuild(year=cycle.year)
    before, _sql = _page(client, cast.province, cast.tree.province)
    total_before = before.context["table"]["total"]["submitted"]
    assert f'<td class="num">{total_before}</td>' in before.content.decode()
    submit(cast, cycle)
    rollups_rebuild(year=cycle.year)
    after, _sql = _page(client, cast.province, cast.tree.province)
    total_after = after.context["table"]["total"]["submitted"]
    assert total_after == total_before + 1
    page = after.content.decode()
    assert page.count('data-testid="total"') == 1
    assert f'<td>Toàn đảng bộ</td><td class="num">{after.context["table"]["total"]["members"]}</td><td class="num">{total_after}</td>' in page
