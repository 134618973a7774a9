"""Roll-up benchmark: seed ≥ 1 M members, full rebuild, verify, dashboards, grade-change latency.

Prints one JSON object. Not a test: figures depend on the machine and its load.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tusoi_bench REDIS_URL=redis://127.0.0.1:6379/3 \
        .venv/bin/python bench/rollups_bench.py [--seed-members 1000000] [--requests 200] [--changes 10]

With --seed-members the database named in DATABASE_URL is migrated and seeded with `seed_demo`
first (skip it to reuse an already seeded database). The grade-change test starts a real Celery
worker (`celery -A config worker -P solo`) against the same database and REDIS_URL.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from core import events  # noqa: E402
from organizations.models import Member, Organization, OrgKind  # noqa: E402
from reviews.models import MemberReview  # noqa: E402
from rollups import services  # noqa: E402
from rollups.models import OrgRollup  # noqa: E402


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def pctl(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def dashboard_figures(client: Client, org: Organization, requests: int) -> dict:
    url = reverse("rollups:dashboard", kwargs={"org_id": org.pk})
    cache.clear()
    counted: list[str] = []
    with connection.execute_wrapper(lambda execute, sql, *a: counted.append(sql) or execute(sql, *a)):
        started = time.perf_counter()
        client.get(url)  # cold: renders the children fragment
        cold_ms = (time.perf_counter() - started) * 1000
        cold_queries = len(counted)
        counted.clear()
        client.get(url)  # warm: the fragment comes from the cache
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return {
        "org": org.name,
        "kind": org.kind,
        "children": OrgRollup.objects.filter(parent_id=org.pk, year=timezone.localdate().year).count() // 2,
        "requests": requests,
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(pctl(times, 0.95), 2),
        "queries": len(counted),
        "cold_ms": round(cold_ms, 2),
        "cold_queries": cold_queries,
    }


def grade_change_latency(changes: int) -> dict:
    """Commit a grade change + cells_changed; wait until the province row shows it (real worker)."""
    year = timezone.localdate().year
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    worker = subprocess.Popen(  # noqa: S603 - our own venv's celery
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "solo", "-l", "WARNING", "-Q", "celery"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(6)  # let the worker connect
        reviews = list(
            MemberReview.objects.filter(year=year, status="DECIDED", not_graded_reason="")
            .exclude(decided_grade="")
            .select_related("member")[:changes]
        )
        latencies = []
        for review in reviews:
            cell = review.member.cell
            province = Organization.objects.get(path=cell.path[: Organization.steplen])
            before = OrgRollup.objects.get(organization=province, year=year, stage="DECIDED").g_not_completed
            new = "NOT_COMPLETED" if review.decided_grade != "NOT_COMPLETED" else "GOOD"
            expected = before + (1 if new == "NOT_COMPLETED" else -1)
            started = time.perf_counter()
            with transaction.atomic():
                MemberReview.objects.filter(pk=review.pk).update(decided_grade=new, proposed_grade=new)
                events.cells_changed(cell_ids=[cell.id], year=year)
            while time.perf_counter() - started < 30:
                now = OrgRollup.objects.get(organization=province, year=year, stage="DECIDED").g_not_completed
                if now == expected:
                    break
                time.sleep(0.01)
            latencies.append((time.perf_counter() - started) * 1000)
            MemberReview.objects.filter(pk=review.pk).update(
                decided_grade=review.decided_grade, proposed_grade=review.proposed_grade
            )
            services.rollups_refresh(org_ids=[cell.id], year=year)
        return {
            "changes": len(latencies),
            "p50_ms": round(statistics.median(latencies), 1),
            "max_ms": round(max(latencies), 1),
        }
    finally:
        worker.terminate()
        worker.wait(20)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed-members", type=int, default=0)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--skip-rebuild", action="store_true", help="reuse the stored rows")
    parser.add_argument("--skip-verify", action="store_true")
    args = parser.parse_args()
    figures: dict = {"database": connection.settings_dict["NAME"]}
    call_command("migrate", verbosity=0)
    if args.seed_members:
        figures["seed_seconds"], _ = timed(call_command, "seed_demo", members=args.seed_members, verbosity=0)
    with connection.cursor() as cursor:  # bulk loads leave no planner statistics behind
        cursor.execute("ANALYZE")
    figures["members"] = Member.objects.count()
    figures["organizations"] = Organization.objects.count()
    figures["cells"] = Organization.objects.filter(kind__in=["CELL", "GRASSROOTS_CELL"]).count()
    # Start from a vacuumed roll-up table, as autovacuum (off on this server) or the previous
    # rebuild's own VACUUM would leave it; rebuilds replace 124k rows per year each time.
    services.rollups_vacuum()
    per_year, rows = {}, {}
    for year in [] if args.skip_rebuild else services.rollup_years():
        seconds, rows[year] = timed(services.rollups_rebuild_year, year=year)
        per_year[year] = round(seconds, 2)
    figures["full_rebuild_seconds"] = round(sum(per_year.values()), 2)
    vacuum_s, _ = timed(services.rollups_vacuum)
    figures["vacuum_after_rebuild_seconds"] = round(vacuum_s, 2)
    figures["rebuild_seconds_by_year"] = per_year
    figures["rows_by_year"] = rows
    verify_years = [] if args.skip_verify else services.rollup_years()
    verify_s, diffs = timed(lambda: sum(len(services.rollups_compare(year=y)) for y in verify_years))
    figures["verify_seconds"] = round(verify_s, 2)
    figures["verify_differences"] = diffs
    single_s, _ = timed(services.rollups_refresh, org_ids=[Organization.objects.filter(kind="CELL").first().pk],
                        year=timezone.localdate().year)  # fmt: skip
    figures["refresh_one_cell_ms"] = round(single_s * 1000, 1)

    client = Client()
    client.force_login(get_user_model().objects.filter(is_superuser=True).first())
    province = Organization.objects.filter(depth=1).order_by("path").first()
    commune = (
        Organization.objects.filter(depth=2, path__startswith=province.path, kind=OrgKind.COMMUNE)
        .order_by("-numchild")
        .first()
    )
    figures["dashboard_province"] = dashboard_figures(client, province, args.requests)
    figures["dashboard_commune"] = dashboard_figures(client, commune, args.requests)
    figures["grade_change_visible_in_province"] = grade_change_latency(args.changes)
    with open("/proc/loadavg") as f:
        figures["load_average_at_end"] = f.read().split()[:3]
    print(json.dumps(figures, indent=2, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
