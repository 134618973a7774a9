"""Bad input in the browser: messages next to the fields, nothing typed is lost, nothing saved."""

import pytest

from commitments.models import Commitment
from tests.browser.conftest import login
from tests.commitments.conftest import ensure_indicators, open_cycle


@pytest.mark.django_db(transaction=True)
def test_long_result_and_due_date_outside_the_year(page, live_server, cast):
    ensure_indicators()
    cycle = open_cycle(cast.tree.province)
    login(page, live_server, "dangvien")
    page.goto(f"{live_server.url}/cam-ket/")
    long = "Hoàn thành " + "rất nhiều việc " * 25
    page.get_by_label("Về tư tưởng chính trị").fill("Kiên định lập trường")
    page.locator("[name='actions-0-description']").fill("Giúp đỡ hộ nghèo")
    page.locator("[name='actions-0-expected_result']").fill(long)
    page.locator("[name='actions-0-due_on']").fill(f"{cycle.year + 1}-02-01")
    page.get_by_role("button", name="Lưu nháp").click()

    row = page.get_by_test_id("action-row").first
    assert row.get_by_text("Kết quả đo được tối đa 300 ký tự").is_visible()
    assert row.get_by_text(f"Thời hạn phải nằm trong năm {cycle.year}.").is_visible()
    assert page.locator("[name='actions-0-expected_result']").input_value() == long
    assert page.locator("[name='actions-0-description']").input_value() == "Giúp đỡ hộ nghèo"
    assert page.get_by_label("Về tư tưởng chính trị").input_value() == "Kiên định lập trường"
    assert not Commitment.objects.exists()
