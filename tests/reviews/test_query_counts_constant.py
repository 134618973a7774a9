"""Issue 14: the grid (GET and POST) and the decision page cost the same number of queries for 2 and
40 members, 1 and 30 cells (the cost follows the page, not the data behind it)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import OrgKind
from tests.factories import MemberFactory, make_org
from tests.reviews.conftest import grid_data, post_grid, record_collective
from tests.reviews.test_workflow import members_of, submit_cell


def _n(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_grid_get_and_post_queries_are_the_same_for_2_and_40_members(client, cast, cycle):
    cell = cast.tree.cell
    client.force_login(cast.secretary.user)
    url = reverse("reviews:grid", args=[cell.pk])
    record_collective(client, cell)
    post_grid(client, cell, grid_data(members_of(cell)))  # the rows exist: later saves update them
    assert len(members_of(cell)) == 2
    client.get(url)  # warm: caches dropped by the save above fill here
    get_small = _n(lambda: client.get(url))
    post_small = _n(lambda: post_grid(client, cell, grid_data(members_of(cell))))
    for _ in range(38):
        MemberFactory(cell=cell)
    post_grid(client, cell, grid_data(members_of(cell)))
    assert len(members_of(cell)) == 40
    client.get(url)
    get_big = _n(lambda: client.get(url))
    post_big = _n(lambda: post_grid(client, cell, grid_data(members_of(cell))))
    assert get_small == get_big
    assert post_small == post_big


def test_decision_page_queries_are_the_same_for_1_and_30_cells(client, cast, cycle):
    submit_cell(client, cast.secretary.user, cast.tree.cell)
    client.force_login(cast.committee.user)
    url = reverse("reviews:decisions", args=[cast.tree.committee.pk])
    client.get(url)
    one = _n(lambda: client.get(url))
    for i in range(28):  # the committee already has Tổ 1 and Tổ 2
        MemberFactory(cell=make_org(f"Chi bộ thêm {i}", OrgKind.CELL, cast.tree.committee))
    thirty = _n(lambda: client.get(url))
    assert one == thirty


def test_grid_with_a_restored_draft_costs_the_same_for_2_and_40_members(client, cast, cycle):
    """Issue 13 item 5: the draft is one more query, whatever the number of rows it holds."""
    cell = cast.tree.cell
    client.force_login(cast.secretary.user)
    url = reverse("reviews:grid", args=[cell.pk])
    record_collective(client, cell)
    post_grid(client, cell, grid_data(members_of(cell)))
    post_grid(client, cell, grid_data(members_of(cell), default=("COMPLETED", "60")), action="check")  # the draft
    client.get(url)
    small = _n(lambda: client.get(url))
    for _ in range(38):
        MemberFactory(cell=cell)
    post_grid(client, cell, grid_data(members_of(cell)))
    post_grid(client, cell, grid_data(members_of(cell), default=("COMPLETED", "60")), action="check")
    client.get(url)
    assert "Đã khôi phục bản nháp" in client.get(url).content.decode()
    assert _n(lambda: client.get(url)) == small
