"""Issue 13 in the browser, after `seed_demo` with the demo logins:
item 8 (each role's menu leads to its work; the home badge equals the decisions page),
item 4 (the English interface, chosen by the user, reads correctly) and item 11 (names)."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from organizations.models import Organization, Position
from organizations.seeding import DEMO_PASSWORD
from tests.ux.test_finding_work import propose_cells_of

from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def seeded(transactional_db):
    call_command("seed_demo", members=200, seed=5)
    return Organization.objects.get(depth=1)


def _org_of(username: str) -> Organization:
    return Position.objects.get(user__username=username).organization


def _nav(page, testid: str):
    return page.locator("nav.navbar").get_by_test_id(testid)


def test_each_role_finds_its_work_from_the_menu(page, live_server, seeded):
    cell, gcell, committee = _org_of("bithu"), _org_of("bithucs"), _org_of("dangbo")
    # the cell secretary: "Kiểm điểm" opens the cell's grid, their own review is a separate entry
    login(page, live_server, "bithu", DEMO_PASSWORD)
    _nav(page, "nav-grid").click()
    expect(page).to_have_url(f"{live_server.url}/kiem-diem/chi-bo/{cell.pk}/")
    expect(_nav(page, "nav-grid")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", level=1)).to_contain_text(cell.name)
    _nav(page, "nav-my-review").click()
    expect(page).to_have_url(f"{live_server.url}/kiem-diem/")
    assert _nav(page, "nav-decisions").count() == 0
    page.context.clear_cookies()
    # the grassroots cell's secretary reaches the decisions page from the menu
    login(page, live_server, "bithucs", DEMO_PASSWORD)
    _nav(page, "nav-decisions").click()
    expect(page).to_have_url(f"{live_server.url}/kiem-diem/quyet-dinh/{gcell.pk}/")
    page.context.clear_cookies()
    # the grassroots committee: the badge on its home equals the cells waiting on the decisions page
    waiting = propose_cells_of("dangbo")
    login(page, live_server, "dangbo", DEMO_PASSWORD)
    expect(page.get_by_test_id("decisions-waiting")).to_have_text(f"{waiting} đề xuất đang chờ")
    _nav(page, "nav-decisions").click()
    expect(page).to_have_url(f"{live_server.url}/kiem-diem/quyet-dinh/{committee.pk}/")
    proposed = page.locator("[data-testid=decision-cell][data-status=PROPOSED]")
    expect(proposed).to_have_count(waiting)
    page.context.clear_cookies()
    # the province decides no cell's members: no badge promising work its page does not show
    login(page, live_server, "tinhuy", DEMO_PASSWORD)
    expect(page.get_by_test_id("review-org-panel")).to_be_visible()
    expect(page.get_by_test_id("decisions-waiting")).to_have_count(0)
    _nav(page, "nav-decisions").click()
    expect(page.get_by_test_id("decision-cell").filter(has_text="— Chi bộ đã đề xuất")).to_have_count(0)


def _choose_english(page) -> None:
    page.select_option("select[name=language]", "en")
    page.wait_for_load_state("networkidle")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_english_chosen_by_the_user_reads_correctly(page, live_server, seeded):
    login(page, live_server, "dangvien", DEMO_PASSWORD)
    _choose_english(page)
    expect(_nav(page, "nav-my-review")).to_have_text("My review")
    page.goto(f"{live_server.url}/kiem-diem/")
    # each answer "Có biểu hiện" reads "Some signs" (it once read "27 manifestations of degradation")
    expect(page.get_by_text("Some signs", exact=True).first).to_be_visible()
    expect(page.get_by_text("27 manifestations of degradation", exact=True)).to_have_count(0)
    page.context.clear_cookies()
    login(page, live_server, "tinhuy", DEMO_PASSWORD)
    _choose_english(page)
    expect(_nav(page, "nav-decisions")).to_have_text("Grading decision")
    page.goto(f"{live_server.url}/tong-hop/{seeded.pk}/")
    expect(page.get_by_role("heading", name="Members' grades", exact=True)).to_be_visible()  # not "party card number"
    page.goto(f"{live_server.url}/tong-hop/{_org_of('bithu').pk}/")
    expect(page.get_by_role("columnheader", name="Self-proposed grade")).to_be_visible()  # not "Reviews and grading"
    page.context.clear_cookies()
    login(page, live_server, "dangbo", DEMO_PASSWORD)
    _choose_english(page)
    page.goto(f"{live_server.url}/kiem-diem/quyet-dinh/{_org_of('dangbo').pk}/")
    expect(page.get_by_role("heading", name="Members' grades proposed by the cells")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Members can only belong to a cell.")


def test_names_direct_children_subtree_admin_apps_and_languages(page, live_server, seeded):
    login(page, live_server, "tinhuy", DEMO_PASSWORD)
    direct = Organization.objects.filter(depth=2).count()
    subtree = Organization.objects.filter(depth__gt=1, valid_to__isnull=True).count()
    expect(page.get_by_test_id("org-counts")).to_have_text(
        f"Tổ chức trực thuộc trực tiếp: {direct} · Tổ chức đảng các cấp trong đảng bộ: {subtree}"
    )
    assert direct < subtree
    expect(page.locator("select[name=language] option")).to_have_text(["Tiếng Việt", "English"])
    page.context.clear_cookies()
    login(page, live_server, "admin", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/admin/")
    main = page.locator("#content-main")
    for vietnamese in ("Lịch tác vụ định kỳ", "Kết quả tác vụ nền", "Khóa đăng nhập sau nhiều lần sai mật khẩu"):
        expect(main).to_contain_text(vietnamese)
    for english in ("Periodic Tasks", "Celery Results", "Axes"):
        expect(main).not_to_contain_text(english)
