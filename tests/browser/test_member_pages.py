"""Issue 13 items 9, 10 and "Phones" in headless Chromium: the member's self-assessment and commitment
forms, the six member pages at 360×740 in mobile emulation, and axe on the forms at desktop size."""

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe

from commitments.services import ActionInput, commitment_save
from notifications.models import Notification
from reviews import services as review_services
from reviews.models import GradingRegime, Indicator, MemberReview
from tests.browser.conftest import login, screenshot_path, watch_csp
from tests.commitments.conftest import AREAS, ensure_indicators, open_cycle

pytestmark = pytest.mark.django_db(transaction=True)



def review_cycle(tree):
    ensure_indicators()
    return review_services.cycle_create(
        organization=tree.province,
        year=dt.date.today().year,
        regime=GradingRegime.objects.get(code="QD366-2025"),
        self_assessment_deadline=dt.date(dt.date.today().year, 12, 10),
        meeting_deadline=dt.date(dt.date.today().year, 12, 20),
        decision_deadline=dt.date(dt.date.today().year + 1, 1, 15),
    )


def assert_axe_clean(page):
    result = Axe().run(page)
    serious = [v for v in result.response["violations"] if v["impact"] in ("critical", "serious")]
    assert serious == [], result.generate_report()


# --- item 9: the self-assessment ---------------------------------------------------------------------


def test_self_assessment_choices_required_then_read_only(page, live_server, cast):
    review_cycle(cast.tree)
    login(page, live_server, "dangvien")
    page.goto(f"{live_server.url}/kiem-diem/")
    assert page.locator("input[type=radio]").count() == 81
    assert page.locator("input[type=radio]:checked").count() == 0  # nothing preselected
    assert (
        page.get_by_test_id("answer-help").get_by_text("tôi thấy mình có lúc, có mức độ mắc biểu hiện này").is_visible()
    )
    choice = page.locator("label.answer-choice").first
    assert choice.bounding_box()["height"] >= 44
    assert choice.evaluate("e => getComputedStyle(e).fontSize") == "16px"
    assert_axe_clean(page)

    # Submitting with answers missing: a message per indicator, nothing typed is lost, nothing saved.
    indicators = page.get_by_test_id("indicator")
    for i in range(25):
        indicators.nth(i).get_by_text("Không có biểu hiện", exact=True).click()
    indicators.nth(25).get_by_text("Có biểu hiện (tôi thấy", exact=False).click()
    page.get_by_label("Ưu điểm").fill("Gương mẫu trong sinh hoạt")
    page.get_by_role("button", name="Nộp bản kiểm điểm").click()
    assert "Còn 1 biểu hiện chưa trả lời" in page.get_by_test_id("review-errors").inner_text()
    assert page.get_by_test_id("indicator-error").count() == 1
    assert "is-invalid" in (indicators.nth(26).get_attribute("class") or "")
    assert "is-invalid" not in (indicators.nth(0).get_attribute("class") or "")
    assert page.get_by_text("Vui lòng viết hạn chế, khuyết điểm và nguyên nhân trước khi nộp").is_visible()
    assert page.get_by_label("Ưu điểm").input_value() == "Gương mẫu trong sinh hoạt"
    assert page.locator("input[type=radio]:checked").count() == 26
    assert not MemberReview.objects.exists()

    indicators.nth(26).get_by_text("Không có biểu hiện", exact=True).click()
    page.get_by_label("Hạn chế, khuyết điểm và nguyên nhân").fill("Đôi lúc chậm báo cáo")
    page.get_by_label("Tự chấm điểm").fill("82")
    page.get_by_label("Tự nhận mức xếp loại").select_option("GOOD")
    page.get_by_role("button", name="Nộp bản kiểm điểm").click()
    banner = page.get_by_test_id("review-banner")
    assert f"Đồng chí đã nộp bản kiểm điểm ngày {dt.date.today():%d/%m/%Y}" in banner.inner_text()
    assert page.locator("textarea, input[type=radio], select#id_self_grade").count() == 0  # a document now
    assert "Đôi lúc chậm báo cáo" in page.get_by_test_id("review-read").inner_text()

    page.goto(f"{live_server.url}/")
    assert page.get_by_test_id("own-review-link").inner_text() == "Xem bản kiểm điểm đã nộp"
    MemberReview.objects.update(status="DECIDED", decided_grade="GOOD")
    page.reload()
    assert page.get_by_test_id("own-review-link").inner_text() == "Xem kết quả xếp loại"
    assert "Viết bản kiểm điểm của tôi" not in page.content()


# --- item 10: the commitment form ----------------------------------------------------------------------


def test_commitment_marks_rows_dates_and_delete(page, live_server, cast):
    ensure_indicators()
    cycle = open_cycle(cast.tree.province)
    year = cycle.year
    login(page, live_server, "dangvien")
    page.goto(f"{live_server.url}/cam-ket/")
    # Required marks before any submit.
    assert page.locator("label[for=id_political_ideology] .asteriskField").is_visible()
    assert page.locator("#id_political_ideology").get_attribute("required") is not None
    assert_axe_clean(page)

    # "Thêm việc làm" adds a row without saving; dates are typed day/month/year.
    rows = page.get_by_test_id("action-row")
    assert rows.count() == 1
    page.get_by_role("button", name="Thêm việc làm").click()
    assert rows.count() == 2 and page.locator("[name='actions-1-description']").evaluate(
        "e => e === document.activeElement"
    )
    for i, (what, due) in enumerate(
        [("Dọn vệ sinh khu dân cư", f"01/12/{year}"), ("Gõ nhầm dòng này", f"15/06/{year}")]
    ):
        page.locator(f"[name='actions-{i}-description']").fill(what)
        page.locator(f"[name='actions-{i}-expected_result']").fill("12 buổi")
        page.locator(f"[name='actions-{i}-due_on']").fill(due)
    page.get_by_label("Về tư tưởng chính trị").fill(AREAS["political_ideology"])

    # A submit without any watched indicator: the group says so, its 27 labels stay their normal colour.
    page.get_by_role("button", name="Nộp bản cam kết").click()
    assert page.get_by_test_id("watched-error").is_visible()
    label = page.get_by_test_id("watched-indicators").locator(".form-check-label").first
    error = page.get_by_test_id("watched-error")
    assert label.evaluate("e => getComputedStyle(e).color") != error.evaluate("e => getComputedStyle(e).color")
    assert page.locator(".is-invalid").count() == page.locator(".invalid-feedback").count() - 1
    assert page.locator("[name='actions-1-due_on']").input_value() == f"15/06/{year}"  # typed work kept

    # A bad date: a clear message, the typed text kept.
    page.locator("[name='actions-1-due_on']").fill("31/02/" + str(year))
    page.get_by_role("button", name="Lưu nháp").click()
    assert page.get_by_text("Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm").is_visible()
    assert page.locator("[name='actions-1-due_on']").input_value() == f"31/02/{year}"
    page.locator("[name='actions-1-due_on']").fill(f"15/06/{year}")
    page.get_by_role("button", name="Lưu nháp").click()
    assert page.get_by_text("Đã lưu bản nháp.").is_visible()
    assert page.locator("[name='actions-0-due_on']").input_value() == f"01/12/{year}"  # shown dd/mm/yyyy

    # The "Xóa" column deletes a saved row.
    page.get_by_test_id("action-row").nth(1).get_by_label("Xóa dòng này").check()
    page.get_by_role("button", name="Lưu nháp").click()
    assert page.get_by_text("Đã lưu bản nháp.").is_visible()
    assert page.locator("[name='actions-0-description']").input_value() == "Dọn vệ sinh khu dân cư"
    assert page.locator("[name='actions-1-description']").input_value() == ""


def test_activation_page_passes_axe(page, live_server, transactional_db):
    page.goto(f"{live_server.url}/kich-hoat/")
    assert_axe_clean(page)


# --- Phones: the six member pages at 360×740 ------------------------------------------------------------

PHONE_CHECK = """() => {
  const out = {scroll: [document.documentElement.scrollWidth, window.innerWidth], fonts: [], targets: []};
  const visible = (el) => { const r = el.getBoundingClientRect(); const cs = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden'; };
  const name = (el) => el.tagName + '.' + el.className + ' «' + (el.innerText || el.value || el.name || '').trim().slice(0, 40) + '»';
  for (const el of document.querySelectorAll('body *')) {
    if (!visible(el)) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (own && size < 16) out.fonts.push(name(el) + ' ' + size);
  }
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea')) {
    if (!visible(el)) continue;
    let r = el.getBoundingClientRect();
    if (el.matches('input[type=radio], input[type=checkbox]')) {
      const label = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`));
      if (label) { const l = label.getBoundingClientRect(); r = {width: Math.max(r.width, l.width), height: Math.max(r.height, l.height)}; }
    }
    if (r.width < 43.5 || r.height < 43.5) out.targets.push(name(el) + ` ${Math.round(r.width)}×${Math.round(r.height)}`);
  }
  return out;
}"""


def _home(live_server, cast):
    review_cycle(cast.tree)
    return "/"


def _commitment(live_server, cast):
    ensure_indicators()
    open_cycle(cast.tree.province)
    return "/cam-ket/"


def _self_assessment(live_server, cast):
    review_cycle(cast.tree)
    return "/kiem-diem/"


def _progress(live_server, cast):
    ensure_indicators()
    cycle = open_cycle(cast.tree.province)
    commitment_save(
        member=cast.member.member,
        cycle=cycle,
        content=dict(AREAS),
        watched=list(Indicator.objects.filter(number=6)),
        actions=[
            ActionInput(
                id=None,
                description="Dọn vệ sinh khu dân cư",
                expected_result="12 buổi",
                due_on=dt.date(cycle.year, 12, 1),
            )
        ],
        submit=True,
        by=cast.member.user,
    )
    return "/cam-ket/tien-do/"


def _inbox(live_server, cast):
    for title in ("Nhắc nộp bản tự kiểm điểm năm nay", "Chi bộ đã nhận bản cam kết của đồng chí"):
        Notification.objects.create(user=cast.member.user, title=title, body="Mở để xem chi tiết.", link="/kiem-diem/")
    return "/thong-bao/"


def _activation(live_server, cast):
    return None  # anonymous


PAGES = {
    "home": _home,
    "commitment": _commitment,
    "self_assessment": _self_assessment,
    "progress": _progress,
    "inbox": _inbox,
    "activation": _activation,
}


@pytest.mark.parametrize("name", list(PAGES))
def test_member_page_fits_a_phone(browser, live_server, cast, name):
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    page = context.new_page()
    violations = watch_csp(page)
    path = PAGES[name](live_server, cast)
    if path is None:
        path = "/kich-hoat/"
    else:
        login(page, live_server, "dangvien")
    page.goto(f"{live_server.url}{path}")
    assert page.url.endswith(path), page.url
    found = page.evaluate(PHONE_CHECK)
    page.screenshot(path=screenshot_path(f"{name}_360.png"))
    context.close()
    width, inner = found["scroll"]
    assert width <= inner, f"horizontal scroll: {width} > {inner}"
    assert found["fonts"] == [], found["fonts"]
    assert found["targets"] == [], found["targets"]
    assert violations == []
