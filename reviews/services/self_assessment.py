"""Tự kiểm điểm — the member's written review, answers to the 27 manifestations, self-score and grade."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from organizations.models import Member, Organization

from .. import rules
from .. import selectors as sel
from ..models import Answer, Indicator, IndicatorAnswer, MemberReview, ReviewCycle, ReviewStatus
from ..selectors.permissions import member_may_edit
from .base import changed, org_review_lock


@dataclass
class SelfAssessment:
    strengths: str = ""
    shortcomings: str = ""
    remediation_report: str = ""
    commitment_results: str = ""
    self_score: Decimal | None = None
    self_grade: str = ""


def _require_author(user, member: Member) -> None:
    """Only the member writes their own review (user=None: a system caller such as seeding)."""
    if user is None or user.is_superuser:
        return
    if getattr(member, "user_id", None) != user.pk:
        raise PermissionDenied(_("Chỉ đảng viên tự viết bản kiểm điểm của mình."))


def _check_on_behalf(member: Member, by, paper_signed: bool) -> None:
    from organizations.selectors import may_enter_on_behalf

    if not may_enter_on_behalf(user=by, member=member):
        raise PermissionDenied(_("Chỉ bí thư, phó bí thư chi bộ của đảng viên được nhập hộ."))
    if not paper_signed:
        raise ValidationError({"paper_signed": _("Chỉ nhập hộ khi đã có bản giấy đảng viên ký: vui lòng đánh dấu ô này.")})


def _scan_ext(scan) -> str:
    """A scan of the signed paper must be a PDF, JPEG or PNG by its content (core.uploads)."""
    if scan is None:
        return ""
    from core.uploads import scan_kind

    try:
        ext, _type = scan_kind(scan)
    except ValidationError as exc:
        raise ValidationError({"scan": exc.messages}) from exc
    return ext


@transaction.atomic
def review_correction_request(*, review: MemberReview, text: str, by) -> MemberReview:
    """Đề nghị sửa — the member asks the cell to correct a self-assessment entered on their behalf."""
    review = MemberReview.objects.select_for_update().select_related("member").get(pk=review.pk)
    if review.member.user_id != getattr(by, "pk", None) or review.entered_by_id is None:
        raise PermissionDenied(_("Chỉ đảng viên được nhập hộ mới gửi đề nghị sửa bản kiểm điểm của mình."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Vui lòng ghi cần sửa nội dung gì.")})
    review.correction_request = text
    review.correction_requested_at = timezone.now()
    review._history_user = by
    review.save(update_fields=["correction_request", "correction_requested_at", "updated_at"])
    return review


@transaction.atomic
def review_self_save(
    *,
    member: Member,
    cycle: ReviewCycle,
    data: SelfAssessment,
    answers: dict[int, tuple[str, str]],
    submit: bool,
    user,
    entered_by=None,
    paper_signed: bool = False,
    scan=None,
) -> MemberReview:
    """Save (and optionally submit) the member's written review; answers are {indicator_id: (answer, note)}.

    One version in the audit trail per save: the review row is written once, then its answers.
    Refused once the cell has proposed (or the decision is made): the lock lives here, not in the view.
    With `entered_by`, a cell officer types the member's signed paper form on their behalf (nhập hộ):
    only the secretary or deputy of the member's own cell, and only with the signed paper.
    """
    if entered_by is not None:
        _check_on_behalf(member, entered_by, paper_signed)
        scan_ext = _scan_ext(scan)
    else:
        _require_author(user, member)
    if member.cell_id is None:
        raise ValidationError(_("Đảng viên chưa sinh hoạt ở chi bộ nào."))
    org_review_lock(Organization.objects.get(pk=member.cell_id), cycle)  # serialise with the cell's grid
    review = MemberReview.objects.select_for_update().filter(member=member, year=cycle.year).first()
    if review is None:
        review = MemberReview(member=member, year=cycle.year, cycle=cycle, cell_id=member.cell_id)
    elif not member_may_edit(review):
        raise ValidationError(_("Chi bộ đã đề xuất xếp loại: bản kiểm điểm không sửa được nữa."))
    existing = {a.indicator_id: a for a in review.answers.all()} if review.pk else {}
    errors = _self_errors(cycle, data, submit)
    if submit:
        errors |= _submit_errors(data, answers, existing)
    if errors:
        raise ValidationError(errors)
    for name, value in data.__dict__.items():
        setattr(review, name, value)
    review.flagged_mask = _mask(answers, existing)
    if submit:
        review.status = ReviewStatus.SELF_SUBMITTED
        review.self_submitted_at = timezone.now()
    if entered_by is not None:
        review.entered_by, review.entered_at, review.paper_signed = entered_by, timezone.now(), True
        if scan is not None:
            review.paper_scan.save(f"{cycle.year}-{member.pk}.{scan_ext}", scan, save=False)
    review.full_clean()
    review.save()
    _save_answers(review, answers, existing, user)
    changed([review.cell_id], review.year)
    return review


def _self_errors(cycle: ReviewCycle, data: SelfAssessment, submit: bool) -> dict[str, str]:
    policy = sel.policy_of(cycle)
    errors: dict[str, str] = {}
    if submit and not data.self_grade:
        errors["self_grade"] = _("Chọn mức tự xếp loại trước khi nộp.")
    if policy.scores and submit and data.self_score is None:
        errors["self_score"] = _("Quy định này chấm điểm: phải nhập điểm tự chấm (0–100).")
    if policy.scores and data.self_score is not None and data.self_grade:
        allowed = rules.band_grade(policy, data.self_score)
        if rules.RANK[data.self_grade] > rules.RANK[allowed]:
            errors["self_grade"] = _("Điểm tự chấm chỉ cho phép tự xếp loại tối đa “%(g)s”.") % {
                "g": rules.grade_label(allowed)
            }
    return errors


def _submit_errors(
    data: SelfAssessment, answers: dict[int, tuple[str, str]], existing: dict[int, IndicatorAnswer]
) -> dict[str, str]:
    """A submitted review answers all 27 indicators and states strengths and shortcomings."""
    errors: dict[str, str] = {}
    if not data.strengths.strip():
        errors["strengths"] = _("Vui lòng viết ưu điểm trước khi nộp.")
    if not data.shortcomings.strip():
        errors["shortcomings"] = _(
            "Vui lòng viết hạn chế, khuyết điểm và nguyên nhân trước khi nộp (nếu không có, ghi “Không có”)."
        )
    answered = {i for i, (answer, _note) in answers.items() if answer} | set(existing)
    missing = Indicator.objects.exclude(pk__in=answered).count()
    if missing:
        errors[NON_FIELD_ERRORS] = _("Còn %(n)d biểu hiện chưa trả lời: mỗi biểu hiện cần chọn một câu trả lời.") % {
            "n": missing
        }
    return errors


def _mask(answers: dict[int, tuple[str, str]], existing: dict[int, IndicatorAnswer]) -> int:
    """27-bit mask of indicators answered "some signs" or "yes" (typed answers win over stored ones)."""
    numbers = dict(Indicator.objects.values_list("id", "number"))
    flagged = {i for i, row in existing.items() if row.answer != Answer.NO and i not in answers}
    flagged |= {i for i, (answer, _note) in answers.items() if answer != Answer.NO}
    mask = 0
    for indicator_id in flagged:
        mask |= 1 << (numbers[indicator_id] - 1)
    return mask


def _save_answers(
    review: MemberReview, answers: dict[int, tuple[str, str]], existing: dict[int, IndicatorAnswer], user
) -> None:
    new, changed_rows = [], []
    for indicator_id, (answer, note) in answers.items():
        row = existing.get(indicator_id)
        if row is None:
            new.append(IndicatorAnswer(review=review, indicator_id=indicator_id, answer=answer, note=note))
        elif (row.answer, row.note) != (answer, note):
            row.answer, row.note = answer, note
            changed_rows.append(row)
    if new:
        bulk_create_with_history(new, IndicatorAnswer, default_user=user)
    if changed_rows:
        bulk_update_with_history(changed_rows, IndicatorAnswer, ["answer", "note"], default_user=user)
