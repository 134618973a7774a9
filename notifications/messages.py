"""The words of a reminder: Vietnamese titles, sentences and unit lines for email and inbox."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .due import DueItem, Unit
from .models import ReminderKind

TITLES = {
    ReminderKind.COMMITMENT: lambda y: _("Nhắc nộp bản cam kết năm %(year)s") % {"year": y},
    ReminderKind.SELF_ASSESSMENT: lambda y: _("Nhắc nộp bản tự kiểm điểm năm %(year)s") % {"year": y},
    ReminderKind.PROPOSAL: lambda y: _("Nhắc chi bộ gửi đề xuất xếp loại năm %(year)s") % {"year": y},
    ReminderKind.DECISION: lambda y: _("Nhắc quyết định xếp loại đảng viên năm %(year)s") % {"year": y},
}
LATE_TITLES = {
    ReminderKind.COMMITMENT: lambda y: _("Đơn vị chậm nộp bản cam kết năm %(year)s") % {"year": y},
    ReminderKind.SELF_ASSESSMENT: lambda y: _("Đơn vị chậm nộp bản tự kiểm điểm năm %(year)s") % {"year": y},
    ReminderKind.PROPOSAL: lambda y: _("Chi bộ chậm gửi đề xuất xếp loại năm %(year)s") % {"year": y},
    ReminderKind.DECISION: lambda y: _("Tổ chức chậm quyết định xếp loại năm %(year)s") % {"year": y},
}


def _texts() -> dict:
    return {
        ReminderKind.COMMITMENT: _(
            "Đồng chí chưa nộp bản cam kết tu dưỡng, rèn luyện, phấn đấu năm %(year)s. Hạn nộp: %(deadline)s (%(when)s)."
        ),
        ReminderKind.SELF_ASSESSMENT: _(
            "Đồng chí chưa nộp bản tự kiểm điểm, tự xếp loại năm %(year)s. Hạn nộp: %(deadline)s (%(when)s)."
        ),
        ReminderKind.PROPOSAL: _(
            "Chi bộ chưa gửi đề xuất xếp loại đảng viên năm %(year)s. "
            "Hạn họp chi bộ và đề xuất: %(deadline)s (%(when)s)."
        ),
        ReminderKind.DECISION: _(
            "Có đề xuất xếp loại đảng viên năm %(year)s đang chờ quyết định. Hạn quyết định: %(deadline)s (%(when)s)."
        ),
    }


def _late_texts() -> dict:
    return {
        ReminderKind.COMMITMENT: _(
            "Hạn nộp bản cam kết năm %(year)s (%(deadline)s) đã qua. "
            "Các chi bộ còn đảng viên chưa nộp, chậm nhất xếp trước:"
        ),
        ReminderKind.SELF_ASSESSMENT: _(
            "Hạn nộp bản tự kiểm điểm năm %(year)s (%(deadline)s) đã qua. "
            "Các chi bộ còn đảng viên chưa nộp, chậm nhất xếp trước:"
        ),
        ReminderKind.PROPOSAL: _(
            "Hạn họp chi bộ và đề xuất xếp loại năm %(year)s (%(deadline)s) đã qua. "
            "Các chi bộ chưa gửi đề xuất, chậm nhất xếp trước:"
        ),
        ReminderKind.DECISION: _(
            "Hạn quyết định xếp loại đảng viên năm %(year)s (%(deadline)s) đã qua. "
            "Các tổ chức còn đề xuất chưa quyết định, chậm nhất xếp trước:"
        ),
    }


def _unit_detail(kind: str, unit: Unit, late: bool) -> str:
    if kind in (ReminderKind.COMMITMENT, ReminderKind.SELF_ASSESSMENT):
        return _("%(missing)s/%(total)s đảng viên chưa nộp") % {"missing": unit.missing, "total": unit.total}
    if kind == ReminderKind.PROPOSAL:
        return _("%(n)s đảng viên") % {"n": unit.total}
    if late:
        return _("%(missing)s/%(total)s chi bộ chưa được quyết định") % {"missing": unit.missing, "total": unit.total}
    return _("%(n)s chi bộ chờ quyết định") % {"n": unit.missing}


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@dataclass(frozen=True)
class UnitLine:
    name: str
    detail: str
    url: str


@dataclass(frozen=True)
class Section:
    """One reminder inside a message (and one inbox notification)."""

    kind: str
    title: str
    text: str
    url: str
    path: str
    units: tuple[UnitLine, ...]

    @property
    def plain(self) -> str:
        lines = [self.text] + [f"- {u.name}: {u.detail}" for u in self.units]
        return "\n".join(lines)


def section_for(item: DueItem) -> Section:
    """Build under translation.override(...): the caller picks the language (Vietnamese)."""
    params = {"year": item.year, "deadline": date_format(item.deadline, "SHORT_DATE_FORMAT")}
    if item.is_late:
        title, text = LATE_TITLES[item.kind](item.year), _late_texts()[item.kind] % params
    else:
        days = item.days_left
        params["when"] = _("hôm nay là hạn cuối") if days == 0 else _("còn %(n)s ngày") % {"n": days}
        title, text = TITLES[item.kind](item.year), _texts()[item.kind] % params
    units = tuple(UnitLine(u.name, _unit_detail(item.kind, u, item.is_late), absolute(u.link)) for u in item.units)
    return Section(item.kind, title, text, absolute(item.link), item.link, units)
