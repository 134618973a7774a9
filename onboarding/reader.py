"""Read .csv (UTF-8, with or without BOM; comma or semicolon) and .xlsx files into sheets of rows.

Rows are streamed, never held: CSV through csv.reader over an incremental UTF-8 decoder on the
stored bytes (no decoded copy of the file), .xlsx through openpyxl's read-only mode. `Sheet.rows`
can be iterated more than once (each pass reads the file again), so the planner can first
collect the keys it must look up and then check the rows one by one, with memory flat in the
number of rows.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .columns import MEMBER_SHEET, ORG_SHEET, fold, is_org_sheet


class Rows:
    """A re-iterable stream of (line number as the user sees it, cells); blank rows skipped."""

    def __init__(self, open_rows: Callable[[], Iterator[tuple[int, list]]]):
        self._open = open_rows

    def __iter__(self) -> Iterator[tuple[int, list]]:
        return self._open()


@dataclass
class Sheet:
    name: str  # MEMBER_SHEET or ORG_SHEET
    headers: list
    rows: Rows


Content = bytes | str | os.PathLike  # the file's bytes, or the path of a file on disk


def _opener(content: Content) -> Callable[[], IO[bytes]]:
    if isinstance(content, bytes | bytearray | memoryview):
        return lambda: io.BytesIO(content)  # shares the bytes, no copy
    return lambda: open(content, "rb")  # noqa: SIM115 - the text wrapper closes it


def read_sheets(*, file_name: str, content: Content) -> list[Sheet]:
    """Organisation sheet first (members may refer to organisations it creates)."""
    lower = file_name.lower()
    if lower.endswith(".xlsx"):
        sheets = _xlsx_sheets(content)
    elif lower.endswith(".csv"):
        sheets = [_csv_sheet(content)]
    else:
        raise ValidationError(_("Chỉ nhận tệp .xlsx hoặc .csv."))
    return sorted(sheets, key=lambda s: s.name != ORG_SHEET)


def _not_utf8() -> ValidationError:
    return ValidationError(_("Tệp CSV phải dùng bảng mã UTF-8."))


def _csv_reader(opener: Callable[[], IO[bytes]], delimiter: str):
    # The wrapper decodes a block at a time: the file is never decoded (or copied) whole.
    text = io.TextIOWrapper(opener(), encoding="utf-8-sig", newline="")
    return csv.reader(text, delimiter=delimiter)


def _csv_sheet(content: Content) -> Sheet:
    opener = _opener(content)
    with opener() as raw:
        sample = raw.read(65536)
    try:
        first_line = io.TextIOWrapper(io.BytesIO(sample), encoding="utf-8-sig", newline="").readline()
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not merely a character cut at the end of the sample
            raise _not_utf8() from exc
        first_line = sample.decode("utf-8-sig", errors="ignore").split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        headers = next(_csv_reader(opener, delimiter), [])
    except UnicodeDecodeError as exc:
        raise _not_utf8() from exc
    if not any(h.strip() for h in headers):
        raise ValidationError(_("Tệp không có dòng tiêu đề."))

    def open_rows() -> Iterator[tuple[int, list]]:
        reader = _csv_reader(opener, delimiter)
        try:
            next(reader, None)
            for row in reader:
                if any(cell.strip() for cell in row):
                    yield reader.line_num, row
        except UnicodeDecodeError as exc:  # found part-way: the import stops with a clear message
            raise _not_utf8() from exc

    return Sheet(ORG_SHEET if is_org_sheet(headers) else MEMBER_SHEET, headers, Rows(open_rows))


def _xlsx_sheets(content: Content) -> list[Sheet]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(_opener(content)(), read_only=True, data_only=True)
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
        sheets.append(Sheet(name, headers, Rows(partial(_xlsx_rows, ws))))
    if not sheets:
        raise ValidationError(_("Tệp Excel không có trang dữ liệu nào."))
    return sheets


def _xlsx_rows(ws) -> Iterator[tuple[int, list]]:
    """One pass over a read-only worksheet (openpyxl re-reads the sheet's XML for each pass)."""
    rows = ws.iter_rows(values_only=True)
    next(rows, None)  # the header row
    for line, row in enumerate(rows, start=2):
        if any(cell not in (None, "") for cell in row):
            yield line, list(row)
