"""The province dashboard against the floor page (the inbox), interleaved, read-only.

    SECRET_KEY=… DATABASE_URL=postgres://postgres@127.0.0.1:5432/tusoi_perf_1m REDIS_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python bench/dashboard_floor.py [--user tinhuy] [--n 300] [--miss]

Requests alternate floor, dashboard, floor, … through the Django test client logged in as `--user`,
so load on the machine weighs on both alike; it prints each page's queries (warm) and p50, and the
ratio. `--miss` also times the dashboard with its cached fragment deleted before every request.

Nothing is written to the database: its connections are read-only (a write fails loudly), the
session lives in the cache, the login stamps neither `last_login` nor axes' log, and the second factor's
requirement is switched off for this process; a user who has a device is verified with it.
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

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import update_last_login  # noqa: E402
from django.contrib.auth.signals import user_logged_in  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.backends.signals import connection_created  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402


def _read_only(sender, connection, **kwargs) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")


def _client(username: str) -> Client:
    settings.ALLOWED_HOSTS = ["*"]
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    settings.TWO_FACTOR_REQUIRED_POSITIONS = []
    settings.TWO_FACTOR_REQUIRED_FOR_STAFF = False
    settings.AXES_ENABLED = False  # its login handler writes an access log
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user)
    # A user with a confirmed device (perf_table.py's logged_in makes one) must pass it: verified
    # with an existing device, as after a real login (django_otp then reads it on every page).
    from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user

    device = next(iter(devices_for_user(user, confirmed=True)), None)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _timed(client: Client, url: str, cpu: list[float] | None = None) -> float:
    start, start_cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    if cpu is not None:
        cpu.append((time.process_time() - start_cpu) * 1000)
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def _queries(client: Client, url: str) -> list[dict]:
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    writes = [
        q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]
    assert not writes, writes
    return ctx.captured_queries


def _fragment_keys(client: Client, url: str) -> list[str]:
    """The dashboard's cached fragment (and the children's table it replaced, for older checkouts)."""
    from django.core.cache.utils import make_template_fragment_key
    from django.urls import resolve
    from django.utils import translation

    from rollups import pdf, selectors

    user = get_user_model().objects.get(pk=client.session["_auth_user_id"])
    year = selectors.default_year()
    with translation.override(settings.LANGUAGE_CODE):
        context = pdf.print_context(
            user=user, org_id=resolve(url).kwargs["org_id"], year=year, stage=selectors.default_stage(year)
        )
        key = context["board"].cache_key
    return [
        make_template_fragment_key("rollups_board", [key, context["redecision_total"], settings.LANGUAGE_CODE]),
        make_template_fragment_key("rollups_children", [key]),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--user", default="tinhuy")
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--miss", action="store_true")
    parser.add_argument("--sql", action="store_true")
    args = parser.parse_args()
    connection_created.connect(_read_only)
    connection.close()  # the next query opens a read-only connection
    client = _client(args.user)
    floor_url = reverse("notifications:inbox")
    home = client.get(reverse("rollups:home"))
    dash_url = home["Location"]
    for _ in range(5):
        client.get(floor_url), client.get(dash_url)
    for name, url in (("floor", floor_url), ("dashboard", dash_url)):
        queries = _queries(client, url)
        total = sum(float(q["time"]) for q in queries) * 1000
        print(f"{name:10s} {url:18s} queries {len(queries)} ({total:.2f} ms in SQL)")
        if args.sql:
            for q in queries:
                print(f"    {q['time']} {q['sql'][:200]}")
    floor, dash, floor_cpu, dash_cpu = [], [], [], []
    for _ in range(args.n):
        floor.append(_timed(client, floor_url, floor_cpu))
        dash.append(_timed(client, dash_url, dash_cpu))
    with open("/proc/loadavg") as f:
        load = f.read().strip()
    f50, d50 = statistics.median(floor), statistics.median(dash)
    print(f"floor p50 {f50:.2f} ms  dashboard p50 {d50:.2f} ms  ratio {d50 / f50:.2f}×  (n={args.n})")
    print(f"floor min {min(floor):.2f} ms  dashboard min {min(dash):.2f} ms  ratio {min(dash) / min(floor):.2f}×")
    fc, dc = statistics.median(floor_cpu), statistics.median(dash_cpu)
    print(f"python CPU p50: floor {fc:.2f} ms  dashboard {dc:.2f} ms  ratio {dc / fc:.2f}×")
    if args.miss:
        from django.core.cache import cache

        keys = _fragment_keys(client, dash_url)
        missed = []
        for _ in range(max(10, args.n // 5)):
            cache.delete_many(keys)
            missed.append(_timed(client, dash_url))
        print(
            f"dashboard, fragment missed: p50 {statistics.median(missed):.2f} ms ({statistics.median(missed) / f50:.2f}× floor)"
        )
    print(f"loadavg {load}")


if __name__ == "__main__":
    main()
