"""Benchmark: 2025-style reorganisation on a seeded province (prints seconds, nodes/s and members/s).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tusoi_<name> .venv/bin/python bench/onboarding_reorg.py [--members 100000]

Seeds a province (organizations.seeding, valid from 1/7/2025), then on 1/1/2026: merges the two
largest communes, removes the bloc level (its grassroots organisations move up to the province) and
previews one more merge. Everything runs in a transaction that is rolled back.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Count  # noqa: E402

from onboarding.models import ReorgKind  # noqa: E402
from onboarding.services import reorg  # noqa: E402
from organizations import selectors  # noqa: E402
from organizations.models import Member, Organization, OrgKind  # noqa: E402
from organizations.seeding import seed_province_data  # noqa: E402

ON = dt.date(2026, 1, 1)


class _Rollback(Exception):
    pass


def report(label: str, seconds: float, record) -> None:
    nodes = len(record.summary["created"])
    print(
        f"{label}: {seconds:.1f} s — {nodes} nodes created ({nodes / seconds:,.0f}/s), "
        f"{record.members_moved} members moved ({record.members_moved / seconds:,.0f}/s)"
    )


def communes_by_size(province: Organization) -> list[Organization]:
    communes = list(
        Organization.objects.filter(path__startswith=province.path, kind=OrgKind.COMMUNE, valid_to__isnull=True)
    )
    sizes = dict(
        Member.objects.filter(cell__path__startswith=province.path)
        .values_list("cell__path")
        .annotate(n=Count("id"))
        .values_list("cell__path", "n")
    )
    total = {c.pk: sum(n for p, n in sizes.items() if p.startswith(c.path)) for c in communes}
    return sorted(communes, key=lambda c: -total[c.pk])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--merge-provinces", action="store_true", help="also seed a second province and merge both")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    try:
        with transaction.atomic():
            t0 = time.perf_counter()
            # Seeding twice collides on generated codes, so both provinces come from one call
            # (≤ 150k members per province: 2 × 100k gives two provinces).
            total = args.members * (2 if args.merge_provinces else 1)
            result = seed_province_data(members=total, seed=7, year=2025, with_users=False)
            province = result.provinces[0]
            print(f"seeded {result.members} members, {result.organizations} nodes in {time.perf_counter() - t0:.1f} s")
            before = selectors.member_counts_on(day=dt.date(2025, 12, 31), within=province)
            a, b, c, d = communes_by_size(province)[:4]
            t = time.perf_counter()
            record = reorg.organization_merge(
                sources=[a, b], parent=province, name="Đảng bộ xã Hợp Nhất", code="BENCH-MERGED", on=ON
            )
            report("merge of the two largest communes", time.perf_counter() - t, record)
            bloc = Organization.objects.get(
                path__startswith=province.path, kind=OrgKind.DISTRICT, valid_to__isnull=True
            )
            t = time.perf_counter()
            record = reorg.organization_remove_level(org=bloc, on=ON)
            report("removal of the bloc level", time.perf_counter() - t, record)
            t = time.perf_counter()
            summary = reorg.reorganisation_preview(
                kind=ReorgKind.MERGE, sources=[c, d], parent=province, name="Xem trước", code="BENCH-PREVIEW", on=ON
            )
            print(f"preview of a third merge: {time.perf_counter() - t:.1f} s, {summary['members_moved']} members")
            t = time.perf_counter()
            after_2025 = selectors.member_counts_on(day=dt.date(2025, 12, 31), within=province)
            after_2026 = selectors.member_counts_on(day=dt.date(2026, 12, 31), within=province)
            print(f"valid-on roll-ups (2 years): {time.perf_counter() - t:.2f} s")
            assert after_2025 == before, "2025 must be unchanged"
            assert after_2026[province.pk] == before[province.pk], "nobody lost in 2026"
            print(f"2025 unchanged ({before[province.pk]} members); 2026 province total {after_2026[province.pk]}")
            if args.merge_provinces:
                other = result.provinces[1]
                t = time.perf_counter()
                record = reorg.organization_merge(
                    sources=[Organization.objects.get(pk=province.pk), other],
                    parent=None,
                    name="Đảng bộ tỉnh Hợp Nhất",
                    code="BENCH-PROVINCE",
                    on=ON,
                )
                report("merge of two provinces", time.perf_counter() - t, record)
            raise _Rollback
    except _Rollback:
        print("rolled back")


if __name__ == "__main__":
    main()
