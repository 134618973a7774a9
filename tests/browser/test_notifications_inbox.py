"""Journey: a member who has not filed a commitment sees the reminder in the app and marks it read."""

from __future__ import annotations

import datetime as dt

import pytest

from notifications.services import reminders_run
from tests.browser.conftest import login
from tests.notifications.conftest import commitment_cycle, people  # noqa: F401 - fixtures


@pytest.mark.django_db(transaction=True)
def test_member_reads_a_reminder(page, live_server, commitment_cycle, people, settings):  # noqa: F811
    settings.SITE_URL = live_server.url
    reminders_run(on=dt.date(2026, 2, 21))

    login(page, live_server, "dangvien")
    badge = page.get_by_test_id("unread-count")
    assert badge.inner_text() == "1"
    page.get_by_test_id("nav-notifications").click()
    page.wait_for_url(f"{live_server.url}/thong-bao/")
    item = page.get_by_test_id("notification")
    assert "Nhắc nộp bản cam kết năm 2026" in item.inner_text()
    assert "Hạn nộp: 28/02/2026 (còn 7 ngày)" in item.inner_text()

    page.get_by_role("button", name="Đánh dấu đã đọc").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("unread-count").count() == 0
    assert page.get_by_role("button", name="Đánh dấu đã đọc").count() == 0

    page.get_by_role("button", name="Mở trang thực hiện").click()
    page.wait_for_load_state("networkidle")
    assert page.url == f"{live_server.url}/cam-ket/"
