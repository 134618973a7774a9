"""Plain data of an import plan: the scope, organisation references, planned rows, the plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from organizations.models import CELL_KINDS, Organization

from ..columns import MEMBER_SHEET, ORG_SHEET

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
MEMBER_FIELDS = ("full_name", "date_of_birth", "sex", "admitted_on", "full_member_on", "status", "job_title", "email")
CHUNK = 10_000
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportScope:
    """Organisation paths the importing user may write into (empty + superuser = everywhere)."""

    paths: tuple[str, ...] = ()
    is_superuser: bool = False

    def covers(self, path: str | None) -> bool:
        if self.is_superuser:
            return True
        return bool(path) and any(path.startswith(p) for p in self.paths)


@dataclass
class OrgRef:
    """An organisation a row can point to: existing (id/path) or created earlier in this file."""

    code: str
    kind: str
    name: str
    id: int | None = None
    path: str | None = None
    new_row: OrgRow | None = None

    @property
    def is_cell(self) -> bool:
        return self.kind in CELL_KINDS


@dataclass
class OrgRow:
    line: int
    code: str
    name: str
    kind: str
    parent: OrgRef | None
    valid_from: dt.date
    action: str = CREATE
    existing_id: int | None = None
    node: Organization | None = None  # set while writing


@dataclass
class MemberRow:
    line: int
    card: str
    values: dict
    cell: OrgRef
    joined_on: dt.date | None
    action: str = CREATE
    member_id: int | None = None
    changed: tuple[str, ...] = ()
    old: dict = field(default_factory=dict)  # previous values of `changed`, shown in the dry run
    position: tuple[str, OrgRef, str] | None = None  # (kind, organisation, username)


# The stored report lists at most this many rows and errors (the counts always cover the whole
# file): a 700k-row file would otherwise keep a 700k-entry report in the worker's memory and the
# job row. The page and the CSV say how many were left out.
REPORT_MAX = 20_000
STREAM_BATCH = 5000  # member rows written per batch by the streamed apply


class MemberRows:
    """The planned member rows. A dry run (keep=False) keeps only the tallies and the first
    REPORT_MAX report lines, so its memory does not grow with the file; the apply keeps the rows
    for the writer. Rows are added with append(), as to a list."""

    def __init__(self, *, keep: bool = True, batch: int | None = None):
        self.keep = keep
        self._rows: list[MemberRow] = []
        # A streamed apply hands the rows to `sink` in batches as they are checked (see plan_file).
        self.sink: Callable[[list[MemberRow]], None] | None = None
        self.batch = batch or STREAM_BATCH
        self._buffer: list[MemberRow] = []
        self.tally = {CREATE: 0, UPDATE: 0, UNCHANGED: 0}
        self.positions = 0
        self.report_lines: list[list] = []
        self.report_omitted = 0

    def append(self, row: MemberRow) -> None:
        self.tally[row.action] += 1
        if row.position and row.position[0] != UNCHANGED:
            self.positions += 1
        if len(self.report_lines) < REPORT_MAX:
            self.report_lines.append(
                [MEMBER_SHEET, row.line, row.action, row.card, row.values.get("full_name", ""), _changes(row)]
            )
        else:
            self.report_omitted += 1
        if self.keep:
            self._rows.append(row)
        elif self.sink is not None:
            self._buffer.append(row)
            if len(self._buffer) >= self.batch:
                self.flush()

    def flush(self) -> None:
        buffer, self._buffer = self._buffer, []
        if buffer and self.sink is not None:
            self.sink(buffer)

    def __iter__(self):
        if not self.keep:
            raise RuntimeError("a dry-run plan does not keep its member rows")
        return iter(self._rows)

    def __len__(self) -> int:
        return sum(self.tally.values())


@dataclass
class Plan:
    org_rows: list[OrgRow] = field(default_factory=list)
    member_rows: MemberRows = field(default_factory=MemberRows)
    errors: list[dict] = field(default_factory=list)
    rows_total: int = 0
    errors_omitted: int = 0

    def error(self, sheet: str, line: int, column: str, message: str) -> None:
        if len(self.errors) >= REPORT_MAX:
            self.errors_omitted += 1
            return
        self.errors.append({"sheet": sheet, "line": line, "column": column, "message": message})

    @property
    def positions(self) -> list[MemberRow]:
        return [r for r in self.member_rows if r.position and r.position[0] != UNCHANGED]

    def counts(self) -> dict:
        def tally(rows: Iterable) -> dict:
            out = {CREATE: 0, UPDATE: 0, UNCHANGED: 0}
            for row in rows:
                out[row.action] += 1
            return out

        return {
            "organizations": tally(self.org_rows),
            "members": dict(self.member_rows.tally),
            "positions": self.member_rows.positions,
            "errors": len(self.errors) + self.errors_omitted,
            "bad_lines": len({(e["sheet"], e["line"]) for e in self.errors}),
        }

    def report(self) -> dict:
        """Compact JSON: each row's action and each error (rows as lists), at most REPORT_MAX of each."""
        rows = [[ORG_SHEET, r.line, r.action, r.code, r.name] for r in self.org_rows][:REPORT_MAX]
        rows += self.member_rows.report_lines[: REPORT_MAX - len(rows)]
        omitted = len(self.org_rows) + len(self.member_rows) - len(rows)
        return {"rows": rows, "errors": self.errors, "rows_omitted": omitted, "errors_omitted": self.errors_omitted}


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _changes(row: MemberRow) -> list[list[str]]:
    """[label, old, new] for every changed field of an update (empty otherwise)."""
    from organizations.models import Member

    return [
        [str(Member._meta.get_field(k).verbose_name), _shown(row.old.get(k)), _shown(row.values.get(k))]
        for k in row.changed
    ]
