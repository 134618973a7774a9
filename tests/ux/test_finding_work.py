"""Issue 13 item 8: each role's menu leads to its work, and every count on a home page equals what
the linked page shows (both come from the same selector)."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from organizations.models import PositionKind
from reviews.models import ReviewStatus
from tests.conftest import _user_with

pytestmark = pytest.mark.django_db


def menu(client, user) -> dict[str, str]:
    """testid -> url of the menu the user sees on their home page."""
    client.force_login(user)
    resp = client.get(reverse("home"), follow=True)
    return {item.testid: item.url for item in resp.context["nav_items"]}


def test_cell_secretary_kiem_diem_opens_the_cell_grid_and_own_review_separately(client, cast, cycles):
    items = menu(client, cast.secretary.user)
    assert items["nav-grid"] == reverse("reviews:grid", args=[cast.tree.cell.pk])
    assert items["nav-my-review"] == reverse("reviews:my")
    assert "nav-decisions" not in items  # a cell under a grassroots committee does not decide
    resp = client.get(items["nav-grid"])
    assert resp.status_code == 200
    active = [i for i in resp.context["nav_items"] if i.active]
    assert [i.testid for i in active] == ["nav-grid"]
    assert 'aria-current="page" data-testid="nav-grid"' in resp.content.decode()


def test_grassroots_cell_secretary_reaches_decisions_from_the_menu(client, cast):
    gsec = _user_with("bithucs", org=cast.tree.gcell, kind=PositionKind.CELL_SECRETARY, member_cell=cast.tree.gcell)
    items = menu(client, gsec.user)
    assert items["nav-decisions"] == reverse("reviews:decisions", args=[cast.tree.gcell.pk])
    assert items["nav-grid"] == reverse("reviews:grid", args=[cast.tree.gcell.pk])


def test_grassroots_committee_and_province_have_a_decisions_menu_item(client, cast):
    assert menu(client, cast.committee.user)["nav-decisions"] == reverse(
        "reviews:decisions", args=[cast.tree.committee.pk]
    )
    assert menu(client, cast.province.user)["nav-decisions"] == reverse(
        "reviews:decisions", args=[cast.tree.province.pk]
    )


def test_plain_member_and_inspector_have_no_decisions_or_grid(client, cast):
    member = menu(client, cast.member.user)
    assert set(member) == {"nav-commitment", "nav-my-review", "nav-notifications"}
    inspector = menu(client, cast.inspector.user)
    assert "nav-decisions" not in inspector and "nav-grid" not in inspector


@pytest.mark.parametrize("who", ["member", "secretary", "committee", "inspector", "province"])
def test_every_menu_item_opens_a_page(client, cast, cycles, who):
    items = menu(client, getattr(cast, who).user)
    for testid, url in items.items():
        assert client.get(url, follow=True).status_code == 200, (who, testid, url)


# --- Counts on the home pages of the demo logins -------------------------------------------------

DEMO_ROLES = ["bithu", "bithucs", "dangvien", "dangbo", "xauy", "ubkt", "tinhuy", "ubkttinh"]


def _number(html: str, testid: str) -> int | None:
    match = re.search(rf'data-testid="{testid}"[^>]*>\s*([\d.]+)', html)
    return int(match.group(1).replace(".", "")) if match else None


def _proposed_cells(client, url: str) -> int:
    resp = client.get(url)
    assert resp.status_code == 200
    return sum(1 for c in resp.context["cells"] if c.review and c.review.status == ReviewStatus.PROPOSED)


def propose_cells_of(username: str, n: int = 2) -> int:
    """Put `n` cells decided by `username`'s body in the PROPOSED state (the demo data may have none)."""
    from organizations.models import Position
    from reviews import selectors as sel
    from reviews.models import OrgReview

    decider = Position.objects.get(user__username=username).organization
    cycle = sel.current_cycle(decider)
    for cell, _review in sel.cells_decided_by(decider, cycle.year)[:n]:
        OrgReview.objects.update_or_create(
            organization=cell, year=cycle.year, defaults={"cycle": cycle, "status": ReviewStatus.PROPOSED}
        )
    return sel.decisions_waiting(decider=decider, year=cycle.year)


def test_every_home_count_equals_its_linked_page_for_each_demo_role(client):
    from django.contrib.auth import get_user_model

    call_command("seed_demo", members=400, seed=5)
    assert propose_cells_of("dangbo") >= 2
    users = get_user_model().objects.in_bulk(DEMO_ROLES, field_name="username")
    seen_waiting = 0
    for username in DEMO_ROLES:
        client.force_login(users[username])
        home = client.get(reverse("home"), follow=True)
        html = home.content.decode()
        # the decisions badge ("N đề xuất đang chờ") = cells waiting on the decisions page it sits next to
        for org_pk in re.findall(r'href="/kiem-diem/quyet-dinh/(\d+)/', html):
            waiting = _number(html, "decisions-waiting") or 0
            assert waiting == _proposed_cells(client, reverse("reviews:decisions", args=[org_pk])), username
            seen_waiting += waiting
        # the menu's decisions item leads to the same count
        for item in home.context["nav_items"]:
            if item.testid == "nav-decisions" and 'data-testid="decisions-waiting"' in html:
                assert _number(html, "decisions-waiting") == _proposed_cells(client, item.url), username
        # the unread badge = the inbox's unread count
        unread = _number(html, "unread-count")
        inbox = client.get(reverse("notifications:inbox")).content.decode()
        assert unread == _number(inbox, "inbox-unread"), username
        # the organisation's member total = the dashboard's total
        total = _number(html, "total-members")
        if total is not None:
            dashboard = client.get(reverse("rollups:dashboard", args=[home.context["org"].pk])).content.decode()
            assert total == _number(dashboard, "total-members"), username
            # organisations at every level below: the same figure on both pages
            below = re.search(r'đã xếp loại</td><td class="num">([\d.]+) /', dashboard)
            assert _number(html, "org-subtree") == int(below.group(1).replace(".", "")), username
    assert seen_waiting > 0  # the demo data has proposals waiting somewhere: the check above is not vacuous
