"""Issue 13, item 7 in the browser: the committee's decisions page — a refusal keeps what was typed and
marks the row, nothing preselected without a proposal, one collapsible section per cell, approve all
as proposed for one cell, 16 px / 44 px, and axe finds nothing critical or serious."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from reviews import services
from reviews.models import MemberReview, ReviewStatus
from tests.browser.conftest import login, screenshot_path
from tests.factories import MemberFactory
from tests.reviews.helpers import cycle_2026, propose

pytestmark = pytest.mark.django_db(transaction=True)


def _propose_both(cast, first_cell_grade="GOOD"):
    """Both cells of the grassroots committee submitted their proposals."""
    tree = cast.tree
    cycle = cycle_2026(tree)
    for cell, extra, grade in ((tree.cell, 4, first_cell_grade), (tree.cell2, 3, "GOOD")):
        for _ in range(extra):
            MemberFactory(cell=cell)
        propose(cell, cycle, None, default=grade)
    return cycle


@pytest.fixture
def proposed(cast):
    return _propose_both(cast)


def _open_decisions(page, live_server, cast):
    login(page, live_server, "dangbo")
    page.goto(f"{live_server.url}/kiem-diem/quyet-dinh/{cast.tree.committee.pk}/?nam=2026")


def _section(page, cell):
    return page.locator(f"[data-testid=decision-cell][data-cell='{cell.pk}']")


def test_a_refusal_keeps_the_changed_grade_and_highlights_the_row(page, live_server, cast, proposed):
    _open_decisions(page, live_server, cast)
    section = _section(page, cast.tree.cell)
    section.locator("summary").click()
    name = cast.member.member.full_name
    section.get_by_label(f"Quyết định {name}").select_option("COMPLETED")
    section.get_by_label(f"Lý do thay đổi {cast.secretary.member.full_name}").fill("ghi chú")
    section.get_by_role("button", name="Quyết định xếp loại").click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_contain_text(f"{name}: Thay đổi mức xếp loại chi bộ đề xuất phải ghi rõ lý do.")
    section = _section(page, cast.tree.cell)
    expect(section).to_have_attribute("open", "")
    grade = section.get_by_label(f"Quyết định {name}")
    expect(grade).to_have_value("COMPLETED")  # not reverted to the proposal
    expect(grade).to_have_attribute("aria-invalid", "true")
    expect(section.get_by_label(f"Lý do thay đổi {cast.secretary.member.full_name}")).to_have_value("ghi chú")
    row = section.locator(f"#row-{MemberReview.objects.get(member=cast.member.member).pk}")
    expect(row).to_have_class("table-danger decision-row-error")
    expect(row.get_by_test_id("decision-row-error")).to_be_visible()
    assert row.evaluate("r => getComputedStyle(r.cells[0]).boxShadow") != "none"  # the bar, not colour alone
    expect(section.get_by_test_id("cell-error-count")).to_have_text("Lỗi: 1")
    summary.get_by_role("link", name=f"{name}: Thay đổi mức xếp loại").click()
    assert page.url.endswith(f"#row-{MemberReview.objects.get(member=cast.member.member).pk}")

    section.get_by_label(f"Lý do thay đổi {name}").fill("Chậm hoàn thành nhiệm vụ được giao")
    section.get_by_role("button", name="Quyết định xếp loại").click()
    expect(page.get_by_text("Đã quyết định xếp loại đảng viên của Chi bộ Tổ 1.")).to_be_visible()
    assert MemberReview.objects.get(member=cast.member.member).decided_grade == "COMPLETED"


def test_no_grade_is_preselected_where_there_is_no_proposal(page, live_server, cast, proposed):
    services.cell_decide(cell=cast.tree.cell, cycle=proposed, user=cast.committee.user)
    _open_decisions(page, live_server, cast)
    org_grade = page.get_by_label(f"Xếp loại tổ chức {cast.tree.cell.name}")
    expect(org_grade).to_have_value("")  # the cell proposed no grade of its own: "— chọn —"
    assert org_grade.locator("option").first.inner_text() == "— chọn —"
    page.locator(f"tr[data-org='{cast.tree.cell.pk}']").get_by_role("button", name="Quyết định").click()
    expect(page.get_by_test_id("org-decision-error")).to_have_text("Chọn mức xếp loại tổ chức.")
    expect(page.get_by_test_id("error-summary")).to_contain_text("Chọn mức xếp loại tổ chức.")
    # where the cell proposed a grade, the proposal is what the select starts from
    section = _section(page, cast.tree.cell2)
    section.locator("summary").click()
    expect(section.get_by_label(f"Quyết định {cast.other_secretary.member.full_name}")).to_have_value("GOOD")


def test_one_collapsible_section_per_cell_with_its_counts(page, live_server, cast, proposed):
    _open_decisions(page, live_server, cast)
    sections = page.get_by_test_id("decision-cell")
    expect(sections).to_have_count(2)
    first = _section(page, cast.tree.cell)
    select = first.get_by_label(f"Quyết định {cast.member.member.full_name}")
    expect(first).not_to_have_attribute("open", "")  # two cells waiting: both start as one-line summaries
    expect(select).to_be_hidden()
    expect(first.get_by_test_id("cell-counts")).to_have_text("Số đảng viên: 6 · HTTNV: 6")
    expect(_section(page, cast.tree.cell2).get_by_test_id("cell-counts")).to_have_text("Số đảng viên: 4 · HTTNV: 4")
    first.locator("summary").click()
    expect(select).to_be_visible()
    first.locator("summary").click()
    expect(select).to_be_hidden()
    first.locator("summary").focus()  # the keyboard opens it too
    page.keyboard.press("Enter")
    expect(select).to_be_visible()


def test_approve_all_as_proposed_for_one_cell(page, live_server, cast, proposed):
    _open_decisions(page, live_server, cast)
    section = _section(page, cast.tree.cell2)
    section.locator("summary").click()
    section.get_by_role("button", name="Duyệt tất cả theo đề xuất").click()
    expect(page.get_by_text("Đã duyệt xếp loại đảng viên của Chi bộ Tổ 2 theo đề xuất của chi bộ.")).to_be_visible()
    decided = MemberReview.objects.filter(status=ReviewStatus.DECIDED)
    assert set(decided.values_list("cell_id", "decided_grade")) == {(cast.tree.cell2.pk, "GOOD")}
    expect(_section(page, cast.tree.cell2).locator("summary")).to_contain_text("Đã quyết định")


def test_approve_all_refused_over_the_quota_shows_the_reason(page, live_server, cast):
    _propose_both(cast, first_cell_grade="EXCELLENT")
    _open_decisions(page, live_server, cast)
    section = _section(page, cast.tree.cell)
    section.locator("summary").click()
    section.get_by_role("button", name="Duyệt tất cả theo đề xuất").click()
    error = _section(page, cast.tree.cell).get_by_test_id("decision-error").first
    expect(error).to_contain_text("Hoàn thành xuất sắc")
    assert not MemberReview.objects.filter(status=ReviewStatus.DECIDED).exists()


def test_decision_page_accessibility_sizes_and_screenshot(browser, live_server, cast, proposed):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    _open_decisions(page, live_server, cast)
    page.screenshot(path=screenshot_path("decisions_1366.png"))
    section = _section(page, cast.tree.cell)
    section.locator("summary").click()
    section.get_by_label(f"Quyết định {cast.member.member.full_name}").select_option("COMPLETED")
    section.get_by_role("button", name="Quyết định xếp loại").click()  # refused: the error state is checked too
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    for summary in page.locator("details:not([open]) > summary").all():
        summary.click()
    page.screenshot(path=screenshot_path("decisions_1366_error_full.png"), full_page=True)
    result = Axe().run(page)
    bad = [v for v in result.response["violations"] if v["impact"] in ("critical", "serious")]
    assert bad == [], result.generate_report()
    no_scroll = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert no_scroll, "horizontal scrolling at 1366 px"
    controls = page.locator(
        "main select:visible, main input:not([type=hidden]):not([type=checkbox]):visible, "
        "main button:visible, main summary"
    )
    assert controls.count() > 10
    for box, size in controls.evaluate_all(
        "els => els.map(e => [e.getBoundingClientRect().height, getComputedStyle(e).fontSize])"
    ):
        assert box >= 44 and size == "16px"
    text = page.locator("main td, main th, main p, main label").evaluate_all(
        "els => els.map(e => getComputedStyle(e).fontSize)"
    )
    assert set(text) == {"16px"}
    context.close()
