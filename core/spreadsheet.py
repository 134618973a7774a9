"""Cells a user typed are written as text in every .xlsx and .csv the product produces.

Spreadsheet programs run a cell that starts with = + - @ (and, in some, a tab or carriage return)
as a formula: an organisation named "=HYPERLINK(...)" would become a live link in the dashboard
export. Following OWASP's CSV-injection guidance:

- CSV: such a cell gets a leading single quote ("'=1+1"); the csv module quotes the rest.
- xlsx: every string is stored as a string (data type "s", never "f"), and one that starts with a
  trigger character also gets the cell's quotePrefix flag, so editing it in Excel keeps it text.

Use `csv_row()` / `xlsx_append()` (or `xlsx_set()`) for every row; numbers and dates pass through.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def starts_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def csv_cell(value: object) -> object:
    """The value to hand to csv.writer: a leading quote before a formula trigger."""
    if starts_like_formula(value):
        return "'" + value  # type: ignore[operator]
    return value


def csv_row(values: Iterable[object]) -> list[object]:
    return [csv_cell(v) for v in values]


def xlsx_text(cell) -> None:
    """Make an openpyxl cell that holds a string a plain text cell."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if starts_like_formula(cell.value):
            cell.quotePrefix = True


def xlsx_set(ws, *, row: int, column: int, value: object):
    cell = ws.cell(row=row, column=column)
    cell.value = value
    xlsx_text(cell)
    return cell


def xlsx_append(ws, values: Iterable[object]) -> None:
    """ws.append(values) with every string cell stored as text."""
    values = list(values)
    ws.append(values)
    if not values:
        return
    for cell in ws[ws.max_row]:
        xlsx_text(cell)
