"""Writes for commitments. Every status change saves the model (simple-history audit) with the acting
user, and tells the roll-ups through `core.events.cells_changed`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import events
from notifications.events import notify
from organizations.models import Member, Organization

from .models import AREA_FIELDS, Commitment, CommitmentAction, CommitmentCycle, CommitmentStatus, ProgressStatus
from .selectors import led_organizations

CONTENT_FIELDS = (*AREA_FIELDS, "pledge_27", "plan", "exemplary_registration")

MSG_AREA_REQUIRED = gettext_lazy("Vui lòng viết cam kết về nội dung này.")
MSG_NOT_EDITABLE = gettext_lazy("Bản cam kết đã nộp hoặc đã được xác nhận nên không sửa được.")


@dataclass
class ActionInput:
    """One registered action as typed in the form (id for an existing row, `delete` to remove it)."""

    description: str = ""
    expected_result: str = ""
    due_on: dt.date | None = None
    id: int | None = None
    delete: bool = False


def _notify(commitment: Commitment) -> None:
    events.cells_changed(cell_ids={commitment.member.cell_id}, year=commitment.year)


def _save(commitment: Commitment, by) -> None:
    commitment._history_user = by  # audit who did it, also outside a request (tasks, commands)
    commitment.full_clean()
    commitment.save()


@transaction.atomic
def commitment_cycle_open(
    *, organization: Organization, year: int, opens_on: dt.date, deadline: dt.date, place_name: str = ""
) -> CommitmentCycle:
    """Mở đợt cam kết — open the year's commitment cycle for a top organisation."""
    cycle = CommitmentCycle(
        organization=organization, year=year, opens_on=opens_on, deadline=deadline, place_name=place_name
    )
    cycle.full_clean()
    cycle.save()
    return cycle


def submission_errors(commitment: Commitment, actions: list[CommitmentAction], *, leader: bool) -> dict:
    """What a submission still lacks, as {field: message} (empty when it may be submitted)."""
    errors: dict[str, str] = {}
    for name in AREA_FIELDS:
        if not getattr(commitment, name).strip():
            errors[name] = MSG_AREA_REQUIRED
    if not commitment.plan.strip():
        errors["plan"] = _("Vui lòng viết kế hoạch, biện pháp tu dưỡng, rèn luyện.")
    if not commitment.pledge_27:
        errors["pledge_27"] = _("Cần đánh dấu cam kết không để xảy ra 27 biểu hiện suy thoái.")
    if leader and not commitment.exemplary_registration.strip():
        errors["exemplary_registration"] = _("Đồng chí giữ chức vụ lãnh đạo cần đăng ký nêu gương.")
    if not actions:
        errors["actions"] = _("Cần đăng ký ít nhất một việc làm cụ thể theo Chỉ thị 05.")
    elif any(not (a.description.strip() and a.expected_result.strip() and a.due_on) for a in actions):
        errors["actions"] = _("Mỗi việc làm cần có nội dung, kết quả đo được và thời hạn.")
    return errors


def _apply_actions(commitment: Commitment, actions: Iterable[ActionInput], by) -> None:
    existing = {a.pk: a for a in commitment.actions.all()}
    for item in actions:
        action = existing.get(item.id) if item.id else CommitmentAction(commitment=commitment)
        if action is None:
            raise ValidationError(_("Việc làm không thuộc bản cam kết này."))
        if item.delete:
            if action.pk:
                action._history_user = by
                action.delete()
            continue
        action.description, action.expected_result, action.due_on = (
            item.description.strip(),
            item.expected_result.strip(),
            item.due_on,
        )
        action._history_user = by
        action.full_clean()
        action.save()


@transaction.atomic
def commitment_save(
    *,
    member: Member,
    cycle: CommitmentCycle,
    content: dict,
    watched: Iterable = (),
    actions: Iterable[ActionInput] = (),
    submit: bool = False,
    by,
) -> Commitment:
    """Viết bản cam kết — save the member's draft and, with `submit`, submit it (validated).

    Drafts are saved without the submission checks; a submission that fails them saves nothing.
    """
    commitment = Commitment.objects.select_for_update().filter(member=member, year=cycle.year).first()
    created = commitment is None
    if created:
        commitment = Commitment(member=member, year=cycle.year, cycle=cycle)
    elif not commitment.is_editable:
        raise ValidationError(MSG_NOT_EDITABLE)
    for name in CONTENT_FIELDS:
        if name in content:
            value = content[name]
            setattr(commitment, name, value.strip() if isinstance(value, str) else value)
    _save(commitment, by)
    commitment.watched_indicators.set(list(watched))
    _apply_actions(commitment, actions, by)
    if submit:
        _submit(commitment, by)
    elif created:
        _notify(commitment)
    return commitment


def _submit(commitment: Commitment, by) -> None:
    user = commitment.member.user
    led = led_organizations(user=user) if user else []
    errors = submission_errors(commitment, list(commitment.actions.all()), leader=bool(led))
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    commitment.status = CommitmentStatus.SUBMITTED
    commitment.submitted_at = now
    commitment.first_submitted_at = commitment.first_submitted_at or now
    _save(commitment, by)
    # The registration goes to the committees the member leads as well as to their cell.
    commitment.exemplary_organizations.set(led if commitment.exemplary_registration else [])
    _notify(commitment)


@transaction.atomic
def commitment_submit(*, commitment: Commitment, by) -> Commitment:
    """Nộp bản cam kết — submit a saved draft (validated)."""
    commitment = Commitment.objects.select_for_update().select_related("member").get(pk=commitment.pk)
    if not commitment.is_editable:
        raise ValidationError(MSG_NOT_EDITABLE)
    _submit(commitment, by)
    return commitment


def _locked(commitment: Commitment) -> Commitment:
    return Commitment.objects.select_for_update().select_related("member").get(pk=commitment.pk)


@transaction.atomic
def commitment_acknowledge(*, commitment: Commitment, by) -> Commitment:
    """Chi bộ xác nhận — acknowledge a submitted commitment; its content becomes read-only."""
    commitment = _locked(commitment)
    if commitment.status != CommitmentStatus.SUBMITTED:
        raise ValidationError(_("Chỉ xác nhận được bản cam kết đã nộp."))
    commitment.status = CommitmentStatus.ACKNOWLEDGED
    commitment.acknowledged_at = timezone.now()
    commitment.acknowledged_by = by
    _save(commitment, by)
    _notify(commitment)
    notify(type="commitment_acknowledged", ids=[commitment.pk])  # issue 12: the member is told
    return commitment


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Vui lòng ghi lý do để đảng viên biết cần sửa gì.")})
    return reason


@transaction.atomic
def commitment_return(*, commitment: Commitment, reason: str, by) -> Commitment:
    """Trả lại để sửa — return a submitted commitment with a reason the member sees."""
    reason = _require_reason(reason)
    commitment = _locked(commitment)
    if commitment.status != CommitmentStatus.SUBMITTED:
        raise ValidationError(_("Chỉ trả lại được bản cam kết đã nộp."))
    _set_returned(commitment, reason, by)
    return commitment


@transaction.atomic
def commitment_reopen(*, commitment: Commitment, reason: str, by) -> Commitment:
    """Mở lại bản cam kết đã xác nhận để sửa (audited: history keeps who, when and why)."""
    reason = _require_reason(reason)
    commitment = _locked(commitment)
    if commitment.status != CommitmentStatus.ACKNOWLEDGED:
        raise ValidationError(_("Chỉ mở lại được bản cam kết đã xác nhận."))
    commitment.acknowledged_at = None
    commitment.acknowledged_by = None
    _set_returned(commitment, reason, by)
    return commitment


def _set_returned(commitment: Commitment, reason: str, by) -> None:
    commitment.status = CommitmentStatus.RETURNED
    commitment.return_reason = reason
    commitment.returned_at = timezone.now()
    commitment.returned_by = by
    _save(commitment, by)
    _notify(commitment)
    notify(type="commitment_returned", ids=[commitment.pk])  # issue 12: the member is told, with the reason


@transaction.atomic
def commitments_acknowledge_bulk(*, cell: Organization, ids: Iterable[int], year: int, by) -> int:
    """Xác nhận hàng loạt — acknowledge the selected submitted commitments of the cell's members."""
    rows = list(
        Commitment.objects.select_for_update()
        .filter(pk__in=list(ids), member__cell=cell, year=year, status=CommitmentStatus.SUBMITTED)
        .exclude(member__user=by)  # nobody confirms their own commitment
        .order_by("pk")
    )
    now = timezone.now()
    for commitment in rows:
        commitment.status = CommitmentStatus.ACKNOWLEDGED
        commitment.acknowledged_at = now
        commitment.acknowledged_by = by
        commitment._history_user = by
        commitment.save()  # one save per row so each change is in the history
    if rows:
        events.cells_changed(cell_ids={cell.pk}, year=year)
        notify(type="commitment_acknowledged", ids=[c.pk for c in rows])
    return len(rows)


@transaction.atomic
def commitment_action_record_progress(*, action: CommitmentAction, progress: str, note: str, by) -> CommitmentAction:
    """Báo cáo tiến độ — the member records progress on one registered action."""
    action = CommitmentAction.objects.select_for_update().select_related("commitment").get(pk=action.pk)
    if action.commitment.status not in (CommitmentStatus.SUBMITTED, CommitmentStatus.ACKNOWLEDGED):
        raise ValidationError(_("Chỉ báo cáo tiến độ sau khi đã nộp bản cam kết."))
    if progress not in ProgressStatus.values:
        raise ValidationError({"progress": _("Tiến độ không hợp lệ.")})
    action.progress = progress
    action.progress_note = (note or "").strip()
    action.progress_updated_at = timezone.now()
    action._history_user = by
    action.full_clean()
    action.save()
    return action


# --- entry on the member's behalf (issue 11) ----------------------------------------------------------

MSG_PAPER_REQUIRED = gettext_lazy("Chỉ nhập hộ khi đã có bản giấy đảng viên ký: vui lòng đánh dấu ô này.")


def may_enter_on_behalf(*, user, member: Member) -> bool:
    """Only the secretary or deputy of the member's own cell (an open position there)."""
    from organizations.selectors import may_enter_on_behalf as allowed

    return allowed(user=user, member=member)


@transaction.atomic
def commitment_save_on_behalf(
    *,
    member: Member,
    cycle: CommitmentCycle,
    content: dict,
    watched: Iterable = (),
    actions: Iterable[ActionInput] = (),
    submit: bool = False,
    paper_signed: bool,
    scan=None,
    by,
) -> Commitment:
    """Nhập hộ bản cam kết — the cell secretary (or deputy) types the member's signed paper form.

    Refused for a member of another cell; requires the signed paper; a scan must be PDF/JPEG/PNG by
    content. The record keeps who entered it and when ("nhập hộ bởi … ngày …"), in its history too.
    """
    from django.core.exceptions import PermissionDenied

    from core.uploads import scan_kind

    if not may_enter_on_behalf(user=by, member=member):
        raise PermissionDenied(_("Chỉ bí thư, phó bí thư chi bộ của đảng viên được nhập hộ."))
    if not paper_signed:
        raise ValidationError({"paper_signed": MSG_PAPER_REQUIRED})
    if scan is not None:
        try:
            ext, _type = scan_kind(scan)
        except ValidationError as exc:
            raise ValidationError({"scan": exc.messages}) from exc
    commitment = commitment_save(
        member=member, cycle=cycle, content=content, watched=watched, actions=actions, submit=submit, by=by
    )
    commitment.entered_by = by
    commitment.entered_at = timezone.now()
    commitment.paper_signed = True
    if scan is not None:
        commitment.paper_scan.save(f"{commitment.year}-{member.pk}.{ext}", scan, save=False)
    _save(commitment, by)
    return commitment


@transaction.atomic
def commitment_correction_request(*, commitment: Commitment, text: str, by) -> Commitment:
    """Đề nghị sửa — the member asks the secretary to correct what was entered on their behalf."""
    from django.core.exceptions import PermissionDenied

    commitment = _locked(commitment)
    if commitment.member.user_id != by.pk or commitment.entered_by_id is None:
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Vui lòng ghi cần sửa nội dung gì.")})
    commitment.correction_request = text
    commitment.correction_requested_at = timezone.now()
    _save(commitment, by)
    return commitment
