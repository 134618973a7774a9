"""Benchmark: the reminder run for a province of 100k members against a real SMTP server.

    DATABASE_URL=postgres://…/tusoi_x .venv/bin/python bench/notifications_reminders.py [--members 100000]

Seeds a province (or reuses the biggest one with at least --members members), gives every
member an address, opens a bench-only commitment cycle nobody has filed for (so every active
member is due a reminder: the worst case), starts aiosmtpd in a separate process on a free
localhost port, and times one run of the service that the Celery task calls. A second run
measures the idempotent pass (nothing new to send). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("REDIS_URL", "")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402

from commitments.models import CommitmentCycle  # noqa: E402
from notifications.models import Notification, ReminderLog  # noqa: E402
from notifications.services import reminders_run  # noqa: E402
from organizations.models import Member, Organization  # noqa: E402
from organizations.seeding import seed_province_data  # noqa: E402

BENCH_YEAR = 2099  # a cycle nobody filed for: every active member is reminded


def province(members: int) -> tuple[Organization, int]:
    for org in Organization.objects.filter(depth=1).order_by("id"):
        n = Member.objects.filter(cell__path__startswith=org.path).count()
        if n >= members * 0.95:
            return org, n
    t = time.perf_counter()
    result = seed_province_data(members=members, seed=7, with_users=False)
    print(f"seeded {result.members} members in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    return result.provinces[0], result.members


def prepare(org: Organization) -> CommitmentCycle:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE organizations_member m SET email = 'dv' || m.id || '@bench.tusoi.local' "
            "FROM organizations_organization o WHERE o.id = m.cell_id AND o.path LIKE %s AND m.email = ''",
            [org.path + "%"],
        )
    cycle, _ = CommitmentCycle.objects.get_or_create(
        organization=org,
        year=BENCH_YEAR,
        defaults={"opens_on": dt.date(BENCH_YEAR, 1, 5), "deadline": dt.date(BENCH_YEAR, 2, 28)},
    )
    ReminderLog.objects.filter(commitment_cycle=cycle).delete()  # each bench run starts fresh
    Notification.objects.filter(kind="COMMITMENT", title__contains=str(BENCH_YEAR)).delete()
    return cycle


def smtp_server() -> tuple[subprocess.Popen, int]:
    """aiosmtpd in its own process (as a real MTA would be), discarding what it accepts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"]
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("aiosmtpd did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()

    org, members = province(args.members)
    cycle = prepare(org)
    proc, port = smtp_server()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    on = cycle.deadline - dt.timedelta(days=7)
    try:
        t0 = time.perf_counter()
        stats = reminders_run(on=on, days_before=(7, 0), batch_size=args.batch)
        first = time.perf_counter() - t0
        t1 = time.perf_counter()
        again = reminders_run(on=on, days_before=(7, 0), batch_size=args.batch)
        second = time.perf_counter() - t1
    finally:
        proc.terminate()
        proc.wait(10)
    ledger = dict(ReminderLog.objects.filter(commitment_cycle=cycle).values_list("status").annotate(n=Count("id")))
    print(
        json.dumps(
            {
                "bench": "notifications_reminders",
                "province_members": members,
                "reminders_due": stats["due"],
                "emails_sent": stats["emails"],
                "inbox_rows": stats["inbox"],
                "seconds": round(first, 1),
                "messages_per_second": round(stats["emails"] / first, 1),
                "second_run_emails": again["emails"],
                "second_run_seconds": round(second, 1),
                "ledger": ledger,
                "smtp": f"aiosmtpd (separate process) 127.0.0.1:{port}",
                "batch_size": args.batch,
                "smtp_connections": getattr(settings, "NOTIFICATIONS_SMTP_CONNECTIONS", 4),
                "cpus": os.cpu_count(),
                "load_average_1min": round(os.getloadavg()[0], 1),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
