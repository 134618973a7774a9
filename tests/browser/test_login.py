import pytest

from tests.browser.conftest import login


@pytest.mark.django_db(transaction=True)
def test_secretary_logs_in_in_vietnamese_and_sees_cell_members(page, live_server, cast):
    page.goto(f"{live_server.url}/")
    assert page.get_by_role("heading", name="Đăng nhập").is_visible()
    login(page, live_server, "bithu")
    assert page.get_by_role("heading", name="Chi bộ Tổ 1").is_visible()
    rows = page.locator("[data-testid=cell-members] tbody tr")
    assert rows.count() == 2
    assert "Lê Văn An" in rows.nth(0).inner_text()
    assert "Trần Thị Bình" in rows.nth(1).inner_text()


@pytest.mark.django_db(transaction=True)
def test_wrong_password_shows_vietnamese_error(page, live_server, cast):
    login(page, live_server, "bithu", password="sai-mat-khau")
    assert page.get_by_text("Vui lòng nhập chính xác").is_visible()
