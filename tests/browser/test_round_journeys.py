"""Journeys of the review round (issue 12): residence comments across communes, minutes with votes and
their print, the published grades in the inbox and by email, quarterly evaluations of a leader."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from organizations.models import Member, OrgKind, PositionKind
from organizations.services import position_assign
from quarterly.services import quarterly_cycle_create
from reviews import services
from reviews.models import MemberReview, ReviewStatus
from tests.browser.conftest import login
from tests.factories import MemberFactory, UserFactory, make_org
from tests.minutes import record_minutes
from tests.notifications.smtp import SmtpServer, body
from tests.reviews.helpers import cycle_2026


def _cycle(tree):
    return cycle_2026(tree)


@pytest.mark.django_db(transaction=True)
def test_residence_comment_requested_written_in_another_commune_and_shown_in_the_grid(page, live_server, cast):
    tree = cast.tree
    _cycle(tree)
    home = make_org("Chi bộ Khu phố 3", OrgKind.GRASSROOTS_CELL, tree.commune2)
    kp = UserFactory(username="bithukp")
    MemberFactory(cell=home, user=kp, full_name="Đỗ Văn Phố")
    position_assign(user=kp, organization=home, kind=PositionKind.CELL_SECRETARY, valid_from=dt.date(2020, 1, 1))
    member = cast.member.member

    login(page, live_server, "bithu")
    page.get_by_role("link", name="Mở bảng xếp loại của chi bộ").click()
    page.get_by_role("link", name="Đề nghị nhận xét nơi cư trú").click()
    page.get_by_label(f"Nơi cư trú {member.full_name}").select_option(label="Chi bộ Khu phố 3")
    page.get_by_label(f"Gửi đề nghị {member.full_name}").check()
    page.get_by_label(f"Không lấy nhận xét {cast.secretary.member.full_name}").select_option("TRAINING")
    page.get_by_role("button", name="Gửi đề nghị nhận xét").click()
    expect(page.get_by_text("Đã gửi đề nghị nhận xét nơi cư trú.")).to_be_visible()

    page.context.clear_cookies()
    login(page, live_server, "bithukp")
    page.get_by_role("link", name="Nhận xét nơi cư trú").first.click()
    row = page.get_by_test_id("residence-inbox").locator("tr", has_text=member.full_name)
    expect(row).to_contain_text("Chi bộ Tổ 1")
    row.get_by_role("link", name="Viết nhận xét").click()
    page.get_by_label("Thực hiện nhiệm vụ ở nơi cư trú").select_option("NO")
    page.get_by_label("Nội dung nhận xét").fill("Không tham gia sinh hoạt khu phố")
    page.get_by_role("button", name="Gửi nhận xét").click()
    expect(page.get_by_text("Đã gửi nhận xét về chi bộ nơi đảng viên công tác.")).to_be_visible()
    # nothing of the member beyond the request
    assert page.goto(f"{live_server.url}/dang-vien/{member.pk}/").status == 404

    page.context.clear_cookies()
    login(page, live_server, "bithu")
    page.goto(f"{live_server.url}/kiem-diem/chi-bo/{tree.cell.pk}/")
    grid_row = page.locator(f"tr[data-member='{member.pk}']")
    expect(grid_row.get_by_test_id("residence-cell")).to_contain_text("Không thực hiện nhiệm vụ ở nơi cư trú")
    expect(grid_row.get_by_test_id("residence-flag")).to_be_visible()
    secretary_row = page.locator(f"tr[data-member='{cast.secretary.member.pk}']")
    expect(secretary_row.get_by_test_id("residence-cell")).to_contain_text("Không cần")


@pytest.mark.django_db(transaction=True)
def test_minutes_with_votes_then_submit_and_the_print_and_pdf_show_them(page, live_server, cast):
    tree = cast.tree
    _cycle(tree)
    for _ in range(4):
        MemberFactory(cell=tree.cell)
    members = list(Member.objects.filter(cell=tree.cell).order_by("sort_key", "id"))
    absent = members[-1]

    login(page, live_server, "bithu")
    page.goto(f"{live_server.url}/kiem-diem/chi-bo/{tree.cell.pk}/")
    page.get_by_label("Tóm tắt kết quả kiểm điểm tập thể chi bộ").fill("Chi bộ hoàn thành tốt nhiệm vụ")
    page.get_by_role("button", name="Ghi nhận kiểm điểm tập thể").click()
    for m in members:
        page.locator(f"[name=m{m.pk}-score]").fill("80")
        page.locator(f"[name=m{m.pk}-grade]").select_option("GOOD")
    page.get_by_role("button", name="Nộp đề xuất lên cấp quyết định").click()
    expect(page.get_by_test_id("cell-violation").first).to_contain_text("Phải lập biên bản hội nghị chi bộ")
    assert not MemberReview.objects.filter(status=ReviewStatus.PROPOSED).exists()

    page.get_by_role("button", name="Lưu nháp").click()
    page.get_by_role("link", name="Lập, sửa biên bản hội nghị").click()
    page.get_by_label("Ngày họp").fill("2026-12-15")
    page.get_by_label("Địa điểm").fill("Hội trường Trường THPT An Hòa")
    page.get_by_label("Chủ trì").fill("Lê Văn An")
    page.get_by_label("Thư ký hội nghị").fill("Trần Thị Bình")
    page.get_by_label("Hình thức biểu quyết").select_option("SECRET")
    page.get_by_label(f"Có mặt {absent.full_name}").uncheck()
    page.get_by_label(f"Lý do vắng mặt {absent.full_name}").fill("Đi công tác")
    for m in members:
        expect(page.get_by_label(f"Mức biểu quyết {m.full_name}")).to_have_value("GOOD")  # from the grid
        page.get_by_label(f"Số tán thành {m.full_name}").fill("5" if m != members[0] else "4")
    page.get_by_role("button", name="Lưu biên bản").click()
    expect(page.get_by_text("Đã lưu biên bản hội nghị chi bộ.")).to_be_visible()
    expect(page.get_by_test_id("minutes-quorum")).to_contain_text("Có mặt 5/6")

    page.get_by_role("link", name="Về bảng xếp loại của chi bộ").click()
    page.get_by_role("button", name="Nộp đề xuất lên cấp quyết định").click()
    expect(page.get_by_text("Chi bộ đã nộp đề xuất xếp loại lên cấp quyết định.")).to_be_visible()
    assert MemberReview.objects.filter(status=ReviewStatus.PROPOSED).count() == 6
    expect(page.locator(f"tr[data-member='{members[0].pk}']").get_by_test_id("vote")).to_have_text("Tán thành 4/5")

    page.get_by_role("link", name="Bản in").first.click()
    expect(page.locator("h1")).to_have_text("BIÊN BẢN")
    expect(page.get_by_test_id("dated")).to_have_text("Hội trường Trường THPT An Hòa, ngày 15 tháng 12 năm 2026")
    expect(page.get_by_test_id("print-attendance")).to_have_text("Số được triệu tập: 6; có mặt: 5.")
    votes = page.get_by_test_id("print-votes")
    expect(votes.locator("tr", has_text=members[0].full_name)).to_contain_text("4/5")
    expect(votes.locator("tr", has_text=members[1].full_name)).to_contain_text("Hoàn thành tốt nhiệm vụ")
    expect(page.get_by_text(f"{absent.full_name} — Đi công tác")).to_be_visible()
    pdf = page.request.get(f"{live_server.url}/hoi-nghi/bien-ban/{tree.cell.pk}/pdf/?nam=2026")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")


@pytest.mark.django_db(transaction=True)
def test_committee_decides_and_each_member_finds_the_grade_in_the_inbox_and_by_email(
    page, live_server, cast, celery_worker_thread, settings
):
    tree = cast.tree
    cycle = _cycle(tree)
    for who in (cast.member, cast.secretary):
        who.user.email = f"{who.user.username}@example.vn"
        who.user.save(update_fields=["email"])
    services.collective_record(cell=tree.cell, cycle=cycle, note="Chi bộ hoàn thành tốt", user=None)
    members = list(Member.objects.filter(cell=tree.cell))
    grades = {m.pk: ("COMPLETED" if m == cast.member.member else "GOOD") for m in members}
    record_minutes(tree.cell, cycle, grades)
    inputs = {
        pk: services.GridInput(grade=g, score=Decimal("60" if g == "COMPLETED" else "80")) for pk, g in grades.items()
    }
    services.grid_save(cell=tree.cell, cycle=cycle, inputs=inputs, submit=True, user=None)

    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", server.port, False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.SITE_URL = live_server.url

        login(page, live_server, "dangbo")
        page.goto(f"{live_server.url}/kiem-diem/quyet-dinh/{tree.committee.pk}/")
        page.get_by_role("link", name="Lập, sửa biên bản và số quyết định").click()
        page.get_by_label("Ngày họp").fill("2026-12-28")
        page.get_by_label("Địa điểm").fill("Phòng họp Đảng ủy")
        page.get_by_label("Chủ trì").fill("Nguyễn Văn Bí")
        page.get_by_label("Thư ký hội nghị").fill("Phạm Thị Ký")
        page.get_by_label("Số cấp ủy viên được triệu tập").fill("7")
        page.get_by_label("Số có mặt").fill("7")
        page.get_by_label("Số tán thành").fill("7")
        page.get_by_label("Số quyết định").fill("15-QĐ/ĐU")
        page.get_by_label("Ngày quyết định").fill("2026-12-28")
        page.get_by_role("button", name="Lưu biên bản").click()
        expect(page.get_by_test_id("decision-number")).to_have_text("Quyết định số 15-QĐ/ĐU ngày 28/12/2026")
        section = page.locator(f"[data-testid=decision-cell][data-cell='{tree.cell.pk}']")
        section.get_by_role("button", name="Quyết định xếp loại").click()
        expect(page.get_by_text("Đã quyết định xếp loại đảng viên của Chi bộ Tổ 1.")).to_be_visible()

        deadline = time.monotonic() + 60
        while server.recorder.count < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        (mail,) = server.recorder.to("dangvien@example.vn")
        assert mail["Subject"] == "Kết quả xếp loại năm 2026"
        assert "của đồng chí: Hoàn thành nhiệm vụ (Quyết định số 15-QĐ/ĐU ngày 28/12/2026)." in body(mail)
        (digest,) = server.recorder.to("bithu@example.vn")  # own grade + the cell's published list
        assert "Công khai kết quả xếp loại năm 2026 — Chi bộ Tổ 1" in body(digest)

    page.context.clear_cookies()
    login(page, live_server, "dangvien")
    expect(page.get_by_test_id("unread-count")).to_have_text("1")
    page.get_by_test_id("nav-notifications").click()
    item = page.get_by_test_id("notification")
    expect(item).to_contain_text("Kết quả xếp loại năm 2026")
    expect(item).to_contain_text("Hoàn thành nhiệm vụ (Quyết định số 15-QĐ/ĐU")


@pytest.mark.django_db(transaction=True)
def test_leader_files_two_quarters_and_the_managing_body_decides_them(page, live_server, cast):
    tree = cast.tree
    _cycle(tree)
    quarterly_cycle_create(organization=tree.province, year=2026)

    login(page, live_server, "bithu")  # a cell secretary: a listed leadership position
    for quarter, score in ((1, "86"), (2, "91")):
        page.goto(f"{live_server.url}/danh-gia-quy/?nam=2026&quy={quarter}")
        page.get_by_label("Nhiệm vụ được giao trong quý").fill(f"Lãnh đạo chi bộ quý {quarter}")
        page.get_by_label("Kết quả thực hiện").fill("Hoàn thành các chỉ tiêu")
        page.get_by_label("Tự chấm điểm (thang 100)").fill(score)
        page.get_by_label("Tự xếp loại").select_option("GOOD")
        page.get_by_role("button", name="Nộp cấp quản lý").click()
        expect(page.get_by_text("Đã nộp bản tự đánh giá quý.")).to_be_visible()
    rows = page.get_by_test_id("quarters")
    expect(rows.locator("tr[data-quarter='1']")).to_contain_text("Đã nộp, chờ cấp quản lý")
    expect(rows.locator("tr[data-quarter='2']")).to_contain_text("91")

    page.context.clear_cookies()
    login(page, live_server, "dangvien")  # an ordinary member stays annual
    page.goto(f"{live_server.url}/danh-gia-quy/?nam=2026&quy=1")
    expect(page.get_by_test_id("not-quarterly")).to_be_visible()
    assert page.get_by_role("button", name="Nộp cấp quản lý").count() == 0

    page.context.clear_cookies()
    login(page, live_server, "dangbo")
    page.goto(f"{live_server.url}/kiem-diem/quyet-dinh/{tree.committee.pk}/")
    page.get_by_role("link", name="Đánh giá cán bộ hằng quý").click()
    name = cast.secretary.member.full_name
    for quarter, grade in ((1, "GOOD"), (2, "EXCELLENT")):
        page.get_by_label(f"Xếp loại quý {name} {quarter}").select_option(grade)
        page.get_by_label(f"Nhận xét {name} {quarter}").fill("Sâu sát cơ sở")
        page.locator("tr", has=page.get_by_label(f"Xếp loại quý {name} {quarter}")).get_by_role(
            "button", name="Đánh giá"
        ).click()
        expect(page.get_by_text(f"Đã đánh giá quý {'I' * quarter} của đồng chí {name}.")).to_be_visible()
    rollup = page.get_by_test_id("quarterly-rollup")
    expect(rollup.locator("tr[data-quarter='1']")).to_contain_text("1")
    assert page.get_by_test_id("managed-decided").all_inner_texts() == [
        "Hoàn thành tốt nhiệm vụ",
        "Hoàn thành xuất sắc nhiệm vụ",
    ]

    page.context.clear_cookies()
    login(page, live_server, "bithu")
    page.goto(f"{live_server.url}/danh-gia-quy/?nam=2026&quy=2")
    expect(page.get_by_test_id("quarters").locator("tr[data-quarter='2']")).to_contain_text(
        "Hoàn thành xuất sắc nhiệm vụ"
    )
