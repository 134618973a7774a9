"""Plausible dates per meaning: a date of birth in 1900 or an admission in 2100 is a typing error.

Each kind names its range; `plausible_error(kind, value)` returns the Vietnamese message to show
next to the field (or None), `check_plausible(...)` raises a field-keyed ValidationError. Models
call it from clean(), forms from clean_<field>(), the import planner per row. Relative rules
(admitted after birth, end after start) stay where they are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PARTY_FOUNDED = dt.date(1930, 2, 3)  # no party date can be earlier


def _today() -> dt.date:
    return timezone.localdate()


def _years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class DateRange:
    label: object  # lazy Vietnamese text, lower case, used inside the message
    earliest: Callable[[], dt.date]
    latest: Callable[[], dt.date]


RANGES: dict[str, DateRange] = {
    # Members are admitted from 18 (16 in a few historical cases); nobody on the roll was born before 1910.
    "birth": DateRange(gettext_lazy("ngày sinh"), lambda: dt.date(1910, 1, 1), lambda: _years(_today(), -16)),
    "admission": DateRange(gettext_lazy("ngày vào Đảng"), lambda: PARTY_FOUNDED, _today),
    "full_member": DateRange(gettext_lazy("ngày chính thức"), lambda: PARTY_FOUNDED, lambda: _years(_today(), 1)),
    # Memberships, positions and organisations: from the Party's founding to a year ahead (planned changes).
    "validity": DateRange(gettext_lazy("ngày hiệu lực"), lambda: PARTY_FOUNDED, lambda: _years(_today(), 2)),
    # A reorganisation is recorded close to when it happens.
    "reorganisation": DateRange(
        gettext_lazy("ngày có hiệu lực"), lambda: _years(_today(), -10), lambda: _years(_today(), 1)
    ),
}


def plausible_error(kind: str, value: dt.date | None) -> str | None:
    if value is None:
        return None
    span = RANGES[kind]
    earliest, latest = span.earliest(), span.latest()
    if earliest <= value <= latest:
        return None
    return _("%(label)s %(value)s không hợp lý: cần trong khoảng %(min)s – %(max)s.") % {
        "label": str(span.label).capitalize(),
        "value": value.strftime("%d/%m/%Y"),
        "min": earliest.strftime("%d/%m/%Y"),
        "max": latest.strftime("%d/%m/%Y"),
    }


def check_plausible(**fields: tuple[str, dt.date | None]) -> None:
    """check_plausible(date_of_birth=("birth", value), ...) → ValidationError keyed by field."""
    errors = {name: msg for name, (kind, value) in fields.items() if (msg := plausible_error(kind, value))}
    if errors:
        raise ValidationError(errors)
