"""Issue 13, the accessibility gate: axe-core (axe-playwright-python) on the 12 main pages, after
`seed_demo`, with the demo logins: 0 critical and 0 serious violations on each."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from organizations.models import Position
from organizations.seeding import DEMO_PASSWORD

from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

BLOCKING = ("critical", "serious")


def _org_of(username: str) -> int:
    return Position.objects.get(user__username=username).organization_id


# name -> (demo login or None for anonymous, path built after the seed)
PAGES = {
    "login": (None, lambda: "/dang-nhap/"),
    "member-home": ("dangvien", lambda: "/"),
    "committee-home": ("dangbo", lambda: "/"),
    "commitment": ("dangvien", lambda: "/cam-ket/"),
    "self-assessment": ("dangvien", lambda: "/kiem-diem/"),
    "grid": ("bithu", lambda: f"/kiem-diem/chi-bo/{_org_of('bithu')}/"),
    "decisions": ("dangbo", lambda: f"/kiem-diem/quyet-dinh/{_org_of('dangbo')}/"),
    "dashboard": ("tinhuy", lambda: f"/tong-hop/{_org_of('tinhuy')}/"),
    "cell-drill-down": ("tinhuy", lambda: f"/tong-hop/{_org_of('bithu')}/"),
    "inbox": ("dangvien", lambda: "/thong-bao/"),
    "import": ("tinhuy", lambda: "/nhap-du-lieu/"),
    "activation": (None, lambda: "/kich-hoat/"),
}
def blocking_violations(page) -> list[dict]:
    result = Axe().run(page)
    return [v for v in result.response["violations"] if v["impact"] in BLOCKING]


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}, {len(v['nodes'])}×): {v['help']} — "
        + "; ".join(f"{n['target']} {n['failureSummary'][-120:]!r}" for n in v["nodes"][:4])
        for v in violations
    )


@pytest.mark.parametrize("name", list(PAGES))
def test_main_page_has_no_critical_or_serious_violation(page, live_server, transactional_db, name):
    call_command("seed_demo", members=200, seed=5)
    username, path = PAGES[name]
    if username:
        login(page, live_server, username, DEMO_PASSWORD)
    response = page.goto(f"{live_server.url}{path()}")
    assert response.ok, (name, response.status)
    page.wait_for_load_state("networkidle")
    violations = blocking_violations(page)
    assert violations == [], describe(violations)
