"""Read .csv (UTF-8, with or without BOM; comma or semicolon) and .xlsx files into sheets of rows.

Rows are streamed (openpyxl read-only mode) so a 100k-row workbook stays within memory budget.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .columns import MEMBER_SHEET, ORG_SHEET, fold, is_org_sheet


@dataclass
class Sheet:
    name: str  # MEMBER_SHEET or ORG_SHEET
    headers: list
    rows: Iterator[tuple[int, list]]  # (line number as the user sees it, cells)


def read_sheets(*, file_name: str, content: bytes) -> list[Sheet]:
    """Organisation sheet first (members may refer to organisations it creates)."""
    lower = file_name.lower()
    if lower.endswith(".xlsx"):
        sheets = _xlsx_sheets(content)
    elif lower.endswith(".csv"):
        sheets = [_csv_sheet(content)]
    else:
        raise ValidationError(_("Chỉ nhận tệp .xlsx hoặc .csv."))
    return sorted(sheets, key=lambda s: s.name != ORG_SHEET)


def _csv_sheet(content: bytes) -> Sheet:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(_("Tệp CSV phải dùng bảng mã UTF-8.")) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers = next(reader, [])
    if not any(h.strip() for h in headers):
        raise ValidationError(_("Tệp không có dòng tiêu đề."))
    rows = ((reader.line_num, row) for row in reader if any(cell.strip() for cell in row))
    return Sheet(ORG_SHEET if is_org_sheet(headers) else MEMBER_SHEET, headers, rows)


def _xlsx_sheets(content: bytes) -> list[Sheet]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ValidationError(_("Không đọc được tệp Excel (.xlsx).")) from exc
    sheets = []
    for ws in workbook.worksheets:
        if fold(ws.title) == fold("Hướng dẫn"):
            continue
        rows = ws.iter_rows(values_only=True)
        headers = list(next(rows, ()) or ())
        if not any(h not in (None, "") for h in headers):
            continue
        name = ORG_SHEET if (fold(ws.title) == fold(ORG_SHEET) or is_org_sheet(headers)) else MEMBER_SHEET
        numbered = (
            (line, list(row)) for line, row in enumerate(rows, start=2) if any(cell not in (None, "") for cell in row)
        )
        sheets.append(Sheet(name, headers, numbered))
    if not sheets:
        raise ValidationError(_("Tệp Excel không có trang dữ liệu nào."))
    return sheets
