"""Who is told what about a quarterly evaluation (built by notifications.event_messages)."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from organizations.models import Member, PositionKind

from .models import QuarterlyCycle, QuarterlyEvaluation

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
MINE = "/danh-gia-quy/?nam={}&quy={}"
MANAGER = "/danh-gia-quy/quan-ly/{}/?nam={}"


def quarterly_pairs(item: dict) -> list:
    from notifications.event_messages import _grade_label, _holders, _member_person, _section

    event = item.get("event")
    out = []
    if event == "reminder":
        cycle = QuarterlyCycle.objects.get(pk=item["cycle_id"])
        q = item["quarter"]
        deadline = date_format(cycle.deadline(q), "SHORT_DATE_FORMAT")
        title = _("Nhắc tự đánh giá quý %(q)s năm %(y)s") % {"q": ROMAN[q], "y": cycle.year}
        text = _("Đồng chí chưa nộp bản tự đánh giá quý %(q)s. Hạn nộp: %(d)s.") % {"q": ROMAN[q], "d": deadline}
        for m in Member.objects.filter(pk__in=item["member_ids"]).select_related("user"):
            person = _member_person(m)
            if person is not None:
                out.append((person, _section(title, text, MINE.format(cycle.year, q))))
        return out
    rows = QuarterlyEvaluation.objects.filter(pk__in=item["ids"]).select_related("member__user", "manager")
    for e in rows:
        q = ROMAN[e.quarter]
        if event == "submitted":
            title = _("%(n)s nộp tự đánh giá quý %(q)s năm %(y)s") % {"n": e.member.full_name, "q": q, "y": e.year}
            text = _("Tự chấm %(s)s điểm, tự xếp loại: %(g)s. Cấp quản lý đánh giá.") % {
                "s": e.self_score,
                "g": _grade_label(e.self_grade),
            }
            for p in _holders(e.manager, [PositionKind.STANDING_COMMITTEE]):
                out.append((p, _section(title, text, MANAGER.format(e.manager_id, e.year))))
            continue
        person = _member_person(e.member)
        if person is None:
            continue
        if event == "decided":
            title = _("Kết quả đánh giá quý %(q)s năm %(y)s") % {"q": q, "y": e.year}
            text = _("Cấp quản lý đánh giá: %(g)s.") % {"g": _grade_label(e.decided_grade)}
        else:
            title = _("Bản tự đánh giá quý %(q)s năm %(y)s được trả lại") % {"q": q, "y": e.year}
            text = _("Lý do: %(r)s") % {"r": e.decision_note}
        out.append((person, _section(title, text, MINE.format(e.year, e.quarter))))
    return out
