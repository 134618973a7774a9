"""Journeys across apps as users walk them: every link shown leads somewhere, numbers read Vietnamese."""

import pytest

from rollups import services
from tests.browser.conftest import login
from tests.rollups.conftest import cycles, populated, years  # noqa: F401, F811 - fixtures shared with tests/rollups


@pytest.mark.django_db(transaction=True)
def test_member_walks_every_link_from_home_without_a_dead_end(page, live_server, populated):  # noqa: F811
    login(page, live_server, "dangvien")
    nav = page.locator("nav.navbar").inner_text()
    assert "Tổng hợp" not in nav  # no dashboard for a plain member
    crumbs = page.locator("ol.breadcrumb")
    assert crumbs.get_by_role("link", name="Trang chủ").count() == 1
    assert crumbs.get_by_role("link", name="Đảng bộ tỉnh Hậu Giang").count() == 0  # shown, not linked
    hrefs = page.eval_on_selector_all("a[href^='/']", "els => [...new Set(els.map(e => e.getAttribute('href')))]")
    for href in hrefs:
        if "/dang-xuat" in href or "/pdf" in href:
            continue
        response = page.goto(f"{live_server.url}{href}")
        assert response.status == 200, href


@pytest.mark.django_db(transaction=True)
def test_dashboard_year_buttons_and_chart_axis_read_vietnamese(page, live_server, populated):  # noqa: F811
    services.rollups_rebuild()
    login(page, live_server, "tinhuy")
    page.get_by_test_id("rollup-link").click()
    page.wait_for_load_state("networkidle")
    last = str(populated.years.last)
    page.get_by_role("link", name=last, exact=True).click()
    page.wait_for_load_state("networkidle")
    assert f"year={last}" in page.url
    assert f"Năm {last}" in page.locator("main").inner_text()  # the year asked for, not the default
    locale = page.evaluate("Chart.getChart(document.getElementById('chart-grades-by-child')).options.locale")
    assert locale == "vi"
