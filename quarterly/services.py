"""Writes for the quarterly evaluation of leaders (KL 198-KL/TW, HD 02-HD/BTCTW 2026).

Only members holding a position listed in settings.QUARTERLY_LEADER_POSITIONS are evaluated each
quarter; the managing body (the organisation above the one where the position is held) decides.
Authority and locks are checked here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.events import notify, notify_once
from organizations.models import Member, Organization
from reviews.selectors import can_decide

from . import selectors as sel
from .models import QUARTERS, QuarterlyCycle, QuarterlyEvaluation, QuarterlyStatus, default_deadline


@transaction.atomic
def quarterly_cycle_create(
    *, organization: Organization, year: int, deadlines: dict[int, dt.date] | None = None
) -> QuarterlyCycle:
    """A year's quarterly cycle; each quarter's deadline defaults to the 15th of its last month."""
    deadlines = deadlines or {}
    cycle = QuarterlyCycle(
        organization=organization,
        year=year,
        **{f"q{q}_deadline": deadlines.get(q) or default_deadline(year, q) for q in QUARTERS},
    )
    cycle.full_clean()
    cycle.save()
    return cycle


@dataclass(frozen=True)
class QuarterlyInput:
    tasks: str
    results: str = ""
    self_score: Decimal | None = None
    self_grade: str = ""


@transaction.atomic
def quarterly_self_save(
    *, member: Member, cycle: QuarterlyCycle, quarter: int, data: QuarterlyInput, submit: bool, user
) -> QuarterlyEvaluation:
    """The leader's own quarterly self-assessment; refused for members not in the listed positions."""
    if user is not None and not user.is_superuser and member.user_id != user.pk:
        raise PermissionDenied(_("Chỉ cán bộ tự đánh giá quý của mình."))
    if quarter not in QUARTERS:
        raise ValidationError(_("Quý phải từ I đến IV."))
    position = sel.leader_position(member)
    if position is None:
        raise ValidationError(
            _("Đồng chí không giữ chức vụ thuộc diện đánh giá hằng quý; đảng viên khác đánh giá theo năm.")
        )
    row = (
        QuarterlyEvaluation.objects.select_for_update().filter(member=member, year=cycle.year, quarter=quarter).first()
    )
    if row is not None and row.status in (QuarterlyStatus.SUBMITTED, QuarterlyStatus.DECIDED):
        raise ValidationError(_("Bản đánh giá quý này đã nộp; không sửa được nữa."))
    errors = {}
    if not data.tasks.strip():
        errors["tasks"] = _("Ghi nhiệm vụ được giao trong quý.")
    if data.self_score is None:
        errors["self_score"] = _("Nhập điểm tự chấm (0–100).")
    if not data.self_grade:
        errors["self_grade"] = _("Chọn mức tự xếp loại.")
    if errors:
        raise ValidationError(errors)
    kind, org = position
    row = row or QuarterlyEvaluation(member=member, year=cycle.year, quarter=quarter)
    row.cycle, row.position_kind, row.position_org, row.manager = cycle, kind, org, sel.managing_body(org)
    row.tasks, row.results = data.tasks.strip(), data.results.strip()
    row.self_score, row.self_grade = data.self_score, data.self_grade
    if submit:
        row.status, row.submitted_at = QuarterlyStatus.SUBMITTED, timezone.now()
    elif row.status != QuarterlyStatus.RETURNED:
        row.status = QuarterlyStatus.DRAFT
    row.full_clean(validate_unique=False)
    row.save()
    if submit:
        notify(type="quarterly", event="submitted", ids=[row.pk])
    return row


def _require_manager(user, evaluation: QuarterlyEvaluation) -> None:
    if user is not None and not can_decide(user, evaluation.manager):
        raise PermissionDenied(_("Chỉ cấp quản lý cán bộ đánh giá quý của cán bộ này."))


@transaction.atomic
def quarterly_decide(
    *, evaluation: QuarterlyEvaluation, grade: str, score: Decimal | None = None, note: str = "", user
) -> QuarterlyEvaluation:
    """The managing body's quarterly evaluation of the leader."""
    evaluation = QuarterlyEvaluation.objects.select_for_update().select_related("manager").get(pk=evaluation.pk)
    _require_manager(user, evaluation)
    if evaluation.status != QuarterlyStatus.SUBMITTED:
        raise ValidationError(_("Bản đánh giá chưa nộp hoặc đã được cấp quản lý đánh giá."))
    if not grade:
        raise ValidationError({"grade": _("Chọn mức xếp loại.")})
    evaluation.decided_grade, evaluation.decided_score, evaluation.decision_note = grade, score, note.strip()
    evaluation.status, evaluation.decided_at, evaluation.decided_by = QuarterlyStatus.DECIDED, timezone.now(), user
    evaluation.full_clean(validate_unique=False)
    evaluation.save()
    notify(type="quarterly", event="decided", ids=[evaluation.pk])
    return evaluation


@transaction.atomic
def quarterly_return(*, evaluation: QuarterlyEvaluation, reason: str, user) -> QuarterlyEvaluation:
    evaluation = QuarterlyEvaluation.objects.select_for_update().select_related("manager").get(pk=evaluation.pk)
    _require_manager(user, evaluation)
    if evaluation.status != QuarterlyStatus.SUBMITTED:
        raise ValidationError(_("Chỉ trả lại được bản đánh giá đã nộp."))
    if not reason.strip():
        raise ValidationError({"reason": _("Ghi lý do trả lại.")})
    evaluation.status, evaluation.decision_note = QuarterlyStatus.RETURNED, reason.strip()
    evaluation.save()
    notify(type="quarterly", event="returned", ids=[evaluation.pk])
    return evaluation


def quarterly_reminders_run(*, on: dt.date, days_before=(7, 0)) -> int:
    """Remind leaders who have not submitted the quarter due soon (D-7, D-0); once per stage.

    The batch key (cycle, quarter, stage) and the ledger row per recipient make a re-run send nothing.
    """
    batches = 0
    for cycle in QuarterlyCycle.objects.filter(year=on.year):
        for quarter in QUARTERS:
            left = (cycle.deadline(quarter) - on).days
            reached = [d for d in sorted(days_before) if 0 <= left <= d]
            if not reached:
                continue
            missing = sel.leaders_missing(cycle=cycle, quarter=quarter)
            if not missing:
                continue
            stage = f"D-{reached[0]}"
            with transaction.atomic():
                created = notify_once(
                    key=f"quarterly:{cycle.pk}:{quarter}:{stage}",
                    items=[{"type": "quarterly", "event": "reminder", "cycle_id": cycle.pk, "quarter": quarter,
                            "member_ids": missing, "days_left": left}],
                )  # fmt: skip
            batches += int(created)
    return batches
