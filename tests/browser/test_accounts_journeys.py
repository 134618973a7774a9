"""Account journeys in headless Chromium: invitation by printable sheet → activation → login by party
card → commitment; password reset through a real SMTP server; TOTP enrolment for a standing committee;
a secretary's entry on a member's behalf; and the Content-Security-Policy on the pages seen."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.conftest import totp_now
from tests.browser.conftest import login, watch_csp
from tests.commitments.conftest import AREAS, ensure_indicators, open_cycle
from tests.factories import MemberFactory
from tests.notifications.smtp import SmtpServer, body

NEW_PASSWORD = "Hoa-Sen-2026!"


def fill_commitment(page, year: int) -> None:
    for label, key in [
        ("Về tư tưởng chính trị", "political_ideology"),
        ("Về phẩm chất đạo đức, lối sống", "ethics_lifestyle"),
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
    page.locator("[name='actions-0-due_on']").fill(f"{year}-12-01")


@pytest.mark.django_db(transaction=True)
def test_admin_invites_by_sheet_member_activates_logs_in_by_card_and_commits(page, browser, live_server, cast):
    ensure_indicators()
    cycle = open_cycle(cast.tree.province)
    newcomer = MemberFactory(cell=cast.tree.cell, full_name="Nguyễn Văn Cường", date_of_birth=dt.date(1970, 3, 8))
    get_user_model().objects.create_superuser("admin", "admin@example.vn", "matkhau-2026")

    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/chi-bo/{cast.tree.cell.pk}/")
    page.get_by_role("link", name="Mời kích hoạt tài khoản").click()
    page.get_by_label("Tôi hiểu rằng mã cũ").check()
    page.get_by_label("Gửi thư điện tử").uncheck()
    page.get_by_role("button", name="Gửi lời mời và in phiếu").click()
    slip = page.get_by_test_id("slip")
    assert slip.count() == 1 and "Nguyễn Văn Cường" in slip.inner_text()
    code = page.get_by_test_id("slip-code").inner_text()
    assert page.get_by_test_id("slip-login").inner_text() == f"cuongnv{newcomer.pk}"

    member = browser.new_context(locale="vi-VN").new_page()
    violations = watch_csp(member)
    member.goto(f"{live_server.url}/dang-nhap/")
    member.get_by_role("link", name="Kích hoạt tài khoản bằng mã được cấp").click()
    member.get_by_label("Mã kích hoạt").fill(code)
    member.get_by_label("Ngày sinh").fill("09/03/1970")  # wrong date of birth first
    member.locator("[name=new_password1]").fill(NEW_PASSWORD)
    member.locator("[name=new_password2]").fill(NEW_PASSWORD)
    member.get_by_role("button", name="Kích hoạt").click()
    assert member.get_by_text("Mã kích hoạt hoặc ngày sinh không đúng.").is_visible()
    assert member.get_by_label("Mã kích hoạt").input_value() == code  # typed values kept
    member.get_by_label("Ngày sinh").fill("08/03/1970")
    member.locator("[name=new_password1]").fill(NEW_PASSWORD)
    member.locator("[name=new_password2]").fill(NEW_PASSWORD)
    member.get_by_role("button", name="Kích hoạt").click()
    assert member.get_by_text("Đã kích hoạt tài khoản").is_visible()

    login(member, live_server, newcomer.party_card_number, password=NEW_PASSWORD)
    assert member.get_by_test_id("current-user").inner_text() == "Nguyễn Văn Cường"
    member.goto(f"{live_server.url}/cam-ket/")
    fill_commitment(member, cycle.year)
    member.get_by_role("button", name="Nộp bản cam kết").click()
    assert member.get_by_text("Đã nộp bản cam kết cho chi bộ.").is_visible()
    assert violations == []


@pytest.mark.django_db(transaction=True)
def test_member_resets_a_forgotten_password_by_email_and_logs_in(page, live_server, cast, settings):
    user = cast.member.user
    user.email = "binh@example.vn"
    user.save()
    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", server.port, False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        page.goto(f"{live_server.url}/dang-nhap/")
        page.get_by_role("link", name="Quên mật khẩu?").click()
        page.locator("[name=email]").fill("binh@example.vn")
        page.get_by_role("button", name="Gửi đường dẫn").click()
        assert page.get_by_test_id("reset-sent").is_visible()
        (msg,) = server.recorder.to("binh@example.vn")
    link = re.search(r"http://\S+/quen-mat-khau/\S+/\S+/", body(msg)).group(0)
    page.goto(link)
    page.locator("[name=new_password1]").fill(NEW_PASSWORD)
    page.locator("[name=new_password2]").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Đặt mật khẩu").click()
    assert page.get_by_test_id("reset-complete").is_visible()
    login(page, live_server, "dangvien", password=NEW_PASSWORD)
    assert page.get_by_test_id("current-user").is_visible()
    page.goto(link)  # the link was used up
    assert page.get_by_test_id("reset-invalid").is_visible()


@pytest.mark.django_db(transaction=True)
def test_standing_committee_enrols_totp_and_needs_it_for_decisions(page, browser, live_server, cast, settings):
    settings.TWO_FACTOR_REQUIRED_POSITIONS = ["STANDING_COMMITTEE", "INSPECTION"]
    settings.TWO_FACTOR_REQUIRED_FOR_STAFF = True
    from reviews import services
    from reviews.models import GradingRegime

    services.cycle_create(
        organization=cast.tree.province,
        year=2026,
        regime=GradingRegime.objects.get(code="QD366-2025"),
        self_assessment_deadline=dt.date(2026, 12, 10),
        meeting_deadline=dt.date(2026, 12, 20),
        decision_deadline=dt.date(2027, 1, 15),
    )
    decisions = f"{live_server.url}/kiem-diem/quyet-dinh/{cast.tree.committee.pk}/"
    login(page, live_server, "dangbo")
    assert page.get_by_role("heading", name="Đăng ký xác thực hai lớp").is_visible()  # enrolment on first login
    assert page.get_by_test_id("otp-qr").locator("svg").count() == 1
    page.goto(decisions)
    assert page.get_by_role("heading", name="Đăng ký xác thực hai lớp").is_visible()  # not reachable yet
    device = TOTPDevice.objects.get(user=cast.committee.user, confirmed=False)
    page.get_by_label("Mã xác thực").fill(totp_now(device))
    page.get_by_role("button", name="Xác nhận").click()
    assert page.get_by_test_id("backup-codes").locator("li").count() == 10
    page.goto(decisions)
    assert "/xac-thuc/" not in page.url and page.get_by_role("heading").first.is_visible()

    other = browser.new_context(locale="vi-VN").new_page()
    login(other, live_server, "dangbo")
    other.goto(decisions)
    assert other.get_by_role("heading", name="Xác thực hai lớp").is_visible()
    device.refresh_from_db()
    device.last_t = -1  # a fresh time step for the test's second code
    device.save()
    other.get_by_label("Mã xác thực").fill(totp_now(device))
    other.get_by_role("button", name="Xác thực").click()
    assert other.url == decisions


@pytest.mark.django_db(transaction=True)
def test_secretary_enters_a_paper_commitment_and_the_print_shows_it(page, live_server, cast):
    ensure_indicators()
    cycle = open_cycle(cast.tree.province)
    paper = MemberFactory(cell=cast.tree.cell, full_name="Phạm Văn Dũng")
    login(page, live_server, "bithu")
    page.goto(f"{live_server.url}/chi-bo/{cast.tree.cell.pk}/")
    page.locator("tr", has_text="Phạm Văn Dũng").get_by_test_id("on-behalf-commitment").click()
    fill_commitment(page, cycle.year)
    page.get_by_role("button", name="Nộp thay đảng viên").click()
    assert page.get_by_text("Chỉ nhập hộ khi đã có bản giấy").is_visible()  # the paper tick is required
    assert page.get_by_label("Về tư tưởng chính trị").input_value() == AREAS["political_ideology"]
    page.get_by_label("Đã có bản cam kết trên giấy").check()
    page.locator("[name='actions-0-description']").fill("Tham gia dọn vệ sinh khu dân cư")
    page.locator("[name='actions-0-expected_result']").fill("12 buổi trong năm")
    page.locator("[name='actions-0-due_on']").fill(f"{cycle.year}-12-01")
    page.get_by_role("button", name="Nộp thay đảng viên").click()
    assert "Nhập hộ bởi Lê Văn An" in page.get_by_test_id("on-behalf").inner_text()
    with page.expect_popup() as popup:
        page.get_by_role("link", name="Bản in").click()
    printed = popup.value
    printed.wait_for_load_state()
    assert "Nhập hộ bởi Lê Văn An" in printed.get_by_test_id("print-on-behalf").inner_text()
    assert paper.full_name in printed.content()


@pytest.mark.django_db(transaction=True)
def test_the_csp_watch_catches_an_inline_style(browser, live_server, cast):
    """Control for the CSP check every journey runs: an inline style is refused and reported."""
    page = browser.new_context(locale="vi-VN").new_page()
    violations = watch_csp(page)
    page.goto(f"{live_server.url}/dang-nhap/")
    page.evaluate("document.body.setAttribute('style', 'background: red')")
    page.evaluate("() => new Promise(r => setTimeout(r, 200))")
    assert violations and "style-src" in violations[0]
