"""Audit trail for the review page: who changed what, when, before → after (simple-history)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .models import MemberReview

HIDDEN = {"updated_at", "id", "cycle", "member", "year", "cell", "decided_at", "decided_by", "flagged_mask"}


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class Entry:
    when: object
    who: str
    kind: str
    changes: list[Change]


def _display(name: str, value) -> str:
    if value in (None, ""):
        return "—"
    field = MemberReview._meta.get_field(name)
    if field.choices:
        return str(dict(field.choices).get(value, value))
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    return str(value)


def _label(name: str) -> str:
    return str(capfirst(MemberReview._meta.get_field(name).verbose_name))


def _tracked() -> list[str]:
    return [f.name for f in MemberReview._meta.concrete_fields if f.name not in HIDDEN]


def _initial_changes(record) -> list[Change]:
    """What the first version set (fields that differ from an empty review)."""
    blank = MemberReview()
    return [
        Change(_label(name), "—", _display(name, getattr(record, name)))
        for name in _tracked()
        if getattr(record, name) not in (None, "", getattr(blank, name))
    ]


def review_changes(review: MemberReview) -> list[Entry]:
    """Every saved version of the review, newest first, with the fields it changed (one query)."""
    records = list(review.history.select_related("history_user").order_by("history_date", "history_id"))
    entries: list[Entry] = []
    previous = None
    kinds = {"+": _("Tạo"), "~": _("Sửa"), "-": _("Xóa")}
    tracked = set(_tracked())
    for record in records:
        if previous is None:
            changes = _initial_changes(record)
        else:
            delta = record.diff_against(previous)
            changes = [
                Change(_label(c.field), _display(c.field, c.old), _display(c.field, c.new))
                for c in delta.changes
                if c.field in tracked
            ]
        user = record.history_user
        who = (user.get_full_name() or user.username) if user else _("hệ thống")
        entries.append(Entry(record.history_date, who, kinds.get(record.history_type, ""), changes))
        previous = record
    entries.reverse()
    return entries
