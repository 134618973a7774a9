"""Benchmark: dry run + apply of a 100k-member import file (prints rows/s).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tusoi_<name> .venv/bin/python bench/onboarding_import.py \
        [--rows 100000] [--format csv|xlsx] [--keep]

Builds a province with 20 communes × 25 cells, writes the file in memory, then runs the same services
the Celery tasks run (dry run, then apply in one transaction). Everything is rolled back unless --keep.
Run it twice with --keep to time an idempotent re-import (all rows unchanged).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from onboarding.columns import MEMBER_COLUMNS  # noqa: E402
from onboarding.services import imports  # noqa: E402
from organizations import services  # noqa: E402
from organizations.models import Organization, OrgKind  # noqa: E402

HEADERS = [c.header for c in MEMBER_COLUMNS]


def tree() -> list[str]:
    province = Organization.objects.filter(code="BENCH-P").first()
    if province is None:
        province = services.organization_create(name="Đảng bộ tỉnh Thử nghiệm", code="BENCH-P", kind=OrgKind.PROVINCE)
        for c in range(20):
            commune = services.organization_create(
                name=f"Đảng bộ xã {c}",
                code=f"BENCH-X{c}",
                kind=OrgKind.COMMUNE,
                parent=Organization.objects.get(pk=province.pk),
            )
            for k in range(25):
                services.organization_create(
                    name=f"Chi bộ {c}-{k}",
                    code=f"BENCH-X{c}-C{k}",
                    kind=OrgKind.GRASSROOTS_CELL,
                    parent=Organization.objects.get(pk=commune.pk),
                )
    return list(
        Organization.objects.filter(code__startswith="BENCH-X", kind=OrgKind.GRASSROOTS_CELL).values_list(
            "code", flat=True
        )
    )


def rows(n: int, cells: list[str]):
    for i in range(n):
        yield {
            "Mã chi bộ": cells[i % len(cells)],
            "Số thẻ đảng viên": f"8{i:09d}",
            "Họ và tên": f"Nguyễn Văn Thử {i}",
            "Ngày sinh": f"{1 + i % 28:02d}/{1 + i % 12:02d}/{1950 + i % 50}",
            "Giới tính": "Nữ" if i % 3 == 0 else "Nam",
            "Ngày vào Đảng": f"{1 + i % 28:02d}/{1 + i % 12:02d}/{2010 + i % 10}",
            "Ngày chính thức": f"{1 + i % 28:02d}/{1 + i % 12:02d}/{2011 + i % 10}",
            "Tình trạng": "Chính thức",
        }


def csv_file(n: int, cells: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADERS)
    writer.writeheader()
    for row in rows(n, cells):
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode()


def xlsx_file(n: int, cells: list[str]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Đảng viên")
    ws.append(HEADERS)
    for row in rows(n, cells):
        ws.append([row.get(h) for h in HEADERS])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


class _Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    User = get_user_model()
    user, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_superuser": True, "is_staff": True})
    try:
        with transaction.atomic():
            cells = tree()
            t0 = time.perf_counter()
            content = (csv_file if args.format == "csv" else xlsx_file)(args.rows, cells)
            t1 = time.perf_counter()
            print(f"file: {args.format}, {args.rows} rows, {len(content) / 1e6:.1f} MB, built in {t1 - t0:.1f} s")
            job = imports.import_job_create(user=user, file_name=f"bench.{args.format}", content=content, queue=False)
            t2 = time.perf_counter()
            job = imports.import_job_validate(job_id=job.pk)
            t3 = time.perf_counter()
            print(f"dry run: {t3 - t2:.1f} s = {args.rows / (t3 - t2):,.0f} rows/s; counts {job.counts}")
            if job.error_count:
                print("errors:", job.report["errors"][:5])
                raise _Rollback
            imports.import_job_request_apply(job=job, user=user, queue=False)
            t4 = time.perf_counter()
            job = imports.import_job_apply(job_id=job.pk)
            t5 = time.perf_counter()
            print(
                f"apply (checks again + writes, one transaction): {t5 - t4:.1f} s = {args.rows / (t5 - t4):,.0f} rows/s"
            )
            print(
                f"total upload→applied: {t5 - t2:.1f} s = {args.rows / (t5 - t2):,.0f} rows/s; status {job.status}; {job.counts.get('written')}"
            )
            if not args.keep:
                raise _Rollback
    except _Rollback:
        print("rolled back (use --keep to keep the data)")


if __name__ == "__main__":
    main()
