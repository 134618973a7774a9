"""One parser for the values of query strings and POST bodies: years, ids, lists of ids.

`str.isdigit()` is true for "²" and "²⁰²⁶", and `int()` accepts Arabic-Indic or full-width digits
("٢٠٢٦", "２０２６"), so the two checks together are a trap: "²⁰²⁶".isdigit() passes and int() raises.
Everything here accepts only ASCII decimal digits (`str.isascii() and str.isdecimal()`), with an
optional leading minus where a negative makes sense, and a bounded length.

Two styles:
- `parse_*` return None for a missing or bad value (the caller picks a default);
- `require_*` / `*_or_400` raise `BadRequest` with a Vietnamese message (Django answers 400 and
  core.views.bad_request shows the message).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

MIN_YEAR = 2000
MAX_YEAR = 2100
MAX_ID = 2**63 - 1  # BigAutoField
MAX_IDS = 10_000  # a bulk action never needs more ids than a cell has members


def is_ascii_int(value: object) -> bool:
    """True for "12" or "-3"; false for "²", "١٢", " 12", "", "1e3", None."""
    if not isinstance(value, str) or not value or len(value) > 20:
        return False
    digits = value[1:] if value[0] == "-" else value
    return bool(digits) and digits.isascii() and digits.isdecimal()


def parse_int(value: object, *, min_value: int | None = None, max_value: int | None = None) -> int | None:
    """An ASCII integer within the bounds, or None."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif is_ascii_int(value):
        number = int(value)  # type: ignore[arg-type]
    else:
        return None
    if min_value is not None and number < min_value:
        return None
    if max_value is not None and number > max_value:
        return None
    return number


def parse_id(value: object) -> int | None:
    """A primary key: a positive ASCII integer that fits a bigint, or None."""
    return parse_int(value, min_value=1, max_value=MAX_ID)


def parse_year(value: object) -> int | None:
    """A four-digit year between MIN_YEAR and MAX_YEAR, or None."""
    if isinstance(value, str) and len(value) != 4:
        return None
    return parse_int(value, min_value=MIN_YEAR, max_value=MAX_YEAR)


def year_or_400(value: object) -> int | None:
    """None when the value is missing or empty (the caller's default year); 400 when it is bad."""
    if value in (None, ""):
        return None
    year = parse_year(value)
    if year is None:
        raise BadRequest(
            _("Năm “%(value)s” không hợp lệ (cần bốn chữ số, từ %(min)s đến %(max)s).")
            % {"value": str(value)[:20], "min": MIN_YEAR, "max": MAX_YEAR}
        )
    return year


def id_or_400(value: object, *, label: str | None = None) -> int:
    number = parse_id(value)
    if number is None:
        raise BadRequest(
            _("Mã “%(value)s” không hợp lệ%(label)s.")
            % {"value": str(value)[:20], "label": f" ({label})" if label else ""}
        )
    return number


def id_list_or_400(values: Iterable[object]) -> list[int]:
    """Every value must be an id; duplicates dropped, order kept. 400 on the first bad one."""
    seen: dict[int, None] = {}
    for value in values:
        seen[id_or_400(value)] = None
        if len(seen) > MAX_IDS:
            raise BadRequest(_("Chọn quá nhiều mục một lúc (tối đa %(n)s).") % {"n": MAX_IDS})
    return list(seen)


def parse_iso_date(value: object) -> dt.date | None:
    """yyyy-mm-dd with ASCII digits only, or None."""
    if not isinstance(value, str) or len(value) != 10 or not value.isascii():
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def page_number(value: object) -> int:
    """?trang= / ?loi= / ?dong= for a Paginator: an ASCII page number, else the first page."""
    return parse_int(value, min_value=1, max_value=10**9) or 1


def site_path(value: object) -> str | None:
    """A path on this site ("/cam-ket/"), or None: no scheme, no host, no "//evil", no "cam-ket/"."""
    if not isinstance(value, str) or not value.startswith("/") or value.startswith(("//", "/\\")):
        return None
    if len(value) > 2000 or not value.isprintable() or "\\" in value:
        return None
    return value
