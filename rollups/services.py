"""Writes of roll-up rows: full rebuild and incremental refresh of some cells and their ancestors.

PostgreSQL runs the set-based statements of sql.py: cells from their sources, then each level of
ancestors from its children, deepest first, as upserts. Both are idempotent, so a task that runs
twice or late writes the right numbers again. Concurrent refreshes of one province serialise on a
transaction-scoped advisory lock (year, root), and a full rebuild of a year takes that year's lock
exclusively, so two racing tasks never sum a half-updated level. Other databases (SQLite for
`make run`) recompute the whole year with the Python recount.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from commitments.models import CommitmentCycle
from organizations.models import Organization
from reviews.models import ReviewCycle

from . import definitions as d
from . import sql
from .models import OrgRollup
from .recount import recount_year

log = logging.getLogger(__name__)


def rollup_years() -> list[int]:
    """Years that have a review or commitment cycle: the ones worth rolling up."""
    years = set(ReviewCycle.objects.values_list("year", flat=True))
    years |= set(CommitmentCycle.objects.values_list("year", flat=True))
    return sorted(years)


def _params(year: int, **extra) -> dict:
    return {
        "year": year,
        "day": d.year_end(year),
        "today": timezone.localdate(),
        "now": timezone.now(),
        "tz": timezone.get_current_timezone_name(),
        "steplen": Organization.steplen,
        **extra,
    }


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _lock(cursor, year: int, root_id: int | None) -> None:
    """Rebuild of a year (root_id None) excludes refreshes of that year; refreshes exclude per root."""
    if root_id is None:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [year])
        return
    cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, 0)", [year])
    cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [year, int(root_id)])


@transaction.atomic
def rollups_rebuild_year(*, year: int) -> int:
    """Recompute every row of `year` from the source rows; return the number of rows written."""
    if not _is_postgres():
        return _python_write_year(year)
    max_depth = Organization.objects.aggregate(m=Max("depth"))["m"] or 0
    params = _params(year)
    with connection.cursor() as cursor:
        _lock(cursor, year, None)
        cursor.execute(sql.REBUILD_SETTINGS)
        current = d.uses_current_cells(year)
        for statement in sql.staging_statements(current=current):
            cursor.execute(statement, params)
        cursor.execute(sql.DELETE_YEAR, params)
        cursor.execute(sql.cell_upsert(current=current, only_ids=False, staged=True), params)
        written = cursor.rowcount
        for depth in range(max_depth, 0, -1):
            cursor.execute(sql.level_upsert(only_ids=False), {**params, "depth": depth})
            written += cursor.rowcount
    return written


def rollups_rebuild(*, year: int | None = None) -> dict[int, int]:
    """Rebuild one year, or every year with a cycle; {year: rows}."""
    years = [year] if year is not None else rollup_years()
    written = {y: rollups_rebuild_year(year=y) for y in years}
    rollups_vacuum()
    return written


def rollups_vacuum() -> None:
    """Reclaim the rows a rebuild replaced (124k per year at 1 M members) and refresh statistics.

    Autovacuum would get there eventually (and is off on some servers), but until it does every
    later rebuild, refresh and dashboard query walks the dead rows. VACUUM cannot run inside a
    transaction, so callers within one (tests, an enclosing atomic block) skip it.
    """
    if _is_postgres() and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {OrgRollup._meta.db_table}")


@transaction.atomic
def rollups_refresh(*, org_ids: Iterable[int], year: int) -> int:
    """Recompute the given cells (or organisations) and all their ancestors for `year`."""
    ids = sorted({int(i) for i in org_ids})
    if not ids:
        return 0
    if not _is_postgres():
        return _python_write_year(year)
    day = d.year_end(year)
    targets = list(Organization.objects.filter(pk__in=ids).values_list("id", "path"))
    steplen = Organization.steplen
    paths = {p[: i * steplen] for _id, p in targets for i in range(1, len(p) // steplen + 1)}
    nodes = list(Organization.objects.valid_on(day).filter(path__in=paths).values_list("id", "depth", "kind", "path"))
    roots = sorted({oid for oid, depth, _k, _p in nodes if depth == 1})
    params = _params(year, ids=ids)
    written = 0
    with connection.cursor() as cursor:
        for root in roots:
            _lock(cursor, year, root)
        cursor.execute(sql.REFRESH_SETTINGS)
        cursor.execute(sql.DELETE_INVALID, params)
        cells = [oid for oid, _d, kind, _p in nodes if kind in d.CELL_KIND_VALUES]
        if cells:
            cursor.execute(sql.cell_upsert(current=d.uses_current_cells(year), only_ids=True), {**params, "ids": cells})
            written += cursor.rowcount
        for depth in sorted({dep for _o, dep, _k, _p in nodes}, reverse=True):
            level = [oid for oid, dep, kind, _p in nodes if dep == depth and kind not in d.CELL_KIND_VALUES]
            if level:
                cursor.execute(sql.level_upsert(only_ids=True), {**params, "ids": level, "depth": depth})
                written += cursor.rowcount
    return written


def _python_write_year(year: int) -> int:
    """Portable path: recount the year in Python and replace its rows."""
    rows = recount_year(year)
    now = timezone.now()
    objs = [
        OrgRollup(organization_id=oid, year=year, stage=stage, updated_at=now, **values)
        for (oid, stage), values in rows.items()
    ]
    OrgRollup.objects.filter(year=year).delete()
    OrgRollup.objects.bulk_create(objs, batch_size=2000)
    return len(objs)


def rollups_compare(*, year: int) -> list[dict]:
    """Differences between stored rows and a fresh recount: [{org, stage, field, stored, expected}]."""
    expected = recount_year(year)
    stored = {
        (r["organization_id"], r["stage"]): r
        for r in OrgRollup.objects.filter(year=year).values(
            "organization_id", "stage", "own_grade", "parent_id", "depth", *d.COUNT_FIELDS
        )
    }
    diffs = []
    for key in sorted(set(expected) | set(stored)):
        want, have = expected.get(key), stored.get(key)
        if want is None or have is None:
            diffs.append(
                {"org": key[0], "stage": key[1], "field": "*", "stored": have and "row", "expected": want and "row"}
            )
            continue
        for field in (*d.COUNT_FIELDS, "own_grade", "parent_id", "depth"):
            if (have[field] or 0) != (want[field] or 0):
                diffs.append(
                    {"org": key[0], "stage": key[1], "field": field, "stored": have[field], "expected": want[field]}
                )
    return diffs
