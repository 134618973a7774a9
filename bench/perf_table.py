"""Issue 14's table in one JSON: every row as a ratio to the floor page (the inbox) measured in the same
interleaved loop, with absolute p50/p95, query counts and /proc/loadavg next to each figure.

Run against a seeded database (`seed_demo --members 1000000`, or `--national --members 5500000`):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tusoi_perf_1m REDIS_URL=redis://127.0.0.1:6379/8 \
        .venv/bin/python bench/perf_table.py [--reps 15] [--only ROW[,ROW…]] [--no-concurrency] \
        [--decide-reps 5] [--port 8181] [--pgbouncer-port 6432] [--eager] [--label TEXT] > bench.json

--only          run only these rows (the JSON's row keys; an unknown name is an error listing the
                valid ones). The floor always runs, interleaved with the selected rows.
Rows:
  <level>_dashboard   the dashboard at each level present in the database (central — a national seed
                      only —, province, district, commune, grassroots_committee, cell), read by the
                      seed's demo login of that level or a bench login given a position there
  grid_get, grid_post_save, completeness_province, member_search_app_*, admin_*, province_pdf_*
  cell_decide         reviews.services.cell_decide alone on a proposed cell of >= 15 members whose
                      decision passes the rules, in a transaction rolled back (re-runnable); p50 of
                      --decide-reps runs and the query count
  grade_decided_to_province_row   one cell's roll-up refresh up to the province, in-process
  concurrent_saves_16_direct / _pgbouncer   16 secretaries saving different cells through gunicorn
                      (4 workers) on 127.0.0.1:--port; the clock starts once every client has opened
                      its grid, 10 saves each: saves/s, p50, p95, errors. The second starts PgBouncer
                      (transaction pooling, scripts/pgbouncer.sh) on --pgbouncer-port and stops it after.
Written to the database (a bench database): grid draft saves and the bench logins' positions; the
cell decisions are rolled back.
"""

from __future__ import annotations

import argparse
import html.parser
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# As deployed, a save records its roll-up refresh in the outbox and returns; the relay and a rollups
# worker run it (the concurrency rows start both, on this bench's own Redis database). `--eager`
# runs every task in-process instead, inside the request that queued it.
if "--eager" in sys.argv:
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
else:
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from organizations.models import Member, Organization, OrgKind, PositionKind  # noqa: E402
from reviews.models import OrgReview, ReviewStatus  # noqa: E402

User = get_user_model()
FORM = "application/x-www-form-urlencoded"  # how the browser posts the grid (the test client's default is multipart)


def loadavg() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


class Form(html.parser.HTMLParser):
    """The fields of the grid form as a browser would post them back."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "checkbox", "radio"):
            self.data[name] = a.get("value") or ""
        elif tag == "input" and name and a.get("type") in ("checkbox", "radio") and "checked" in a:
            self.data[name] = a.get("value") or "on"
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def form_of(page: str) -> dict[str, str]:
    parser = Form()
    parser.feed(page)
    return parser.data


def measure(fn):
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        response = fn()
        ms = (time.perf_counter() - start) * 1000
    status = getattr(response, "status_code", 200)
    return ms, len(ctx.captured_queries), status


def p(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def logged_in(username: str) -> Client:
    """A session as after a full login, second factor included: committee members and staff must
    pass it (TWO_FACTOR_REQUIRED_*), otherwise every page of theirs is a redirect to the OTP form."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    device, _ = StaticDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def secretary_for(cell: Organization, n: int) -> User:
    from organizations.models import Position

    user, _ = User.objects.get_or_create(username=f"bench-bithu-{n}", defaults={"first_name": f"Bí thư {n}"})
    if not Position.objects.filter(user=user, organization=cell).exists():
        Position.objects.filter(user=user).delete()
        from organizations.services import position_assign

        position_assign(user=user, organization=cell, kind=PositionKind.CELL_SECRETARY)
    return user


def open_cells(province: Organization, year: int, count: int, size: tuple[int, int]) -> list[Organization]:
    """Cells under grassroots committees with no proposal yet this year, of a given size."""
    closed = OrgReview.objects.filter(year=year, status__in=[ReviewStatus.PROPOSED, ReviewStatus.DECIDED]).values(
        "organization_id"
    )
    cells = []
    for cell in (
        Organization.objects.filter(path__startswith=province.path, kind=OrgKind.CELL)
        .exclude(pk__in=closed)
        .order_by("path")[:4000]
    ):
        n = Member.objects.filter(cell=cell).count()
        if size[0] <= n <= size[1]:
            cells.append(cell)
        if len(cells) >= count:
            break
    return cells


# Every row the table can have, in the order it prints them. `floor` always runs (the ratios need it).
DASHBOARD_LEVELS = [
    # (row prefix, kind, the seed's demo login reading that level — see organizations.seeding._demo_users)
    ("central", OrgKind.CENTRAL, "trunguong"),
    ("province", OrgKind.PROVINCE, "tinhuy"),
    ("district", OrgKind.DISTRICT, None),
    ("commune", OrgKind.COMMUNE, "xauy"),
    ("grassroots_committee", OrgKind.GRASSROOTS_COMMITTEE, "dangbo"),
    ("cell", OrgKind.CELL, "bithu"),
]
DASHBOARD_ROWS = [f"{level}_dashboard" for level, _, _ in DASHBOARD_LEVELS]
LOOP_ROWS = [
    *DASHBOARD_ROWS,
    "grid_get",
    "grid_post_save",
    "completeness_province",
    "member_search_app_common",
    "member_search_app_rare",
    "admin_member_search",
    "admin_members_changelist",
    "province_pdf_cached",
]
CONCURRENCY_ROWS = ["concurrent_saves_16_direct", "concurrent_saves_16_pgbouncer"]
ROWS = ["floor", "province_pdf_first_render", *LOOP_ROWS, "cell_decide", "grade_decided_to_province_row",
        *CONCURRENCY_ROWS]


def selected_rows(only: str | None, no_concurrency: bool) -> list[str]:
    if not only:
        rows = list(ROWS)
    else:
        rows = [name.strip() for name in only.split(",") if name.strip()]
        unknown = [name for name in rows if name not in ROWS]
        if unknown:
            raise SystemExit(f"--only: unknown row(s) {', '.join(unknown)}; valid rows: {', '.join(ROWS)}")
    if no_concurrency:
        rows = [name for name in rows if name not in CONCURRENCY_ROWS]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--only", metavar="ROW[,ROW…]", help="run only these rows (the floor always runs)")
    parser.add_argument("--no-concurrency", action="store_true")
    parser.add_argument("--decide-reps", type=int, default=5, help="timed cell_decide repetitions (rolled back)")
    parser.add_argument("--port", type=int, default=8181, help="gunicorn's port for the concurrency rows")
    parser.add_argument("--pgbouncer-port", type=int, default=6432)
    parser.add_argument("--label", default="")
    parser.add_argument("--eager", action="store_true", help="tasks (roll-up refreshes) in the request")
    args = parser.parse_args()
    want = selected_rows(args.only, args.no_concurrency)
    settings.ALLOWED_HOSTS = ["*"]
    from django.utils import timezone

    year = timezone.localdate().year
    started = time.time()
    out: dict = {
        "label": args.label,
        "only": args.only or "",
        "rollup_refresh": "in the request (eager)" if args.eager else "off the request (outbox → rollups worker)",
        "database": connection.settings_dict["NAME"],
        "members": Member.objects.count(),
        "cells": Organization.objects.filter(kind__in=[OrgKind.CELL, OrgKind.GRASSROOTS_CELL]).count(),
        "organizations": Organization.objects.count(),
        "loadavg_start": loadavg(),
        "rows": {},
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        out["database_size"] = cursor.fetchone()[0]

    province = Organization.objects.filter(kind=OrgKind.PROVINCE).order_by("path").first()
    floor_url = reverse("notifications:inbox")
    floor = logged_in("bithu")
    # Clients are made once per login and only for the rows asked for (each login costs queries).
    clients: dict[str, Client] = {}

    def client_of(username: str) -> Client:
        if username not in clients:
            clients[username] = logged_in(username)
        return clients[username]

    plan: list[tuple[str, object]] = []
    skipped: dict[str, str] = {}
    for level, kind, demo in DASHBOARD_LEVELS:
        name = f"{level}_dashboard"
        if name not in want:
            continue
        target = dashboard_target(level, kind, demo, province)
        if target is None:
            skipped[name] = f"no {kind} organisation in this database"
            continue
        org, username = target
        url = reverse("rollups:dashboard", args=[org.pk])
        plan.append((name, lambda c=client_of(username), u=url: c.get(u)))
        out.setdefault("dashboards", {})[name] = {"org": org.name, "org_id": org.pk, "user": username}

    if {"grid_get", "grid_post_save"} & set(want):
        secretary_cell = open_cells(province, year, 1, (55, 65)) or open_cells(province, year, 1, (30, 200))
        cell = secretary_cell[0]
        grid = client_of(secretary_for(cell, 0).username)
        grid_url = reverse("reviews:grid", args=[cell.pk])
        page = grid.get(grid_url).content.decode()
        post = form_of(page)
        post["action"] = "save"
        note_field = sorted(k for k in post if re.fullmatch(r"m\d+-note", k))[0]
        saves = iter(range(10**6))
        out["grid_members"] = len(re.findall(r'name="m\d+-grade"', page))

        def grid_save():
            # A real save: the version the page was opened with (refreshed before each save, outside the
            # timing, as the redirected page would give it) and one row changed, so rows and audit are written.
            post[note_field] = f"bench {next(saves)}"
            return grid.post(grid_url, urllib.parse.urlencode(post), content_type=FORM)

        def grid_save_prepared():
            post["version"] = str(grid_version(cell, year))

        plan.append(("grid_get", lambda: grid.get(grid_url)))
        plan.append(("grid_post_save", grid_save))
    province_urls = {
        "completeness_province": ("tinhuy", reverse("commitments:completeness", args=[province.pk])),
        "member_search_app_common": ("tinhuy", reverse("organizations:member_search") + "?q=nguyen+van"),
        "member_search_app_rare": ("tinhuy", reverse("organizations:member_search") + "?q=pham+thi+hong"),
        "admin_member_search": ("admin", reverse("admin:organizations_member_changelist") + "?q=nguyen+van"),
        "admin_members_changelist": ("admin", reverse("admin:organizations_member_changelist")),
        "province_pdf_cached": ("tinhuy", reverse("rollups:print", args=[province.pk]) + "?pdf=1"),
    }
    for name, (username, url) in province_urls.items():
        if name in want:
            plan.append((name, lambda c=client_of(username), u=url: c.get(u)))
    plan.sort(key=lambda item: LOOP_ROWS.index(item[0]))

    if "province_pdf_first_render" in want or "province_pdf_cached" in want:
        # Also fills the PDF cache the cached row reads.
        first = pdf_first(client_of("tinhuy"), province_urls["province_pdf_cached"][1], province)
        if "province_pdf_first_render" in want:
            out["rows"]["province_pdf_first_render"] = first

    samples: dict[str, list] = {name: [] for name, _ in plan}
    samples["floor"] = []
    for fn in [lambda: floor.get(floor_url)] + [f for _, f in plan]:
        fn()  # warm caches (sessions, scopes, fragments, the cached PDF)
    for _ in range(args.reps):
        samples["floor"].append(measure(lambda: floor.get(floor_url)))
        for name, fn in plan:
            if name == "grid_post_save":
                grid_save_prepared()
            samples[name].append(measure(fn))
            samples["floor"].append(measure(lambda: floor.get(floor_url)))
    floor_p50 = statistics.median(s[0] for s in samples["floor"])
    for name, values in samples.items():
        times = [v[0] for v in values]
        row = {
            "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(p(times, 0.95), 2),
            "queries": values[-1][1],
            "status": values[-1][2],
        }
        if name != "floor":
            row["ratio_to_floor"] = round(row["p50_ms"] / floor_p50, 2)
        row["loadavg"] = loadavg()
        out["rows"][name] = row
    for name, why in skipped.items():
        out["rows"][name] = {"skipped": why}

    if "cell_decide" in want:
        out["rows"]["cell_decide"] = decide_once(province, year, args.decide_reps)
    if "grade_decided_to_province_row" in want:
        out["rows"]["grade_decided_to_province_row"] = visible_in_province(province, year)
    if set(CONCURRENCY_ROWS) & set(want):
        cells = open_cells(province, year, 16, (10, 80))
        users = [secretary_for(c, i + 1) for i, c in enumerate(cells)]
        common = {"year": year, "port": args.port, "pgbouncer_port": args.pgbouncer_port}
        if "concurrent_saves_16_direct" in want:
            out["rows"]["concurrent_saves_16_direct"] = concurrency(cells, users, via_pgbouncer=False, **common)
        if "concurrent_saves_16_pgbouncer" in want:
            out["rows"]["concurrent_saves_16_pgbouncer"] = (
                concurrency(cells, users, via_pgbouncer=True, **common)
                if shutil_which("pgbouncer")
                else {"skipped": "pgbouncer is not installed"}
            )
    out["rows"] = {name: out["rows"][name] for name in ROWS if name in out["rows"]}
    out["floor_p50_ms"] = round(floor_p50, 2)
    out["loadavg_end"] = loadavg()
    out["seconds"] = round(time.time() - started, 1)
    print(json.dumps(out, indent=1, ensure_ascii=False))


def dashboard_target(level: str, kind: str, demo: str | None, province: Organization) -> tuple[Organization, str] | None:
    """The organisation of that level whose dashboard the row reads, and a login whose scope covers it.

    The seed's demo login for the level when it has one (as the province row always used `tinhuy`),
    otherwise the first organisation of the kind (under the bench province, below the top) and a bench
    login given a position there. None when the database has no organisation of that kind.
    """
    from organizations.models import Position

    orgs = Organization.objects.filter(kind=kind)
    if kind != OrgKind.CENTRAL:
        orgs = orgs.filter(path__startswith=province.path)
    if demo:
        held = (
            Position.objects.filter(user__username=demo, valid_to__isnull=True, organization__in=orgs)
            .select_related("organization")
            .order_by("organization__path")
            .first()
        )
        if held:
            return held.organization, demo
    org = orgs.order_by("path").first()
    if org is None:
        return None
    if kind in (OrgKind.CELL, OrgKind.GRASSROOTS_CELL):
        return org, secretary_for(org, 100).username
    user, _ = User.objects.get_or_create(username=f"bench-{level}", defaults={"first_name": f"bench {level}"})
    Position.objects.get_or_create(
        user=user, organization=org, kind=PositionKind.STANDING_COMMITTEE, defaults={"valid_from": "2020-01-01"}
    )
    return org, user.username


def pdf_first(client: Client, url: str, province: Organization) -> dict:
    """The first request for a PDF not cached yet: the page the user gets (202 "preparing", the task
    queued), the render as the exports worker runs it (timed here, in-process), then the PDF served."""
    from django.core.cache import cache

    from rollups.pdf import pdf_key, pdf_make, print_context
    from rollups.selectors import default_stage, default_year

    user = User.objects.get(username="tinhuy")
    shown = {"user": user, "org_id": province.pk, "year": default_year(), "stage": default_stage(default_year())}
    key = pdf_key(print_context(**shown))
    cache.delete_many([key, f"{key}:job"])  # not cached yet, whatever an earlier run left
    first = measure(lambda: client.get(url))
    start = time.perf_counter()
    pdf_make(**shown)
    render_ms = (time.perf_counter() - start) * 1000
    served = measure(lambda: client.get(url))
    return {"first_response_ms": round(first[0], 1), "first_status": first[2], "task_render_ms": round(render_ms, 1),
            "then_served_ms": round(served[0], 1), "then_status": served[2], "loadavg": loadavg()}


def grid_version(cell: Organization, year: int) -> int:
    return OrgReview.objects.filter(organization=cell, year=year).values_list("version", flat=True).first() or 0


def shutil_which(name: str) -> str | None:
    import shutil

    return shutil.which(name)


def decide_once(province: Organization, year: int, reps: int) -> dict:
    """cell_decide, the service alone, on a proposed cell of usual size whose decision passes the rules.

    Every attempt runs in a transaction rolled back afterwards, so the bench can be re-run without using
    up the seed's proposed cells. The first attempt on a cell checks the decision is accepted (a cell
    refused, e.g. by the quota, is passed over for the next one) and warms the caches; `reps` more are timed.
    """
    from django.db import transaction

    from organizations.models import Position
    from reviews import selectors as sel
    from reviews import services

    def attempt(cell, cycle, user):
        with transaction.atomic():
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                try:
                    services.cell_decide(cell=cell, cycle=cycle, user=user, decision_record="bench")
                    error = None
                except (services.RulesRefused, services.NotCompetent, ValidationError) as exc:
                    codes = [v.code for v in getattr(exc, "violations", [])]
                    error = f"{type(exc).__name__}: {', '.join(sorted(set(codes))) or exc}"[:200]
                ms = (time.perf_counter() - start) * 1000
            transaction.set_rollback(True)
        return ms, len(ctx.captured_queries), error

    proposed = (
        OrgReview.objects.filter(
            organization__path__startswith=province.path,
            organization__kind=OrgKind.CELL,
            year=year,
            status=ReviewStatus.PROPOSED,
        )
        .select_related("organization")
        .order_by("organization__path")
    )
    decider, _ = User.objects.get_or_create(username="bench-dangbo")
    refused: list[str] = []
    for review in proposed.iterator():
        cell = review.organization
        members = Member.objects.filter(cell=cell).count()
        if members < 15:
            continue
        committee = sel.member_decider(cell)
        # The deciding body's standing committee, created outside the rolled-back transaction so the
        # scope caches never see a position that is then rolled back.
        Position.objects.get_or_create(
            user=decider, organization=committee, kind=PositionKind.STANDING_COMMITTEE,
            defaults={"valid_from": "2020-01-01"},
        )
        cycle = sel.cycle_for_year(cell, year)
        _, _, error = attempt(cell, cycle, decider)
        if error:
            refused.append(f"{cell.pk}: {error}")
            if len(refused) >= 20:
                break
            continue
        runs = [attempt(cell, cycle, decider) for _ in range(max(1, reps))]
        times = [ms for ms, _, _ in runs]
        return {
            "p50_ms": round(statistics.median(times), 1),
            "min_ms": round(min(times), 1),
            "reps": len(runs),
            "queries": runs[-1][1],
            "members": members,
            "cell_id": cell.pk,
            "cells_refused_first": len(refused),
            "rolled_back": True,
            "loadavg": loadavg(),
        }
    return {"skipped": "no proposed cell of ≥ 15 members whose decision passes the rules", "refused": refused[:5]}


def visible_in_province(province: Organization, year: int) -> dict:
    """Grade change → the province's row moved, through the roll-up refresh (run in-process here)."""
    from rollups.models import OrgRollup
    from rollups.services import rollups_refresh

    cell = Organization.objects.filter(path__startswith=province.path, kind=OrgKind.CELL).order_by("path").first()
    before = OrgRollup.objects.get(organization=province, year=year, stage="DECIDED").updated_at
    start = time.perf_counter()
    rollups_refresh(org_ids=[cell.pk], year=year)
    ms = (time.perf_counter() - start) * 1000
    after = OrgRollup.objects.get(organization=province, year=year, stage="DECIDED").updated_at
    return {"ms": round(ms, 1), "moved": after > before, "note": "refresh of one cell and its ancestors, in-process",
            "loadavg": loadavg()}


def port_free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def concurrency(cells, users, *, via_pgbouncer: bool, year: int, port: int, pgbouncer_port: int,
                refresh: str = "worker", rounds: int = 10) -> dict:
    """16 secretaries saving their own cell's grid at once through gunicorn (4 sync workers).

    Each client opens its grid first; the clock starts when all of them have (a barrier), so the
    figure is the throughput of the saves, not of the page loads before them.
    """
    if not port_free(port):
        return {"skipped": f"127.0.0.1:{port} is busy (choose another with --port)"}
    env = dict(os.environ)
    # Binaries next to this interpreter: the virtualenv may live outside the checkout (a worktree).
    bin_dir = os.path.dirname(sys.executable)
    pgbouncer_env = {**env, "PGBOUNCER_PORT": str(pgbouncer_port),
                     "PGBOUNCER_DIR": f"/tmp/tusoi-pgbouncer-bench-{pgbouncer_port}"}
    if via_pgbouncer:
        if not port_free(pgbouncer_port):
            return {"skipped": f"127.0.0.1:{pgbouncer_port} is busy (choose another with --pgbouncer-port)"}
        subprocess.run(["bash", os.path.join(ROOT, "scripts", "pgbouncer.sh"), "start"], check=True,
                       capture_output=True, env=pgbouncer_env)
        parts = urllib.parse.urlsplit(env["DATABASE_URL"])
        env["DATABASE_URL"] = parts._replace(netloc=f"{parts.username or 'postgres'}@127.0.0.1:{pgbouncer_port}").geturl()
        env["PGBOUNCER"] = "1"
        env["CONN_MAX_AGE"] = "0"
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    background = []
    if refresh == "worker":
        # As deployed: the save records its roll-up work in the outbox; the relay and a rollups
        # worker (broker: this bench's REDIS_URL) refresh off the request, coalescing the cells.
        env["CELERY_TASK_ALWAYS_EAGER"] = "0"
        background = [
            subprocess.Popen([os.path.join(bin_dir, "celery"), "-A", "config", "worker", "-Q",
                              "rollups,celery", "-n", f"bench{port}@%h", "--concurrency", "1",
                              "--loglevel", "warning"], cwd=ROOT, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
            subprocess.Popen([sys.executable, "manage.py", "outbox_relay"],
                             cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        ]
    server = subprocess.Popen(
        [os.path.join(bin_dir, "gunicorn"), "config.wsgi:application", "--workers", "4",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "120"],
        cwd=ROOT, env=env,
    )
    try:
        for _ in range(100):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                c.request("GET", "/healthz")
                c.getresponse().read()
                break
            except OSError:
                time.sleep(0.3)
        sessions = []
        for cell, user in zip(cells, users, strict=True):
            client = Client()
            client.force_login(user)
            sessions.append((cell, client.cookies[settings.SESSION_COOKIE_NAME].value))
        latencies, errors = [], []
        last_sent: dict[int, object] = {}
        lock = threading.Lock()
        clock: dict[str, float] = {}
        # The barrier's action runs once, when the last client has its grid open: the clock starts there.
        barrier = threading.Barrier(len(sessions), action=lambda: clock.setdefault("start", time.perf_counter()))

        def worker(cell, session_id):
            from django.utils import timezone

            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            url = reverse("reviews:grid", args=[cell.pk])
            try:
                conn.request("GET", url, headers={"Cookie": f"sessionid={session_id}"})
                resp = conn.getresponse()
                page = resp.read().decode()
                csrf = re.search(r"csrftoken=([^;]+)", resp.getheader("Set-Cookie") or "")
                data = form_of(page)
                data["action"] = "save"
                note = sorted(k for k in data if re.fullmatch(r"m\d+-note", k))[0]
                cookie = f"sessionid={session_id}" + (f"; csrftoken={csrf.group(1)}" if csrf else "")
            except Exception as exc:  # noqa: BLE001 - counted as an error; the others still run
                with lock:
                    errors.append(f"GET {type(exc).__name__}")
                barrier.wait(timeout=300)
                return
            barrier.wait(timeout=300)
            for n in range(rounds):
                data[note] = f"bench {n} {time.time()}"  # one row changed per save (rows and audit written)
                body = urllib.parse.urlencode(data)
                last_sent[cell.pk] = timezone.now()
                start = time.perf_counter()
                try:
                    conn.request("POST", url, body=body, headers={
                        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded",
                        "Referer": f"http://127.0.0.1:{port}{url}", "Host": f"127.0.0.1:{port}"})
                    r = conn.getresponse()
                    text = r.read().decode(errors="replace")
                except OSError as exc:
                    with lock:
                        errors.append(f"POST {type(exc).__name__}")
                    conn.close()
                    continue
                ms = (time.perf_counter() - start) * 1000
                with lock:
                    latencies.append(ms)
                    if r.status not in (200, 302):
                        errors.append(r.status)
                m = re.search(r'name="version" value="(\d+)"', text)
                if m:
                    data["version"] = m.group(1)
                elif r.status == 302:  # saved: the redirected page would carry the new stamp
                    data["version"] = str(grid_version(cell, year))
            connection.close()

        threads = [threading.Thread(target=worker, args=s) for s in sessions]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - clock["start"]
        drained = drain_seconds(last_sent, year) if refresh == "worker" else 0.0
        return {
            "refresh": "outbox relay + 1 rollups worker (off the request)" if refresh == "worker" else "eager, in the request",
            "clients": len(sessions),
            "rounds": rounds,
            "saves": len(latencies),
            "seconds": round(wall, 2),
            "saves_per_s": round(len(latencies) / wall, 2),
            "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
            "p95_ms": round(p(latencies, 0.95), 1) if latencies else None,
            "errors": len(errors),
            "error_sample": errors[:10],
            "rollups_current_after_s": drained,
            "via": "pgbouncer transaction pooling" if via_pgbouncer else "direct",
            "loadavg": loadavg(),
        }
    finally:
        for process in [server, *background]:
            process.terminate()
        for process in [server, *background]:
            process.wait(timeout=30)
        if via_pgbouncer:
            subprocess.run(["bash", os.path.join(ROOT, "scripts", "pgbouncer.sh"), "stop"], capture_output=True,
                           env=pgbouncer_env)


def drain_seconds(last_sent: dict, year: int, timeout: float = 120.0) -> float | None:
    """Seconds after the last save until every saved cell's roll-up rows were refreshed after its
    last save was sent (the refresh runs off the request); None if not within `timeout`."""
    from django.db.models import Min

    from rollups.models import OrgRollup

    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        stamps = dict(
            OrgRollup.objects.filter(organization_id__in=list(last_sent), year=year)
            .values("organization_id").annotate(t=Min("updated_at")).values_list("organization_id", "t")
        )
        if all(stamps.get(pk) and stamps[pk] >= sent for pk, sent in last_sent.items()):
            return round(time.perf_counter() - start, 2)
        time.sleep(0.05)
    return None


if __name__ == "__main__":
    main()
