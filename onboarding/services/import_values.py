"""Turning spreadsheet cells into values: dates, texts, choices, column widths."""

from __future__ import annotations

import datetime as dt
import unicodedata

from core.text import nfc
from organizations.models import MemberStatus, OrgKind, PositionKind, Sex

from ..columns import fold

# --- value parsing ------------------------------------------------------------------------------

DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


def parse_date(value) -> dt.date | None:
    """dd/mm/yyyy (Vietnamese order) or ISO; Excel date cells arrive as datetime objects."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text.isascii():  # "²⁰²⁶", Arabic-Indic digits: int() would accept some of them
        raise ValueError(text)
    parts = text.split("/")
    if len(parts) == 3 and len(parts[2]) == 4:  # the usual d/m/yyyy, without strptime's overhead
        try:
            return dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            raise ValueError(text) from None
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 — a calendar date, no time
        except ValueError:
            continue
    raise ValueError(text)


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores 0123… typed as a number without the leading zero
    text = str(value).strip()
    # Fast path for the common case (already NFC, single spaces); nfc() otherwise.
    if "  " in text or not unicodedata.is_normalized("NFC", text) or "\t" in text or "\n" in text:
        return nfc(text)
    return text


def _choice_lookup(choices) -> dict[str, str]:
    table = {}
    for value, label in choices:
        table[fold(value)] = value
        table[fold(str(label))] = value
    return table


SEX = _choice_lookup(Sex.choices) | {"nu": Sex.FEMALE, "f": Sex.FEMALE, "m": Sex.MALE}
STATUS = _choice_lookup(MemberStatus.choices)
KINDS = _choice_lookup(OrgKind.choices) | {"chi bo": OrgKind.CELL, "dang bo xa": OrgKind.COMMUNE}
POSITIONS = _choice_lookup(PositionKind.choices)


ORG_LIMITS = {"code": ("Mã tổ chức", 54), "name": ("Tên tổ chức", 255)}  # 54: room for "~yyyymmdd"
MEMBER_LIMITS = {
    "card": ("Số thẻ đảng viên", 20),
    "full_name": ("Họ và tên", 120),
    "job_title": ("Chức vụ chính quyền, đoàn thể", 255),
    "email": ("Thư điện tử", 254),
    "username": ("Tên đăng nhập", 150),
}
DATE_KEYS = {"date_of_birth", "admitted_on", "full_member_on", "joined_on", "valid_from"}


def _at(cells: list, index: int):
    return cells[index] if index < len(cells) else None


def row_values(cells: list, cols: dict[str, int]) -> dict:
    """Text for every recognised column; date cells stay as Excel gave them (datetime) for parse_date."""
    return {k: (_at(cells, i) if k in DATE_KEYS else cell_text(_at(cells, i))) for k, i in cols.items()}
