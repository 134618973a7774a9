"""Every link a user is shown leads somewhere they may go: no 404 from breadcrumbs, panels or nav."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from rollups import services as rollup_services

pytestmark = pytest.mark.django_db

SKIP = re.compile(r"(^#|^mailto:|/dang-xuat|/admin/|/excel/|/in/|pdf=|/i18n/|/tai-|/mau)")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/") and not SKIP.search(href):
            self.hrefs.append(href)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return list(dict.fromkeys(parser.hrefs))


def walk(client, start: str) -> dict[str, int]:
    """Open `start` (following the home redirect) and every link on it; status per link."""
    page = client.get(start, follow=True)
    assert page.status_code == 200
    return {href: client.get(href).status_code for href in links_of(page.content.decode())}


@pytest.fixture
def built(populated):
    rollup_services.rollups_rebuild()
    return populated


@pytest.mark.parametrize("who", ["member", "secretary", "other_secretary", "committee", "inspector", "province"])
def test_no_link_on_the_home_page_answers_404(client, built, who):
    client.force_login(getattr(built.cast, who).user)
    statuses = walk(client, reverse("home"))
    assert statuses, "the home page shows links"
    assert [href for href, status in statuses.items() if status == 404] == []


@pytest.mark.parametrize(
    ("who", "page"),
    [
        ("secretary", lambda t: reverse("reviews:grid", args=[t.cell.pk])),
        ("secretary", lambda t: reverse("commitments:cell", args=[t.cell.pk])),
        ("secretary", lambda t: reverse("rollups:dashboard", args=[t.cell.pk])),
        ("committee", lambda t: reverse("rollups:dashboard", args=[t.committee.pk])),
        ("committee", lambda t: reverse("reviews:decisions", args=[t.committee.pk])),
        ("inspector", lambda t: reverse("rollups:dashboard", args=[t.commune2.pk])),
    ],
)
def test_no_link_on_work_pages_answers_404(client, built, who, page):
    """Breadcrumbs name every ancestor but link only those the user may open (the rest is text)."""
    client.force_login(getattr(built.cast, who).user)
    statuses = walk(client, page(built.tree))
    assert [href for href, status in statuses.items() if status == 404] == []


def test_breadcrumbs_show_unreachable_ancestors_as_text(client, built):
    client.force_login(built.cast.member.user)
    html = client.get(reverse("organizations:member", args=[built.cast.member.member.pk])).content.decode()
    assert "Đảng bộ tỉnh Hậu Giang" in html and "Chi bộ Tổ 1" in html
    assert reverse("organizations:detail", args=[built.tree.province.pk]) not in html
    assert 'href="/"' in html  # "Trang chủ": a way back home


def test_dashboard_links_carry_the_year_without_thousand_separator(client, built):
    """`?year=2.026` silently fell back to the default year on every drill-down and year button."""
    client.force_login(built.cast.province.user)
    this = built.years.this
    html = client.get(reverse("rollups:dashboard", args=[built.tree.province.pk]), {"year": this - 1}).content.decode()
    assert f"year={this - 1}&" in html
    assert re.search(r"year=\d\.\d{3}", html) is None
    assert f"{this:,}".replace(",", ".") not in html


@pytest.mark.parametrize("name", ["notifications:inbox", "reviews:my", "commitments:my", "commitments:progress"])
def test_personal_pages_have_a_breadcrumb_home(client, built, name):
    client.force_login(built.cast.member.user)
    resp = client.get(reverse(name), follow=True)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert 'class="breadcrumb"' in html and 'href="/"' in html
