"""Issue 13, items 5 and 6 in the browser: the grid never loses typed work (check, refused submission,
row autosave → reload → values back), and it is readable at 1366×768 (no horizontal scroll, 16 px
text, 44 px targets, full grade names, scores not cut, sticky header, a quota line people understand,
no serious accessibility violation)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from organizations.models import Member
from tests.browser.conftest import login, screenshot_path
from tests.factories import MemberFactory
from tests.reviews.helpers import cycle_2026

pytestmark = pytest.mark.django_db(transaction=True)


def _cycle(tree):
    return cycle_2026(tree)


def _members(cell) -> list[Member]:
    return list(Member.objects.filter(cell=cell).order_by("pk"))


def _open_grid(page, live_server, cell) -> str:
    url = f"{live_server.url}/kiem-diem/chi-bo/{cell.pk}/"
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return url


def _value(page, member, field) -> str:
    return page.locator(f"[name=m{member.pk}-{field}]").input_value()


# --- Item 5: never lose typed work -------------------------------------------------------------------


def test_typed_grades_come_back_after_a_check_and_a_reload(page, live_server, cast):
    _cycle(cast.tree)
    first, second = _members(cast.tree.cell)
    login(page, live_server, "bithu")
    url = _open_grid(page, live_server, cast.tree.cell)
    page.locator(f"[name=m{first.pk}-score]").fill("95")
    page.locator(f"[name=m{first.pk}-grade]").select_option("EXCELLENT")
    page.locator(f"[name=m{second.pk}-grade]").select_option("COMPLETED")
    page.locator("#id_org_grade").select_option("GOOD")  # in no row: only the check keeps it
    page.get_by_role("button", name="Kiểm tra").click()
    page.wait_for_load_state("networkidle")

    page.goto(url)
    expect(page.get_by_test_id("draft-restored")).to_contain_text("Đã khôi phục bản nháp lưu lúc")
    assert _value(page, first, "grade") == "EXCELLENT"
    assert _value(page, first, "score") == "95"
    assert _value(page, second, "grade") == "COMPLETED"
    assert page.locator("#id_org_grade").input_value() == "GOOD"


def test_a_refused_submission_keeps_what_was_typed_after_a_reload(page, live_server, cast):
    _cycle(cast.tree)
    first, second = _members(cast.tree.cell)
    login(page, live_server, "bithu")
    url = _open_grid(page, live_server, cast.tree.cell)
    for m, grade in ((first, "GOOD"), (second, "EXCELLENT")):
        page.locator(f"[name=m{m.pk}-score]").fill("91,5")
        page.locator(f"[name=m{m.pk}-grade]").select_option(grade)
    page.locator("#id_org_score").fill("88")
    # no collective review and no minutes: refused
    page.get_by_role("button", name="Nộp đề xuất lên cấp quyết định").click()
    expect(page.get_by_test_id("grid-error").first).to_contain_text("Chưa nộp được")

    page.goto(url)
    expect(page.get_by_test_id("draft-restored")).to_be_visible()
    assert [_value(page, m, "grade") for m in (first, second)] == ["GOOD", "EXCELLENT"]
    assert _value(page, second, "score") == "91,5"
    assert page.locator("#id_org_score").input_value() == "88"


def test_a_row_is_autosaved_as_it_is_typed_and_the_draft_can_be_discarded(page, live_server, cast):
    _cycle(cast.tree)
    first = _members(cast.tree.cell)[0]
    login(page, live_server, "bithu")
    url = _open_grid(page, live_server, cast.tree.cell)
    page.locator(f"[name=m{first.pk}-grade]").select_option("COMPLETED")
    expect(page.get_by_test_id("draft-autosaved")).to_contain_text("Đã tự động lưu nháp lúc")
    page.locator(f"[name=m{first.pk}-note]").fill("Còn đi họp muộn")
    # leaving the field is the change that autosaves: wait for that row's save, not for a quiet network
    with page.expect_response(lambda r: f"dong={first.pk}" in r.url and r.request.method == "POST") as saved:
        page.keyboard.press("Tab")
    assert saved.value.ok

    page.goto(url)  # no button was pressed
    expect(page.get_by_test_id("draft-restored")).to_be_visible()
    assert _value(page, first, "grade") == "COMPLETED"
    assert _value(page, first, "note") == "Còn đi họp muộn"

    page.get_by_role("button", name="Bỏ bản nháp, xem bảng đã lưu").click()
    expect(page.get_by_text("Đã bỏ bản nháp; bảng hiển thị các giá trị đã lưu.")).to_be_visible()
    assert _value(page, first, "note") == ""
    expect(page.get_by_test_id("draft-restored")).to_have_count(0)


# --- Item 6: readable at 1366×768 --------------------------------------------------------------------

_SMALL_TEXT = """() => [...document.querySelectorAll('main *')].filter(e => {
    const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const r = e.getBoundingClientRect();
    return (own || ['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON'].includes(e.tagName)) && r.width > 0 && r.height > 0
        && parseFloat(getComputedStyle(e).fontSize) < 16;
}).map(e => e.tagName + ' ' + e.textContent.trim().slice(0, 40))"""

_SMALL_TARGETS = """() => [...document.querySelectorAll(
        'main input:not([type=hidden]), main select, main textarea, main button')]
    .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height < 44; })
    .map(e => (e.name || e.textContent.trim()) + ' ' + e.getBoundingClientRect().height)"""

# A control's text is cut when it is wider than the box inside the padding (the arrow of a select sits there).
_CUT = """(sel) => [...document.querySelectorAll(sel)].filter(e => {
    const cs = getComputedStyle(e), ctx = document.createElement('canvas').getContext('2d');
    ctx.font = cs.font;
    const room = e.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    const texts = e.tagName === 'SELECT' ? [...e.options].map(o => o.text) : [e.value];
    return texts.some(t => ctx.measureText(t).width > room + 0.5);
}).map(e => e.name)"""


def test_the_grid_is_readable_at_1366_by_768(browser, live_server, cast):
    tree = cast.tree
    _cycle(tree)
    for _ in range(18):
        MemberFactory(cell=tree.cell)
    members = _members(tree.cell)
    assert len(members) == 20
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    csp = []
    page.on("console", lambda msg: csp.append(msg.text) if "Content Security Policy" in msg.text else None)
    login(page, live_server, "bithu")
    url = _open_grid(page, live_server, tree.cell)

    # before any grade: a sentence, not "tối đa 0 (0 Hoàn thành tốt)"
    quota = page.get_by_test_id("quota-summary")
    expect(quota).to_contain_text("Hoàn thành xuất sắc: tối đa 20 % số Hoàn thành tốt của Đảng bộ")
    assert "tối đa 0" not in quota.inner_text()

    for i, m in enumerate(members):
        page.locator(f"[name=m{m.pk}-score]").fill("95,5" if i < 3 else "80")
        page.locator(f"[name=m{m.pk}-grade]").select_option("EXCELLENT" if i < 3 else "GOOD")
    page.get_by_role("button", name="Kiểm tra").click()
    page.wait_for_load_state("networkidle")
    expect(quota).to_contain_text("Hoàn thành xuất sắc: 3 / tối đa 3 — tính trên 17 Hoàn thành tốt của Đảng bộ")

    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate(_SMALL_TEXT) == []
    assert page.evaluate(_SMALL_TARGETS) == []
    # full grade names in the grade selects, scores not cut
    options = page.locator(f"[name=m{members[0].pk}-grade] option").all_inner_texts()
    assert "Hoàn thành xuất sắc nhiệm vụ" in options and "Không hoàn thành nhiệm vụ" in options
    assert page.evaluate(_CUT, "select[name$=-grade], select[name$=-civil_service_grade], select[name$=-reason]") == []
    assert page.evaluate(_CUT, "input[name$=-score]") == []
    # the header row stays in view down the table
    page.locator(f"[name=m{members[-1].pk}-grade]").scroll_into_view_if_needed()
    top = page.locator("[data-testid=grid] thead th").first.bounding_box()["y"]
    assert 0 <= top < 2
    # keyboard: the score, then the grade of the same member
    page.locator(f"[name=m{members[4].pk}-score]").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == f"m{members[4].pk}-grade"

    results = Axe().run(page)
    bad = [v["id"] for v in results.response["violations"] if v["impact"] in ("critical", "serious")]
    assert bad == [], results.generate_report()

    page.goto(url)  # the screenshots for the closing note
    page.locator("[data-testid=grid]").scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -110)")
    page.screenshot(path=screenshot_path("grid_1366.png"))
    page.screenshot(path=screenshot_path("grid_1366_full.png"), full_page=True)
    context.close()
    assert csp == []
