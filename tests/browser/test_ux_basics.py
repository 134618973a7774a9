"""Issue 13, items 1–3 and 11 in the browser: seeded dashboards, contrast, language, names."""

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from organizations.models import Member, Organization
from organizations.seeding import DEMO_PASSWORD

from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def seeded(transactional_db):
    call_command("seed_demo", members=400, seed=5)
    return Organization.objects.get(depth=1)


def _vietnamese_number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def test_dashboard_shows_the_seeded_figures_right_after_seed_demo(page, live_server, seeded):
    login(page, live_server, "tinhuy", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/tong-hop/{seeded.pk}/")
    assert page.get_by_test_id("as-of").inner_text() != "chưa tổng hợp"
    assert page.get_by_test_id("total-members").inner_text() == _vietnamese_number(Member.objects.count())
    # Last year's decided grades are on the dashboard too (its year view and this year's "Năm trước").
    last_year = dt.date.today().year - 1
    page.goto(f"{live_server.url}/tong-hop/{seeded.pk}/?year={last_year}&stage=DECIDED")
    assert page.get_by_test_id("total-reviewed").inner_text() not in ("", "0")
    # Direct children and the whole subtree are both shown, each under its own name.
    direct = Organization.objects.filter(depth=2).count()
    assert page.get_by_test_id("direct-children").inner_text() == f"Tổ chức trực thuộc trực tiếp: {direct}"
    assert "Tổ chức đảng các cấp trong đảng bộ / đã xếp loại" in page.get_by_test_id("org-grade-totals").inner_text()


def test_navigation_bar_passes_the_contrast_check(page, live_server, seeded):
    login(page, live_server, "bithu", DEMO_PASSWORD)
    result = Axe().run(page, context="nav.navbar", options={"runOnly": ["color-contrast", "target-size"]})
    assert result.violations_count == 0, result.generate_report()
    box = page.locator("nav.navbar .nav-link").first.bounding_box()
    assert box["height"] >= 44
    size = page.locator("nav.navbar .nav-link").first.evaluate("e => getComputedStyle(e).fontSize")
    assert size == "16px"


def test_vietnamese_unless_english_is_chosen(browser, live_server, transactional_db):
    context = browser.new_context(locale="en-US", extra_http_headers={"Accept-Language": "en-US,en;q=0.9"})
    page = context.new_page()
    page.goto(f"{live_server.url}/dang-nhap/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("button", name="Đăng nhập").is_visible()
    options = page.locator("select[name=language] option").all_inner_texts()
    assert options == ["Tiếng Việt", "English"]  # each language in its own name
    page.select_option("select[name=language]", "en")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/dang-nhap/")  # the choice is remembered on the next page
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Log in").is_visible()
    assert page.locator("select[name=language] option").all_inner_texts() == ["Tiếng Việt", "English"]
    context.close()
