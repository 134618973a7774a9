"""Journey: the provincial standing committee drills down from the province dashboard to a cell."""

import pytest

from rollups import services
from tests.browser.conftest import login
from tests.rollups.conftest import cycles, populated, years  # noqa: F401, F811 - fixtures shared with tests/rollups


@pytest.mark.django_db(transaction=True)
def test_province_drills_down_to_cell_members(page, live_server, populated):  # noqa: F811
    services.rollups_rebuild()
    login(page, live_server, "tinhuy")
    page.get_by_test_id("rollup-link").click()
    assert page.get_by_test_id("dashboard-title").inner_text() == "Đảng bộ tỉnh Hậu Giang"
    assert page.get_by_test_id("total-members").inner_text() == "12"
    assert page.locator("#chart-grades-by-child").is_visible()
    for name in ("Đảng bộ xã An Hòa", "Đảng bộ Trường THPT An Hòa", "Chi bộ Tổ 1"):
        page.get_by_test_id("children").get_by_role("link", name=name).click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_test_id("dashboard-title").inner_text() == name
    members = page.get_by_test_id("cell-members")
    assert "Trần Thị Bình" in members.inner_text()
    assert "Đảng bộ xã An Hòa" in page.get_by_test_id("rollup-breadcrumbs").inner_text()
