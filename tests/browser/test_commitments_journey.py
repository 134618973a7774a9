"""The commitment journey in headless Chromium: member drafts and submits; the secretary returns it with
a reason; the member fixes and resubmits; the secretary acknowledges; the cell page counts follow."""

import pytest

from tests.browser.conftest import login
from tests.commitments.conftest import AREAS, ensure_indicators, open_cycle


def count(page, key: str) -> str:
    return page.locator(f"[data-testid=counts] [data-count={key}]").inner_text()


@pytest.mark.django_db(transaction=True)
def test_commitment_journey(page, browser, live_server, cast):
    ensure_indicators()
    cycle = open_cycle(cast.tree.province)
    cell_url = f"{live_server.url}/cam-ket/chi-bo/{cast.tree.cell.pk}/"

    # The member writes a draft.
    login(page, live_server, "dangvien")
    page.goto(f"{live_server.url}/cam-ket/")
    page.get_by_label("Về tư tưởng chính trị").fill(AREAS["political_ideology"])
    page.get_by_label("Về phẩm chất đạo đức, lối sống").fill(AREAS["ethics_lifestyle"])
    page.get_by_role("button", name="Lưu nháp").click()
    assert page.get_by_text("Đã lưu bản nháp.").is_visible()
    assert page.get_by_test_id("status").inner_text() == "Bản nháp"
    assert page.get_by_label("Về tư tưởng chính trị").input_value() == AREAS["political_ideology"]

    # Submitting an incomplete commitment shows messages next to the fields and keeps what was typed.
    page.get_by_role("button", name="Nộp bản cam kết").click()
    assert page.get_by_text("Vui lòng viết cam kết về nội dung này.").first.is_visible()
    assert page.get_by_label("Về phẩm chất đạo đức, lối sống").input_value() == AREAS["ethics_lifestyle"]

    for label, key in [
        ("Về tác phong, lề lối làm việc", "working_style"),
        ("Về ý thức tổ chức kỷ luật, đoàn kết nội bộ", "discipline_solidarity"),
        ("Về thực hiện chức trách, nhiệm vụ được giao", "assigned_tasks"),
        ("Kế hoạch, biện pháp tu dưỡng, rèn luyện", "plan"),
    ]:
        page.get_by_label(label).fill(AREAS[key])
    page.get_by_label("Tôi cam kết không để xảy ra 27 biểu hiện").check()
    page.get_by_label("6. Nói không đi đôi với làm").check()
    page.locator("[name='actions-0-description']").fill("Tham gia dọn vệ sinh khu dân cư")
    page.locator("[name='actions-0-expected_result']").fill("12 buổi trong năm")
    page.locator("[name='actions-0-due_on']").fill(f"{cycle.year}-12-01")
    page.get_by_role("button", name="Nộp bản cam kết").click()
    assert page.get_by_text("Đã nộp bản cam kết cho chi bộ.").is_visible()
    assert page.get_by_test_id("status").inner_text() == "Đã nộp"

    # The secretary returns it with a reason.
    secretary = browser.new_context(locale="vi-VN").new_page()
    login(secretary, live_server, "bithu")
    secretary.goto(cell_url)
    assert count(secretary, "SUBMITTED") == "1"
    secretary.locator("tr", has_text="Trần Thị Bình").get_by_role("link", name="Xem").click()
    secretary.get_by_label("Lý do").fill("Ghi rõ số buổi mỗi tháng")
    secretary.get_by_role("button", name="Trả lại để sửa").click()
    assert count(secretary, "RETURNED") == "1" and count(secretary, "SUBMITTED") == "0"

    # The member sees the reason, fixes and resubmits.
    page.goto(f"{live_server.url}/cam-ket/")
    assert "Ghi rõ số buổi mỗi tháng" in page.get_by_test_id("return-reason").inner_text()
    page.locator("[name='actions-0-expected_result']").fill("1 buổi mỗi tháng, 12 buổi trong năm")
    page.get_by_role("button", name="Nộp bản cam kết").click()
    assert page.get_by_test_id("status").inner_text() == "Đã nộp"

    # The secretary acknowledges; the counts change.
    secretary.goto(cell_url)
    assert count(secretary, "SUBMITTED") == "1" and count(secretary, "RETURNED") == "0"
    secretary.locator("tr", has_text="Trần Thị Bình").get_by_role("link", name="Xem").click()
    assert "1 buổi mỗi tháng" in secretary.get_by_test_id("content").inner_text()
    secretary.get_by_role("button", name="Xác nhận").click()
    assert count(secretary, "ACKNOWLEDGED") == "1" and count(secretary, "SUBMITTED") == "0"
    assert count(secretary, "NOT_STARTED") == "1"  # the secretary's own commitment

    # Acknowledged: the member's page is read-only now.
    page.goto(f"{live_server.url}/cam-ket/")
    assert page.get_by_test_id("status").inner_text() == "Chi bộ đã xác nhận"
    assert page.get_by_role("button", name="Nộp bản cam kết").count() == 0
    secretary.context.close()
