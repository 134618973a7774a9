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


@dataclass
class Plan:
    org_rows: list[OrgRow] = field(default_factory=list)
    member_rows: list[MemberRow] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    rows_total: int = 0

    def error(self, sheet: str, line: int, column: str, message: str) -> None:
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
            "members": tally(self.member_rows),
            "positions": len(self.positions),
            "errors": len(self.errors),
            "bad_lines": len({(e["sheet"], e["line"]) for e in self.errors}),
        }

    def report(self) -> dict:
        """Compact JSON: every row's action and every error (rows as lists to keep 100k rows small)."""
        rows = [[ORG_SHEET, r.line, r.action, r.code, r.name] for r in self.org_rows]
        rows += [
            [MEMBER_SHEET, r.line, r.action, r.card, r.values.get("full_name", ""), _changes(r)] for r in self.member_rows
        ]
        return {"rows": rows, "errors": self.errors}


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
