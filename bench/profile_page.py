"""Profile one page through the Django test client: p50 over N runs, queries, and a pyinstrument tree.

    DATABASE_URL=… REDIS_URL=… .venv/bin/python bench/profile_page.py --user bithu --url /thong-bao/ [--post] [--n 50]
`--url grid` picks the grid of the cell `--user` is secretary of (`--user bench-bithu-0`: perf_table's
first cell) and `--post` saves it.
pyinstrument is a profiler for this script only (not in requirements.txt).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def _resolve(url: str, username: str) -> str:
    """`grid`: the cell grid of the cell this user is secretary of (perf_table's bench-bithu-0 has one)."""
    if url != "grid":
        return url
    from django.urls import reverse

    from organizations.models import Position, PositionKind

    position = Position.objects.filter(user__username=username, kind=PositionKind.CELL_SECRETARY).first()
    if position is None:
        sys.exit(f"{username} is no cell secretary: pass --user bench-bithu-0 (made by bench/perf_table.py)")
    return reverse("reviews:grid", args=[position.organization_id])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--user", default="bithu")
    parser.add_argument("--url", default="/")
    parser.add_argument("--post", action="store_true")
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--sql", action="store_true")
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    from perf_table import logged_in

    client = logged_in(args.user)
    url, data = _resolve(args.url, args.user), None
    if args.post:
        sys.path.insert(0, os.path.join(ROOT, "bench"))
        from perf_table import form_of

        data = form_of(client.get(url).content.decode())
        data["action"] = "save"

    def call():
        if not args.post:
            return client.get(url)
        import re

        from reviews.models import OrgReview

        cell_id = int(re.search(r"/(\d+)/", url).group(1))
        data["version"] = str(OrgReview.objects.filter(organization_id=cell_id).order_by("-year").values_list(
            "version", flat=True).first() or 0)
        note = sorted(k for k in data if k.endswith("-note") and k.startswith("m"))[0]
        data[note] = f"profile {time.time()}"
        from urllib.parse import urlencode

        return client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded")

    for _ in range(3):
        call()
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    print("status", response.status_code, "queries", len(ctx.captured_queries))
    if args.sql:
        for q in ctx.captured_queries:
            print(q["time"], q["sql"][:400])
    times, cpu = [], []
    for _ in range(args.n):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    with open("/proc/loadavg") as f:
        load = f.read()[:15]
    print(f"p50 {statistics.median(times):.2f} ms  min {min(times):.2f} ms  "
          f"python CPU p50 {statistics.median(cpu):.2f} ms  load {load}")
    if not args.no_profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0002)
        profiler.start()
        for _ in range(args.n):
            call()
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
