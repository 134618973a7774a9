"""Time the commitments reads on the seeded database (run `manage.py seed_demo --members N` first).

    DATABASE_URL=... .venv/bin/python bench/commitments_pages.py

Prints median/min milliseconds and query counts for: the completeness table of the province and of
its largest child, the biggest cell's page rows and the cell panel counts.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from commitments import selectors  # noqa: E402
from organizations.models import Member, Organization  # noqa: E402


def measure(label: str, fn, reps: int = 7) -> None:
    times = []
    for _ in range(reps):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
    print(f"{label:<55} median {statistics.median(times):8.1f} ms  min {min(times):8.1f} ms  {len(ctx)} queries")


def main() -> None:
    province = Organization.objects.filter(depth=1).order_by("path").first()
    members = Member.objects.filter(cell__path__startswith=province.path).count()
    cycle = selectors.cycle_for_org(org=province)
    print(f"province {province.name}: {members} members, cycle {cycle}")
    measure(
        "completeness, province (children + subtree)",
        lambda: selectors.completeness_children(org=province, cycle=cycle),
    )
    child = max(
        Organization.objects.filter(path__startswith=province.path, depth=2),
        key=lambda o: Member.objects.filter(cell__path__startswith=o.path).count(),
    )
    measure(
        f"completeness, largest child ({child.name[:20]})",
        lambda: selectors.completeness_children(org=child, cycle=cycle),
    )
    cell_id = (
        Member.objects.filter(cell__path__startswith=province.path)
        .values("cell_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()["cell_id"]
    )
    cell = Organization.objects.get(pk=cell_id)
    n = Member.objects.filter(cell=cell).count()
    measure(
        f"cell rows, biggest cell ({n} members)",
        lambda: selectors.cell_commitment_rows(cell=cell, cycle=cycle, year=cycle.year),
    )
    measure("cell panel counts, biggest cell", lambda: selectors.cell_counts(cell=cell, year=cycle.year))


if __name__ == "__main__":
    main()
