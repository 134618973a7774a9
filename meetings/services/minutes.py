"""Biên bản hội nghị — the cell's review meeting (attendance, votes on each proposed grade) and the
deciding committee's meeting (decision number and date). The proposal cannot be submitted without
the cell's minutes: reviews.services.grid.grid_save asks `minutes_violations` on submit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from organizations.models import ACTIVE_STATUSES, Member, Organization
from reviews.models import ReviewCycle
from reviews.rules import Violation
from reviews.selectors import can_decide, can_edit_cell
from reviews.selectors.permissions import LOCKED_BATCH
from reviews.services.base import org_review_lock

from ..models import Attendance, MeetingKind, Minutes

DEFAULT_QUORUM = (2, 3)  # more than two thirds of those summoned (regime parameter `meeting_quorum`)


@dataclass(frozen=True)
class MinutesHeader:
    held_on: dt.date
    place: str
    chair: str
    recorder: str
    vote_method: str
    content: str = ""
    absent_note: str = ""
    invited: int | None = None  # committee meeting: typed; cell meeting: counted from attendance
    present: int | None = None
    agree: int | None = None
    decision_number: str = ""
    decision_date: dt.date | None = None


@dataclass(frozen=True)
class AttendanceInput:
    present: bool = True
    absence_reason: str = ""
    voted_grade: str = ""
    agree: int | None = None


def quorum_of(cycle: ReviewCycle) -> tuple[int, int]:
    value = (cycle.regime.params or {}).get("meeting_quorum") or DEFAULT_QUORUM
    return int(value[0]), int(value[1])


def quorum_met(cycle: ReviewCycle, *, invited: int, present: int) -> bool:
    num, den = quorum_of(cycle)
    return invited > 0 and present * den > invited * num


def summoned(cell: Organization) -> list[Member]:
    """Members summoned to the cell's meeting: on the roll and active (not exempt, not suspended)."""
    return list(Member.objects.filter(cell=cell, status__in=ACTIVE_STATUSES).order_by("sort_key", "id"))


@transaction.atomic
def cell_minutes_save(
    *, cell: Organization, cycle: ReviewCycle, header: MinutesHeader, attendance: dict[int, AttendanceInput], user
) -> Minutes:
    """Record the cell's review meeting; locked (like the grid) once the proposal is submitted."""
    if user is not None and not can_edit_cell(user, cell):
        raise PermissionDenied(_("Chỉ chi ủy (bí thư) chi bộ lập biên bản hội nghị chi bộ."))
    org_review = org_review_lock(cell, cycle)
    if org_review.status in LOCKED_BATCH:
        raise ValidationError(_("Chi bộ đã nộp đề xuất: biên bản không sửa được nữa."))
    members = summoned(cell)
    errors = []
    for m in members:
        row = attendance.get(m.pk, AttendanceInput())
        if not row.present and not row.absence_reason.strip():
            errors.append(_("Ghi lý do vắng mặt của đồng chí %(n)s.") % {"n": m.full_name})
    present = sum(1 for m in members if attendance.get(m.pk, AttendanceInput()).present)
    for m in members:
        agree = attendance.get(m.pk, AttendanceInput()).agree
        if agree is not None and agree > present:
            errors.append(
                _("Số tán thành mức xếp loại của đồng chí %(n)s (%(a)s) lớn hơn số có mặt (%(p)s).")
                % {"n": m.full_name, "a": agree, "p": present}
            )
    if errors:
        raise ValidationError(errors)
    minutes = _header_save(cell, cycle, MeetingKind.CELL_REVIEW, header, user, invited=len(members), present=present)
    _attendance_save(minutes, members, attendance, user)
    return minutes


@transaction.atomic
def decision_minutes_save(*, decider: Organization, cycle: ReviewCycle, header: MinutesHeader, user) -> Minutes:
    """The deciding committee's meeting, with the decision's number and date."""
    if user is not None and not can_decide(user, decider):
        raise PermissionDenied(_("Đồng chí không có thẩm quyền quyết định xếp loại cho tổ chức này."))
    if not header.decision_number.strip() or header.decision_date is None:
        raise ValidationError(_("Ghi số và ngày của quyết định xếp loại."))
    invited, present = header.invited or 0, header.present or 0
    if present > invited:
        raise ValidationError(_("Số có mặt không thể lớn hơn số được triệu tập."))
    if header.agree is not None and header.agree > present:
        raise ValidationError(_("Số tán thành không thể lớn hơn số có mặt."))
    return _header_save(decider, cycle, MeetingKind.DECISION, header, user, invited=invited, present=present)


def _header_save(org, cycle, kind, header: MinutesHeader, user, *, invited: int, present: int) -> Minutes:
    minutes = Minutes.objects.select_for_update().filter(organization=org, year=cycle.year, kind=kind).first()
    minutes = minutes or Minutes(organization=org, year=cycle.year, kind=kind)
    for name in ("held_on", "place", "chair", "recorder", "vote_method", "content", "absent_note", "agree"):
        value = getattr(header, name)
        setattr(minutes, name, value.strip() if isinstance(value, str) else value)
    minutes.decision_number, minutes.decision_date = header.decision_number.strip(), header.decision_date
    minutes.invited, minutes.present, minutes.recorded_by = invited, present, user
    minutes.full_clean(validate_unique=False)
    minutes.save()
    return minutes


def _attendance_save(minutes: Minutes, members: list[Member], attendance: dict[int, AttendanceInput], user) -> None:
    existing = {a.member_id: a for a in minutes.attendance.all()}
    new, changed = [], []
    fields = ["present", "absence_reason", "voted_grade", "agree"]
    for m in members:
        typed = attendance.get(m.pk, AttendanceInput())
        row = existing.get(m.pk) or Attendance(minutes=minutes, member=m)
        before = [getattr(row, f) for f in fields]
        row.present, row.absence_reason = typed.present, "" if typed.present else typed.absence_reason.strip()
        row.voted_grade, row.agree = typed.voted_grade, typed.agree
        if row.pk is None:
            new.append(row)
        elif before != [getattr(row, f) for f in fields]:
            changed.append(row)
    if new:
        bulk_create_with_history(new, Attendance, default_user=user)
    if changed:
        bulk_update_with_history(changed, Attendance, fields, default_user=user)


def minutes_violations(data, inputs: dict) -> list[Violation]:
    """What the minutes must show before the proposal goes up (called by grid_save on submit).

    `data` is reviews.selectors.GridData, `inputs` {member_id: GridInput} as typed in the grid.
    """
    minutes = Minutes.objects.filter(organization=data.cell, year=data.cycle.year, kind=MeetingKind.CELL_REVIEW).first()
    if minutes is None:
        return [
            Violation(
                "MINUTES_MISSING",
                _("Phải lập biên bản hội nghị chi bộ (có mặt, vắng mặt, kết quả biểu quyết) trước khi nộp đề xuất."),
            )
        ]
    out: list[Violation] = []
    if not quorum_met(data.cycle, invited=minutes.invited, present=minutes.present):
        num, den = quorum_of(data.cycle)
        out.append(
            Violation(
                "QUORUM",
                _("Hội nghị không đủ số lượng: có mặt %(p)s/%(i)s, cần trên %(num)s/%(den)s số được triệu tập.")
                % {"p": minutes.present, "i": minutes.invited, "num": num, "den": den},
            )
        )
    votes = {a.member_id: a for a in minutes.attendance.all()}
    for row in data.own_rows:
        typed = inputs.get(row.member.pk)
        grade = typed.grade if typed is not None else (row.review.proposed_grade if row.review else "")
        if not grade or (typed is not None and typed.reason):
            continue
        vote = votes.get(row.member.pk)
        name = row.member.full_name
        if vote is None or vote.voted_grade != grade or vote.agree is None:
            out.append(
                Violation(
                    "VOTE_MISSING",
                    _("Biên bản chưa ghi kết quả biểu quyết mức “%(g)s” đề xuất cho đồng chí %(n)s.")
                    % {"g": _grade_label(grade), "n": name},
                    row.member.pk,
                )
            )
        elif vote.agree * 2 <= minutes.present:
            out.append(
                Violation(
                    "VOTE_NOT_ADOPTED",
                    _("Mức đề xuất cho đồng chí %(n)s chỉ được %(a)s/%(p)s tán thành (cần quá nửa số có mặt).")
                    % {"n": name, "a": vote.agree, "p": minutes.present},
                    row.member.pk,
                )
            )
    return out


def _grade_label(grade: str) -> str:
    from reviews.models import Grade

    return str(Grade(grade).label) if grade in Grade.values else grade
