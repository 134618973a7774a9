"""Time the secretary's grid for a 60-member cell: page load, check, draft save, submit, decide.

Run: DATABASE_URL=... .venv/bin/python bench/reviews_grid.py  (everything is rolled back at the end)
"""

import datetime as dt
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from organizations.models import Member, OrgKind, PositionKind  # noqa: E402
from organizations.services import position_assign  # noqa: E402
from reviews import services  # noqa: E402
from tests.factories import MemberFactory, UserFactory, make_org  # noqa: E402

MEMBERS, REPS = 60, 7


def timed(fn):
    with CaptureQueriesContext(connection) as q:
        start, cpu = time.perf_counter(), time.process_time()
        resp = fn()
        ms, cpu_ms = (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000
    return resp, ms, len(q.captured_queries), cpu_ms


def main() -> None:
    setup_test_environment()
    with transaction.atomic():
        province = make_org("Bench tỉnh", OrgKind.PROVINCE)
        committee = make_org("Bench đảng bộ", OrgKind.GRASSROOTS_COMMITTEE, province)
        cell = make_org("Bench chi bộ", OrgKind.CELL, committee)
        secretary, decider = UserFactory(username="bench-bithu"), UserFactory(username="bench-dangbo")
        position_assign(user=secretary, organization=cell, kind=PositionKind.CELL_SECRETARY)
        position_assign(user=decider, organization=committee, kind=PositionKind.STANDING_COMMITTEE)
        for _ in range(MEMBERS):
            MemberFactory(cell=cell)
        cycle = services.cycle_create(
            organization=province,
            year=dt.date.today().year,
            self_assessment_deadline=dt.date.today(),
            meeting_deadline=dt.date.today(),
            decision_deadline=dt.date.today(),
        )
        services.collective_record(cell=cell, cycle=cycle, note="bench")
        members = list(Member.objects.filter(cell=cell))
        data = {"nam": str(cycle.year)}
        for m in members:
            data |= {f"m{m.pk}-grade": "GOOD", f"m{m.pk}-score": "80"}
        client = Client()
        client.force_login(secretary)
        url = reverse("reviews:grid", args=[cell.pk])
        rows = []
        for label, fn in [
            ("GET grid", lambda: client.get(url)),
            ("POST check", lambda: client.post(url, {**data, "action": "check"})),
            ("POST save", lambda: client.post(url, {**data, "action": "save"})),
        ]:
            samples = [timed(fn) for _ in range(REPS)]
            med = statistics.median(s[1] for s in samples)
            rows.append(
                (label, med, min(s[1] for s in samples), samples[-1][2], statistics.median(s[3] for s in samples))
            )
        _, ms, queries, cpu = timed(lambda: client.post(url, {**data, "action": "submit"}))
        rows.append(("POST submit", ms, ms, queries, cpu))
        client.force_login(decider)
        durl = reverse("reviews:decisions", args=[committee.pk])
        _, ms, queries, cpu = timed(lambda: client.post(durl, {"action": "decide", "org": cell.pk, "nam": cycle.year}))
        rows.append(("POST decide", ms, ms, queries, cpu))
        print(f"Grid of a {MEMBERS}-member cell (wall median / min ms over {REPS} reps, CPU ms of this process)")
        for label, med, low, queries, cpu in rows:
            print(f"  {label:<12} {med:8.1f} {low:8.1f}  cpu {cpu:7.1f}  {queries:3d} queries")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
