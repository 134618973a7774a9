"""Dry run of an import: parse every row, check it against the database in memory, build a plan.

Nothing is written here. Lookups are prefetched once (party card numbers, organisations by code or
by name path, users, open positions; see import_lookups) and each row is then checked with
dictionary/set lookups, so 100k rows cost a handful of queries.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import plausible_error
from core.text import nfc
from organizations.models import Organization, OrgKind

from ..columns import MEMBER_COLUMNS, ORG_COLUMNS, ORG_SHEET, Column, fold, header_map
from ..reader import Content, Sheet, read_sheets
from .import_lookups import PathIndex, chunks, existing_members, users_and_positions
from .import_types import (  # noqa: F401 — re-exported for the writers and tests
    CREATE,
    UNCHANGED,
    UPDATE,
    ImportScope,
    MemberRow,
    MemberRows,
    OrgRef,
    OrgRow,
    Plan,
    Progress,
)
from .import_values import (
    KINDS,
    MEMBER_LIMITS,
    ORG_LIMITS,
    POSITIONS,
    SEX,
    STATUS,
    parse_date,
    row_values,
)

# --- the planner ---------------------------------------------------------------------------------


class Planner:
    """Builds a Plan for one file and one scope. Use `plan_file(...)`."""

    def __init__(self, *, scope: ImportScope, today: dt.date, progress: Progress | None = None, keep_rows=True):
        self.scope = scope
        self.today = today
        self.plan = Plan(member_rows=MemberRows(keep=keep_rows))
        self.progress = progress or (lambda done, total: None)
        self.orgs: dict[str, OrgRef] = {}  # code → organisation (existing current, or new in this file)

    # organisations -------------------------------------------------------------------------------

    def load_orgs(self, codes: set[str]) -> None:
        """Prefetch current organisations by code (and remember ended ones for a clear message)."""
        codes = {c for c in codes if c and c not in self.orgs}
        for chunk in chunks(sorted(codes)):
            rows = Organization.objects.filter(code__in=chunk).values_list(
                "id", "code", "kind", "name", "path", "valid_to"
            )
            for pk, code, kind, name, path, valid_to in rows:
                if valid_to is not None and valid_to < self.today:
                    self.orgs[code] = OrgRef(code, kind, name, id=pk, path=None)  # ended: path None marks it
                else:
                    self.orgs[code] = OrgRef(code, kind, name, id=pk, path=path)

    def org_sheet(self, sheet: Sheet) -> None:
        cols = header_map(sheet.headers, ORG_COLUMNS)
        if not self._require_columns(sheet, cols, ORG_COLUMNS):
            return
        rows = [(line, row_values(cells, cols)) for line, cells in sheet.rows]
        self.plan.rows_total += len(rows)
        self.load_orgs({r["code"] for _, r in rows} | {r.get("parent_code", "") for _, r in rows})
        seen: dict[str, int] = {}
        for line, row in rows:
            self._org_row(sheet.name, line, row, seen)

    def _org_row(self, sheet: str, line: int, row: dict, seen: dict[str, int]) -> None:
        errors_before = len(self.plan.errors)
        code, name = row["code"], row.get("name", "")
        self._lengths(sheet, line, row, ORG_LIMITS)
        if not code:
            self.plan.error(sheet, line, "Mã tổ chức", _("Thiếu mã tổ chức."))
        elif code in seen:
            self.plan.error(
                sheet,
                line,
                "Mã tổ chức",
                _("Mã tổ chức %(code)s trùng với dòng %(line)s.") % {"code": code, "line": seen[code]},
            )
        if not name:
            self.plan.error(sheet, line, "Tên tổ chức", _("Thiếu tên tổ chức."))
        kind = KINDS.get(fold(row.get("kind", "")))
        if kind is None:
            self.plan.error(
                sheet,
                line,
                "Loại tổ chức",
                _("Loại tổ chức “%(value)s” không hợp lệ.") % {"value": row.get("kind", "")},
            )
        valid_from = self._date(sheet, line, "Hiệu lực từ", row.get("valid_from"), kind="validity")
        valid_from = valid_from or dt.date(2000, 1, 1)
        parent = self._parent(sheet, line, row.get("parent_code", ""), kind)
        if len(self.plan.errors) > errors_before or not code:
            return
        seen[code] = line
        existing = self.orgs.get(code)
        if existing is None:
            org_row = OrgRow(line, code, name, kind, parent, valid_from)
            self.orgs[code] = OrgRef(code, kind, name, new_row=org_row)
        else:
            org_row = self._existing_org_row(sheet, line, existing, name, kind, parent, valid_from)
            if org_row is None:
                return
        self.plan.org_rows.append(org_row)

    def _existing_org_row(self, sheet, line, existing: OrgRef, name, kind, parent, valid_from) -> OrgRow | None:
        if existing.path is None:
            self.plan.error(
                sheet, line, "Mã tổ chức", _("Tổ chức %(code)s đã kết thúc hoạt động.") % {"code": existing.code}
            )
            return None
        if not self.scope.covers(existing.path):
            self.plan.error(
                sheet, line, "Mã tổ chức", _("Tổ chức %(code)s nằm ngoài phạm vi được giao.") % {"code": existing.code}
            )
            return None
        parent_path = existing.path[: -Organization.steplen]
        if (parent.path if parent else "") != parent_path or existing.kind != kind:
            self.plan.error(
                sheet,
                line,
                "Mã tổ chức",
                _("Mã %(code)s đã dùng cho một tổ chức khác (khác cấp trên hoặc loại).") % {"code": existing.code},
            )
            return None
        action = UNCHANGED if existing.name == name else UPDATE
        return OrgRow(line, existing.code, name, kind, parent, valid_from, action=action, existing_id=existing.id)

    def _parent(self, sheet: str, line: int, parent_code: str, kind: str | None) -> OrgRef | None:
        if not parent_code:
            if kind != OrgKind.PROVINCE or not self.scope.is_superuser:
                self.plan.error(sheet, line, "Mã tổ chức cấp trên", _("Thiếu mã tổ chức cấp trên."))
            return None
        parent = self.orgs.get(parent_code)
        if parent is None:
            self.plan.error(
                sheet, line, "Mã tổ chức cấp trên", _("Không tìm thấy tổ chức có mã %(code)s.") % {"code": parent_code}
            )
        elif parent.new_row is None and parent.path is None:
            self.plan.error(
                sheet, line, "Mã tổ chức cấp trên", _("Tổ chức %(code)s đã kết thúc hoạt động.") % {"code": parent_code}
            )
        elif parent.new_row is None and not self.scope.covers(parent.path):
            self.plan.error(
                sheet,
                line,
                "Mã tổ chức cấp trên",
                _("Tổ chức %(code)s nằm ngoài phạm vi được giao.") % {"code": parent_code},
            )
        elif parent.is_cell:
            self.plan.error(sheet, line, "Mã tổ chức cấp trên", _("Chi bộ không thể có tổ chức trực thuộc."))
        else:
            return parent
        return None

    # members -------------------------------------------------------------------------------------

    def member_sheet(self, sheet: Sheet) -> None:
        cols = header_map(sheet.headers, MEMBER_COLUMNS)
        if not self._require_columns(sheet, cols, MEMBER_COLUMNS):
            return
        if "org_code" not in cols and "org_path" not in cols:
            self.plan.error(sheet.name, 1, "Mã chi bộ", _("Tệp cần cột “Mã chi bộ” hoặc “Đường dẫn chi bộ”."))
            return
        # Two streamed passes (memory flat in the number of rows): collect what must be looked
        # up, fetch it in a few queries, then check the rows one by one.
        codes, org_paths, cards, usernames, total = set(), set(), set(), set(), 0
        for _line, cells in sheet.rows:
            row = row_values(cells, cols)
            total += 1
            codes.update((row.get("org_code", ""), row.get("position_org", "")))
            if row.get("org_path") and not row.get("org_code"):
                org_paths.add(row["org_path"])
            if row.get("card"):
                cards.add(row["card"])
            if row.get("username"):
                usernames.add(row["username"])
        self.plan.rows_total += total
        self.load_orgs(codes)
        paths = PathIndex(self.scope, org_paths)
        existing = existing_members(cards)
        users, open_positions = users_and_positions(usernames)
        del codes, org_paths, cards, usernames
        seen: dict[str, int] = {}
        for done, (line, cells) in enumerate(sheet.rows, start=1):
            row = row_values(cells, cols)
            self._member_row(sheet.name, line, row, seen, existing, paths, users, open_positions, cols)
            if done % 5000 == 0:
                self.progress(done, total)
        self.progress(total, total)

    def _member_row(self, sheet, line, row, seen, existing, paths, users, open_positions, cols) -> None:
        errors_before = len(self.plan.errors)
        card = row.get("card", "")
        if not card:
            self.plan.error(sheet, line, "Số thẻ đảng viên", _("Thiếu số thẻ đảng viên."))
        elif card in seen:
            self.plan.error(
                sheet,
                line,
                "Số thẻ đảng viên",
                _("Số thẻ đảng viên %(card)s trùng với dòng %(line)s.") % {"card": card, "line": seen[card]},
            )
        else:
            seen[card] = line
        cell = self._cell(sheet, line, row, paths)
        values = self._member_values(sheet, line, row, cols)
        joined_on = self._date(sheet, line, "Ngày bắt đầu sinh hoạt", row.get("joined_on"), kind="validity")
        position = self._position(sheet, line, row, cell, users, open_positions)
        if len(self.plan.errors) > errors_before:
            return
        member_row = MemberRow(line, card, values, cell, joined_on, position=position)
        found = existing.get(card)
        if found is not None and not self._existing_member(sheet, line, member_row, found):
            return
        self.plan.member_rows.append(member_row)

    def _existing_member(self, sheet, line, member_row: MemberRow, found: dict) -> bool:
        if found["cell_id"] is None or found["cell_id"] != member_row.cell.id:
            self.plan.error(
                sheet,
                line,
                "Số thẻ đảng viên",
                _("Đảng viên có số thẻ %(card)s đang sinh hoạt ở chi bộ khác; hãy làm thủ tục chuyển sinh hoạt.")
                % {"card": member_row.card},
            )
            return False
        if _another_person(found, member_row.values):
            self.plan.error(
                sheet,
                line,
                "Số thẻ đảng viên",
                _(
                    "Số thẻ %(card)s đã cấp cho đồng chí %(name)s, sinh ngày %(dob)s: khác cả họ tên và ngày sinh "
                    "trên dòng này. Kiểm tra lại số thẻ."
                )
                % {"card": member_row.card, "name": found["full_name"], "dob": found["date_of_birth"].strftime("%d/%m/%Y")},
            )
            return False
        member_row.member_id = found["id"]
        changed = tuple(k for k, v in member_row.values.items() if found[k] != v)
        member_row.changed = changed
        member_row.old = {k: found[k] for k in changed}
        member_row.action = UPDATE if changed else UNCHANGED
        return True

    def _cell(self, sheet, line, row, paths: PathIndex) -> OrgRef | None:
        code = row.get("org_code", "")
        if code:
            ref, column = self.orgs.get(code), "Mã chi bộ"
            if ref is None:
                self.plan.error(sheet, line, column, _("Không tìm thấy tổ chức có mã %(code)s.") % {"code": code})
                return None
        elif row.get("org_path"):
            ref, column = paths.get(row["org_path"]), "Đường dẫn chi bộ"
            if isinstance(ref, str):
                self.plan.error(sheet, line, column, ref)
                return None
        else:
            self.plan.error(sheet, line, "Mã chi bộ", _("Thiếu mã chi bộ."))
            return None
        if ref.new_row is None and ref.path is None:
            self.plan.error(sheet, line, column, _("Tổ chức %(code)s đã kết thúc hoạt động.") % {"code": ref.code})
        elif ref.new_row is None and not self.scope.covers(ref.path):
            self.plan.error(
                sheet, line, column, _("Tổ chức %(code)s nằm ngoài phạm vi được giao.") % {"code": ref.code}
            )
        elif not ref.is_cell:
            self.plan.error(
                sheet,
                line,
                column,
                _("“%(name)s” không phải là chi bộ; đảng viên chỉ sinh hoạt ở chi bộ.") % {"name": ref.name},
            )
        else:
            return ref
        return None

    def _member_values(self, sheet, line, row, cols) -> dict:
        values: dict = {}
        self._lengths(sheet, line, row, MEMBER_LIMITS)
        name = row.get("full_name", "")
        if not name:
            self.plan.error(sheet, line, "Họ và tên", _("Thiếu họ và tên."))
        values["full_name"] = name
        for key, header in (("date_of_birth", "Ngày sinh"), ("admitted_on", "Ngày vào Đảng")):
            values[key] = self._date(sheet, line, header, row.get(key))
            if values[key] is None and header not in self._bad_columns(line):
                self.plan.error(sheet, line, header, _("Thiếu %(column)s.") % {"column": header.lower()})
        if "full_member_on" in cols:
            values["full_member_on"] = self._date(sheet, line, "Ngày chính thức", row.get("full_member_on"))
        sex = SEX.get(fold(row.get("sex", "")))
        if sex is None:
            self.plan.error(sheet, line, "Giới tính", _("Giới tính phải là Nam hoặc Nữ."))
        values["sex"] = sex
        if row.get("status"):
            values["status"] = STATUS.get(fold(row["status"]))
            if values["status"] is None:
                self.plan.error(
                    sheet, line, "Tình trạng", _("Tình trạng “%(value)s” không hợp lệ.") % {"value": row["status"]}
                )
        for key in ("job_title", "email"):
            if key in cols:
                values[key] = row.get(key, "")
        if values.get("email"):
            try:
                validate_email(values["email"])
            except ValidationError:
                self.plan.error(sheet, line, "Thư điện tử", _("Địa chỉ thư điện tử không hợp lệ."))
        self._check_dates(sheet, line, values)
        return values

    def _check_dates(self, sheet, line, values) -> None:
        born, admitted, full = values["date_of_birth"], values["admitted_on"], values.get("full_member_on")
        for value, kind, header in (
            (born, "birth", "Ngày sinh"),
            (admitted, "admission", "Ngày vào Đảng"),
            (full, "full_member", "Ngày chính thức"),
        ):
            if message := plausible_error(kind, value):
                self.plan.error(sheet, line, header, message)
        if born and admitted and admitted <= born:
            self.plan.error(sheet, line, "Ngày vào Đảng", _("Ngày vào Đảng phải sau ngày sinh."))
        if admitted and admitted > self.today:
            self.plan.error(sheet, line, "Ngày vào Đảng", _("Ngày vào Đảng không thể ở tương lai."))
        if full and admitted and full < admitted:
            self.plan.error(sheet, line, "Ngày chính thức", _("Ngày chính thức phải sau ngày vào Đảng."))

    def _position(self, sheet, line, row, cell, users, open_positions):
        label = row.get("position", "")
        if not label:
            return None
        kind = POSITIONS.get(fold(label))
        if kind is None:
            self.plan.error(sheet, line, "Chức vụ đảng", _("Chức vụ “%(value)s” không hợp lệ.") % {"value": label})
            return None
        username = row.get("username", "")
        if not username:
            self.plan.error(sheet, line, "Tên đăng nhập", _("Cần tên đăng nhập để giao chức vụ."))
            return None
        org = cell
        if row.get("position_org"):
            org = self.orgs.get(row["position_org"])
            if org is None or (org.new_row is None and not self.scope.covers(org.path)):
                self.plan.error(
                    sheet,
                    line,
                    "Mã tổ chức giữ chức vụ",
                    _("Không tìm thấy tổ chức có mã %(code)s trong phạm vi được giao.") % {"code": row["position_org"]},
                )
                return None
        if org is None:
            return None
        if org.id and (users.get(username), org.id, kind) in open_positions:
            return (UNCHANGED, org, username)
        return (kind, org, username)

    # helpers -------------------------------------------------------------------------------------

    def _lengths(self, sheet: str, line: int, row: dict, limits: dict[str, tuple[str, int]]) -> None:
        """Column widths of the database, checked here so the COPY never fails half-way."""
        for key, (header, limit) in limits.items():
            if len(row.get(key) or "") > limit:
                self.plan.error(sheet, line, header, _("Quá dài (tối đa %(n)s ký tự).") % {"n": limit})

    def _bad_columns(self, line: int) -> set[str]:
        return {e["column"] for e in self.plan.errors[-5:] if e["line"] == line}

    def _date(self, sheet, line, header, value, *, kind: str | None = None) -> dt.date | None:
        try:
            day = parse_date(value)
        except ValueError:
            self.plan.error(
                sheet, line, header, _("Ngày “%(value)s” không hợp lệ (dùng dạng ngày/tháng/năm).") % {"value": value}
            )
            return None
        if kind and (message := plausible_error(kind, day)):
            self.plan.error(sheet, line, header, message)
            return None
        return day

    def _require_columns(self, sheet: Sheet, cols: dict, columns: tuple[Column, ...]) -> bool:
        missing = [c.header for c in columns if c.required and c.key not in cols]
        for header in missing:
            self.plan.error(sheet.name, 1, header, _("Thiếu cột “%(column)s”.") % {"column": header})
        return not missing


def _another_person(found: dict, values: dict) -> bool:
    """The card belongs to someone else: both the name and the date of birth differ."""
    if "full_name" not in values or "date_of_birth" not in values:
        return False
    same_name = nfc(found["full_name"]).casefold() == nfc(values["full_name"]).casefold()
    return not same_name and found["date_of_birth"] != values["date_of_birth"]


def plan_file(
    *,
    file_name: str,
    content: Content,
    scope: ImportScope,
    progress: Progress | None = None,
    keep_rows: bool = True,
    sink=None,
) -> Plan:
    """Read the file and check every row. Raises ValidationError if the file is unreadable.
    keep_rows=False (the dry run) keeps counts and the report, not the rows; with `sink` (the
    streamed apply) checked member rows go to sink(rows) in batches while no error was found."""
    planner = Planner(scope=scope, today=timezone.localdate(), progress=progress, keep_rows=keep_rows and sink is None)
    if sink is not None:
        planner.plan.member_rows.sink = lambda rows: None if planner.plan.errors else sink(planner.plan, rows)
    for sheet in read_sheets(file_name=file_name, content=content):
        if sheet.name == ORG_SHEET:
            planner.org_sheet(sheet)
        else:
            planner.member_sheet(sheet)
    planner.plan.member_rows.flush()
    planner.plan.errors.sort(key=lambda e: (e["sheet"] != ORG_SHEET, e["line"]))
    return planner.plan
