"""Benchmark: peak memory of the import worker for a large file (the dry run, optionally the apply).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tusoi_<name> .venv/bin/python bench/import_memory.py \
        [--rows 700000] [--format csv|xlsx] [--apply]

The parent builds the file on disk (streamed, never whole in memory), stores it as an ImportJob
and commits; a fresh child process then runs exactly what the Celery task runs
(`import_job_validate`, and with --apply `import_job_apply`) and reports its peak RSS
(VmHWM; with --tracemalloc also the peak of Python allocations, measured in a run
of its own because tracemalloc's bookkeeping inflates the RSS) — the worker's figure.
The parent deletes the job (and with --apply the imported members) afterwards. Prints JSON.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


LEAN_COLUMNS = {"org_code", "card", "full_name", "date_of_birth", "sex", "admitted_on"}


def _setup():
    import django

    django.setup()


def _rows(n: int, cells: list[str]):
    for i in range(n):
        # The lean columns of the 50 MB / 700,530-row file of issue 16 (≈ 70 bytes a row).
        yield {
            "Mã chi bộ": cells[i % len(cells)],
            "Số thẻ đảng viên": f"7{i:09d}",
            "Họ và tên": f"Lê Thị Thử {i}",
            "Ngày sinh": f"{1 + i % 28:02d}/{1 + i % 12:02d}/{1950 + i % 50}",
            "Giới tính": "Nữ" if i % 3 == 0 else "Nam",
            "Ngày vào Đảng": f"{1 + i % 28:02d}/{1 + i % 12:02d}/{2010 + i % 10}",
        }


def _write_file(path: Path, fmt: str, n: int, cells: list[str], headers: list[str]) -> None:
    if fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=headers)
            writer.writeheader()
            for row in _rows(n, cells):
                writer.writerow(row)
        return
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Đảng viên")
    ws.append(headers)
    for row in _rows(n, cells):
        ws.append([row.get(h) for h in headers])
    wb.save(path)


def _cells() -> list[str]:
    from organizations import services
    from organizations.models import Organization, OrgKind

    province = Organization.objects.filter(code="MEM-P").first()
    if province is None:
        province = services.organization_create(name="Đảng bộ tỉnh Đo bộ nhớ", code="MEM-P", kind=OrgKind.PROVINCE)
        for c in range(20):
            commune = services.organization_create(
                name=f"Đảng bộ xã {c}",
                code=f"MEM-X{c}",
                kind=OrgKind.COMMUNE,
                parent=Organization.objects.get(pk=province.pk),
            )
            for k in range(50):
                services.organization_create(
                    name=f"Chi bộ {c}-{k}",
                    code=f"MEM-X{c}-C{k}",
                    kind=OrgKind.GRASSROOTS_CELL,
                    parent=Organization.objects.get(pk=commune.pk),
                )
    return list(
        Organization.objects.filter(code__startswith="MEM-X", kind=OrgKind.GRASSROOTS_CELL).values_list(
            "code", flat=True
        )
    )


def _peak_rss_mb() -> float:
    """VmHWM: the peak resident set of this process image. getrusage's ru_maxrss is not used: on
    Linux it keeps the high-water mark of the forking parent across exec (here ≈ 500 MB, the parent
    that stored the 50 MB file), which would hide the worker's own figure."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _NoTrace:
    """Stand-in when tracemalloc is off (its per-allocation bookkeeping inflates the RSS figure)."""

    @staticmethod
    def get_traced_memory():
        return 0, 0

    @staticmethod
    def reset_peak():
        pass


def child(job_id: int, apply: bool, trace: bool) -> None:
    _setup()
    from onboarding.models import ImportJob
    from onboarding.services import imports

    if trace:
        import tracemalloc

        tracemalloc.start()
    else:
        tracemalloc = _NoTrace
    rss_start = _peak_rss_mb()
    t0 = time.perf_counter()
    job = imports.import_job_validate(job_id=job_id)
    validate_s = time.perf_counter() - t0
    _cur, validate_peak = tracemalloc.get_traced_memory()
    validate_rss = _peak_rss_mb()
    out = {
        "rows": job.rows_total,
        "errors": job.error_count,
        "rss_after_django_setup_mb": round(rss_start),
        "validate_s": round(validate_s, 1),
        "validate_rss_peak_mb": round(validate_rss),
    }
    if trace:
        out["validate_python_peak_mb"] = round(validate_peak / 2**20)
    if apply and job.can_apply:
        tracemalloc.reset_peak()
        from django.contrib.auth import get_user_model

        imports.import_job_request_apply(job=job, user=get_user_model().objects.get(pk=job.created_by_id), queue=False)
        t0 = time.perf_counter()
        job = imports.import_job_apply(job_id=job_id)
        out["apply_s"] = round(time.perf_counter() - t0, 1)
        out["apply_status"] = ImportJob.objects.get(pk=job_id).status
        if trace:
            out["apply_python_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20)
        out["rss_peak_mb"] = round(_peak_rss_mb())
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=700_530)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--apply", action="store_true", help="also write the rows (then deletes them again)")
    parser.add_argument("--tracemalloc", action="store_true", help="also report the peak of Python allocations")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.apply, args.tracemalloc)
        return
    _setup()
    from django.contrib.auth import get_user_model

    from onboarding.columns import MEMBER_COLUMNS
    from onboarding.models import ImportJob
    from organizations.models import Member, Membership

    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    headers = [c.header for c in MEMBER_COLUMNS if c.key in LEAN_COLUMNS]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"bench.{args.format}"
        t0 = time.perf_counter()
        _write_file(path, args.format, args.rows, _cells(), headers)
        size = path.stat().st_size
        built = time.perf_counter() - t0
        job = ImportJob.objects.create(created_by=user, file_name=path.name, content=path.read_bytes())
    result = {"format": args.format, "file_mb": round(size / 1e6, 1), "built_s": round(built, 1)}
    try:
        cmd = [sys.executable, __file__, "--child", str(job.pk)]
        cmd += (["--apply"] if args.apply else []) + (["--tracemalloc"] if args.tracemalloc else [])
        answer = subprocess.run(cmd, check=True, capture_output=True, text=True)
        result |= json.loads(answer.stdout.strip().splitlines()[-1])
    finally:
        members = Member.objects.filter(party_card_number__startswith="7", cell__code__startswith="MEM-X")
        Membership.objects.filter(member__in=members).delete()
        Member.history.filter(party_card_number__startswith="7", cell__code__startswith="MEM-X").delete()
        members.delete()
        ImportJob.objects.filter(pk=job.pk).delete()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
