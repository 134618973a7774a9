"""Writes for reviews: self-assessment, the cell grid, propose → decide / return / reopen, org grades,
discipline and remediation. Every write is atomic, audited (simple-history) and announces the cells
it touched through core.events.cells_changed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core import events
from organizations.models import Member, Organization

from . import rules
from . import selectors as sel
from .models import (
    Answer,
    DisciplineRecord,
    Grade,
    Indicator,
    IndicatorAnswer,
    MemberReview,
    OrgReview,
    QuotaOverride,
    RemediationItem,
    ReviewCycle,
    ReviewStatus,
)
from .rules import Violation

LOCKED_BATCH = (ReviewStatus.PROPOSED, ReviewStatus.DECIDED)


class RulesRefused(Exception):
    """A submission or decision broke grading rules; nothing was saved."""

    def __init__(self, violations: list[Violation]):
        super().__init__("; ".join(v.message for v in violations))
        self.violations = violations


def _changed(cell_ids, year: int) -> None:
    events.cells_changed(cell_ids=cell_ids, year=year)


# --- Cycles and reviews ---------------------------------------------------------------------------


@transaction.atomic
def cycle_create(*, organization: Organization, year: int, regime=None, **deadlines) -> ReviewCycle:
    from .models import GradingRegime

    if regime is None:
        regime = GradingRegime.objects.for_year(year)
    cycle = ReviewCycle(organization=organization, year=year, regime=regime, **deadlines)
    cycle.full_clean()
    cycle.save()
    return cycle


def review_ensure(*, member: Member, cycle: ReviewCycle) -> MemberReview:
    """The member's review for the cycle, created (in the member's current cell) on first use."""
    review = MemberReview.objects.filter(member=member, year=cycle.year).first()
    if review is None:
        if member.cell_id is None:
            raise ValidationError(_("Đảng viên chưa sinh hoạt ở chi bộ nào."))
        review = MemberReview(member=member, year=cycle.year, cycle=cycle, cell_id=member.cell_id)
        review.full_clean()
        review.save()
    return review


def _org_review(org: Organization, cycle: ReviewCycle, *, lock: bool = False) -> OrgReview:
    qs = OrgReview.objects.select_for_update() if lock else OrgReview.objects
    review = qs.filter(organization=org, year=cycle.year).first()
    if review is None:
        review = OrgReview.objects.create(organization=org, year=cycle.year, cycle=cycle)
    return review


# --- Member self-assessment -----------------------------------------------------------------------


@dataclass
class SelfAssessment:
    strengths: str = ""
    shortcomings: str = ""
    remediation_report: str = ""
    commitment_results: str = ""
    self_score: Decimal | None = None
    self_grade: str = ""


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
) -> MemberReview:
    """Save (and optionally submit) the member's written review; answers are {indicator_id: (answer, note)}.

    One version in the audit trail per save: the review row is written once, then its answers.
    With `entered_by`, a cell officer types the member's signed paper form on their behalf (nhập hộ):
    only the secretary or deputy of the member's own cell, and only with the signed paper.
    """
    if entered_by is not None:
        _check_on_behalf(member, entered_by, paper_signed)
    review = MemberReview.objects.select_for_update().filter(member=member, year=cycle.year).first()
    if review is None:
        if member.cell_id is None:
            raise ValidationError(_("Đảng viên chưa sinh hoạt ở chi bộ nào."))
        review = MemberReview(member=member, year=cycle.year, cycle=cycle, cell_id=member.cell_id)
    elif not _member_may_edit(review):
        raise ValidationError(_("Chi bộ đã đề xuất xếp loại: bản kiểm điểm không sửa được nữa."))
    errors = _self_errors(cycle, data, submit)
    if errors:
        raise ValidationError(errors)
    for name, value in data.__dict__.items():
        setattr(review, name, value)
    existing = {a.indicator_id: a for a in review.answers.all()} if review.pk else {}
    review.flagged_mask = _mask(answers, existing)
    if submit:
        review.status = ReviewStatus.SELF_SUBMITTED
        review.self_submitted_at = timezone.now()
    if entered_by is not None:
        review.entered_by, review.entered_at, review.paper_signed = entered_by, timezone.now(), True
    review.full_clean()
    review.save()
    _save_answers(review, answers, existing, user)
    _changed([review.cell_id], review.year)
    return review


def _check_on_behalf(member: Member, by, paper_signed: bool) -> None:
    from django.core.exceptions import PermissionDenied

    from organizations.selectors import may_enter_on_behalf

    if not may_enter_on_behalf(user=by, member=member):
        raise PermissionDenied(_("Chỉ bí thư, phó bí thư chi bộ của đảng viên được nhập hộ."))
    if not paper_signed:
        raise ValidationError({"paper_signed": _("Chỉ nhập hộ khi đã có bản giấy đảng viên ký: vui lòng đánh dấu ô này.")})


def _member_may_edit(review: MemberReview) -> bool:
    if review.status not in (ReviewStatus.DRAFT, ReviewStatus.SELF_SUBMITTED, ReviewStatus.RETURNED):
        return False
    return not OrgReview.objects.filter(
        organization_id=review.cell_id, year=review.year, status__in=LOCKED_BATCH
    ).exists()


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
    new, changed = [], []
    for indicator_id, (answer, note) in answers.items():
        row = existing.get(indicator_id)
        if row is None:
            new.append(IndicatorAnswer(review=review, indicator_id=indicator_id, answer=answer, note=note))
        elif (row.answer, row.note) != (answer, note):
            row.answer, row.note = answer, note
            changed.append(row)
    if new:
        bulk_create_with_history(new, IndicatorAnswer, default_user=user)
    if changed:
        bulk_update_with_history(changed, IndicatorAnswer, ["answer", "note"], default_user=user)


# --- The cell grid --------------------------------------------------------------------------------


@dataclass
class GridInput:
    grade: str = ""
    score: Decimal | None = None
    note: str = ""
    reason: str = ""
    reason_note: str = ""
    sick_leave_months: Decimal | None = None
    civil_service_grade: str = ""

    def rule_fields(self) -> dict:
        return {
            "grade": self.grade,
            "score": self.score,
            "not_graded_reason": self.reason,
            "not_graded_note": self.reason_note,
            "sick_leave_months": self.sick_leave_months,
            "civil_service_grade": self.civil_service_grade,
        }


def grid_validate(
    data: sel.GridData, inputs: dict[int, GridInput], *, org_grade: str, org_score: Decimal | None, complete: bool
) -> list[Violation]:
    """All violations of the typed grid: per row, the quota across the grassroots org, the cell's grade."""
    policy, day = data.policy, sel.grading_date(data.cycle)
    out: list[Violation] = []
    typed = []
    for row in data.own_rows:
        rule_row = row.rule_row(**inputs[row.member.pk].rule_fields()) if row.member.pk in inputs else row.rule_row()
        typed.append((row, rule_row))
        out += rules.member_violations(policy, rule_row, grading_date=day, complete=complete)
    quota = rules.quota_violations(
        policy,
        data.other_grades + [r.grade for _row, r in typed],
        scope_name=data.grassroots.name,
        override_max=data.override_max,
    )
    out += quota
    if quota:
        msg = _("Vượt tỷ lệ Hoàn thành xuất sắc nhiệm vụ (xem thông báo đầu trang).")
        out += [Violation("QUOTA_ROW", msg, r.key) for _row, r in typed if r.grade == Grade.EXCELLENT]
    facts = rules.OrgFacts(
        grade=org_grade,
        is_cell=True,
        member_grades=[r.grade for _row, r in typed if r.grade],
        leadership_discipline=[d.kind for row, _r in typed if row.is_leader for d in row.discipline],
        score=org_score,
    )
    out += rules.org_violations(policy, facts)
    if complete and not (data.org_review and data.org_review.collective_recorded_at):
        out.append(
            Violation(
                "COLLECTIVE_FIRST",
                _("Phải ghi nhận kiểm điểm tập thể chi bộ trước khi nộp đề xuất xếp loại đảng viên."),
            )
        )
    return out


@transaction.atomic
def grid_save(
    *,
    cell: Organization,
    cycle: ReviewCycle,
    inputs: dict[int, GridInput],
    org_grade: str = "",
    org_score: Decimal | None = None,
    submit: bool = False,
    user=None,
) -> list[Violation]:
    """Save the whole cell in one transaction; on submit, refuse (save nothing) if any rule is broken.

    Returns the violations left (warnings for a draft save; empty after a successful submission).
    """
    org_review = _org_review(cell, cycle, lock=True)
    if org_review.status in LOCKED_BATCH:
        raise ValidationError(_("Chi bộ đã nộp đề xuất; chỉ cấp quyết định mới trả lại hoặc mở lại được."))
    data = sel.grid_load(cell=cell, cycle=cycle)
    if submit:  # serialise submissions of one grassroots org so the quota is counted once
        Organization.objects.select_for_update().filter(pk=data.grassroots.pk).first()
        data.other_grades = sel.quota_grades(grassroots=data.grassroots, year=cycle.year, exclude_cell_id=cell.pk)
    violations = grid_validate(data, inputs, org_grade=org_grade, org_score=org_score, complete=submit)
    if submit and violations:
        raise RulesRefused(violations)
    _write_rows(data, inputs, submit=submit, user=user)
    org_review.proposed_grade, org_review.proposed_score = org_grade, org_score
    if submit:
        org_review.status = ReviewStatus.PROPOSED
        org_review.members_submitted_at = timezone.now()
        org_review.return_reason = ""
    org_review.full_clean()
    org_review.save()
    _changed([cell.pk], cycle.year)
    return violations


_GRID_FIELDS = [
    "proposed_grade",
    "proposed_score",
    "cell_note",
    "not_graded_reason",
    "not_graded_note",
    "sick_leave_months",
    "civil_service_grade",
    "status",
]


def _write_rows(data: sel.GridData, inputs: dict[int, GridInput], *, submit: bool, user) -> None:
    new, changed = [], []
    for row in data.own_rows:
        typed = inputs.get(row.member.pk)
        review = row.review or MemberReview(member=row.member, year=data.cycle.year, cycle=data.cycle, cell=data.cell)
        before = [getattr(review, f) for f in _GRID_FIELDS] + [review.cell_id]
        review.cell = data.cell  # a review begun in the member's previous cell moves with them
        if typed is not None:
            review.proposed_grade, review.proposed_score = typed.grade, typed.score
            review.cell_note, review.not_graded_reason = typed.note, typed.reason
            review.not_graded_note = typed.reason_note if typed.reason else ""
            review.sick_leave_months, review.civil_service_grade = typed.sick_leave_months, typed.civil_service_grade
        if submit:
            review.status = ReviewStatus.PROPOSED
        if review.pk is None:
            new.append(review)
        elif before != [getattr(review, f) for f in _GRID_FIELDS] + [review.cell_id]:
            changed.append(review)
    if new:
        bulk_create_with_history(new, MemberReview, default_user=user)
    if changed:
        bulk_update_with_history(changed, MemberReview, [*_GRID_FIELDS, "cell"], default_user=user)


@transaction.atomic
def collective_record(*, cell: Organization, cycle: ReviewCycle, note: str, user=None) -> OrgReview:
    """Kiểm điểm tập thể chi bộ — must come before individual grades are submitted."""
    if not note.strip():
        raise ValidationError({"collective_note": _("Ghi tóm tắt kết quả kiểm điểm tập thể.")})
    org_review = _org_review(cell, cycle, lock=True)
    org_review.collective_note = note.strip()
    org_review.collective_recorded_at = org_review.collective_recorded_at or timezone.now()
    org_review.save()
    _changed([cell.pk], cycle.year)
    return org_review


# --- Decide, return, reopen -----------------------------------------------------------------------


def _require_decider(user, decider: Organization) -> None:
    if user is not None and not sel.can_decide(user, decider):
        raise ValidationError(_("Đồng chí không có thẩm quyền quyết định xếp loại cho tổ chức này."))


@transaction.atomic
def cell_decide(
    *,
    cell: Organization,
    cycle: ReviewCycle,
    grades: dict[int, tuple[str, str]] | None = None,
    override_reason: str = "",
    user=None,
) -> list[MemberReview]:
    """Quyết định xếp loại: approve the proposals, or change grades ({review_id: (grade, reason)})."""
    decider = sel.member_decider(cell)
    _require_decider(user, decider)
    org_review = _org_review(cell, cycle, lock=True)
    if org_review.status != ReviewStatus.PROPOSED:
        raise ValidationError(_("Chi bộ chưa nộp đề xuất hoặc đã được quyết định."))
    grades = grades or {}
    data = sel.grid_load(cell=cell, cycle=cycle)
    Organization.objects.select_for_update().filter(pk=data.grassroots.pk).first()
    data.other_grades = sel.quota_grades(grassroots=data.grassroots, year=cycle.year, exclude_cell_id=cell.pk)
    decided, violations = _decided_grades(data, grades)
    inputs = {
        row.member.pk: GridInput(**{**_input_of(row.review), "grade": decided[row.review.pk]})
        for row in data.own_rows
        if row.review
    }
    violations += [
        v
        for v in grid_validate(data, inputs, org_grade="", org_score=None, complete=True)
        if v.code != "COLLECTIVE_FIRST"
    ]
    violations = _apply_override(data, violations, inputs, override_reason, decider, user)
    if violations:
        raise RulesRefused(violations)
    now = timezone.now()
    reviews = [row.review for row in data.own_rows if row.review]
    for review in reviews:
        new_grade = decided[review.pk]
        review.decision_reason = grades.get(review.pk, ("", ""))[1] if new_grade != review.proposed_grade else ""
        review.decided_grade, review.status = new_grade, ReviewStatus.DECIDED
        review.decided_at, review.decided_by = now, user
    fields = ["decided_grade", "status", "decided_at", "decided_by", "decision_reason"]
    bulk_update_with_history(reviews, MemberReview, fields, default_user=user)
    _remediation_from_reviews(reviews, user)
    org_review.status, org_review.members_decided_at, org_review.return_reason = ReviewStatus.DECIDED, now, ""
    org_review.save()
    org_review_revalidate(org=cell, year=cycle.year)
    _changed([cell.pk], cycle.year)
    return reviews


def _input_of(review: MemberReview) -> dict:
    return {
        "score": review.proposed_score if review.proposed_score is not None else review.self_score,
        "reason": review.not_graded_reason,
        "reason_note": review.not_graded_note,
        "sick_leave_months": review.sick_leave_months,
        "civil_service_grade": review.civil_service_grade,
        "note": review.cell_note,
    }


def _decided_grades(data: sel.GridData, grades: dict[int, tuple[str, str]]) -> tuple[dict[int, str], list[Violation]]:
    decided, out = {}, []
    for row in data.own_rows:
        review = row.review
        if review is None:
            continue
        grade, reason = grades.get(review.pk, (review.proposed_grade, ""))
        if review.not_graded_reason:
            grade = ""
        if grade != review.proposed_grade and not reason.strip():
            out.append(
                Violation(
                    "CHANGE_NEEDS_REASON", _("Thay đổi mức xếp loại chi bộ đề xuất phải ghi rõ lý do."), row.member.pk
                )
            )
        decided[review.pk] = grade
    return decided, out


def _apply_override(data, violations, inputs, reason: str, decider: Organization, user) -> list[Violation]:
    """The competent body may exceed the quota with a recorded reason (REFERENCE 2.4)."""
    if not any(v.code == "QUOTA" for v in violations) or not reason.strip():
        return violations
    grades = data.other_grades + [i.grade for i in inputs.values()]
    needed = grades.count(Grade.EXCELLENT)
    override = QuotaOverride.objects.filter(grassroots=data.grassroots, year=data.cycle.year).first()
    override = override or QuotaOverride(grassroots=data.grassroots, year=data.cycle.year, max_excellent=needed)
    override.max_excellent, override.reason = max(override.max_excellent, needed), reason.strip()
    override.deciding_body, override.decided_by = decider, user
    override.full_clean()
    override.save()
    return [v for v in violations if v.code not in ("QUOTA", "QUOTA_ROW")]


def _remediation_from_reviews(reviews: list[MemberReview], user) -> None:
    """Shortcomings found in a decided review become an item to remedy by the end of next year."""
    done = set(RemediationItem.objects.filter(review__in=reviews).values_list("review_id", flat=True))
    items = [
        RemediationItem(
            member_id=r.member_id,
            owner_id=r.member_id,
            review=r,
            year_found=r.year,
            description=r.shortcomings.strip(),
            due_on=dt.date(r.year + 1, 12, 31),
        )
        for r in reviews
        if r.shortcomings.strip() and r.pk not in done
    ]
    if items:
        bulk_create_with_history(items, RemediationItem, default_user=user)


@transaction.atomic
def cell_return(*, cell: Organization, cycle: ReviewCycle, reason: str, user=None) -> OrgReview:
    """Trả lại (proposed) or mở lại (decided): the cell may edit again; decided grades are withdrawn."""
    _require_decider(user, sel.member_decider(cell))
    if not reason.strip():
        raise ValidationError({"reason": _("Phải ghi rõ lý do trả lại hoặc mở lại.")})
    org_review = _org_review(cell, cycle, lock=True)
    if org_review.status not in LOCKED_BATCH:
        raise ValidationError(_("Chi bộ chưa nộp đề xuất."))
    reviews = list(MemberReview.objects.filter(cell=cell, year=cycle.year))
    for review in reviews:
        review.status, review.decided_grade, review.decided_at, review.decided_by = (
            ReviewStatus.RETURNED,
            "",
            None,
            None,
        )
    bulk_update_with_history(
        reviews, MemberReview, ["status", "decided_grade", "decided_at", "decided_by"], default_user=user
    )
    org_review.status, org_review.return_reason = ReviewStatus.RETURNED, reason.strip()
    org_review.members_submitted_at = org_review.members_decided_at = None
    org_review.save()
    org_review_revalidate(org=cell, year=cycle.year)
    _changed([cell.pk], cycle.year)
    return org_review


# --- Organisation grades --------------------------------------------------------------------------


def _org_facts(org: Organization, year: int, grade: str, score) -> rules.OrgFacts:
    return rules.OrgFacts(
        grade=grade,
        is_cell=org.is_cell,
        member_grades=sel.effective_member_grades(org, year) if org.is_cell else [],
        subunit_grades=[] if org.is_cell else sel.subunit_grades(org, year),
        leadership_discipline=sel.leadership_discipline(org, year),
        score=score,
    )


@transaction.atomic
def org_grade_decide(*, org: Organization, cycle: ReviewCycle, grade: str, reason: str = "", user=None) -> OrgReview:
    """The superior standing committee decides an organisation's own grade (after its members')."""
    decider = sel.org_decider(org)
    if decider is None:
        raise ValidationError(_("Tổ chức này không có cấp trên trực tiếp."))
    _require_decider(user, decider)
    org_review = _org_review(org, cycle, lock=True)
    if org.is_cell and org_review.members_decided_at is None:
        raise ValidationError(_("Phải quyết định xếp loại đảng viên của chi bộ trước khi xếp loại chi bộ."))
    if org_review.proposed_grade and grade != org_review.proposed_grade and not reason.strip():
        raise ValidationError({"reason": _("Thay đổi mức xếp loại tổ chức tự đề xuất phải ghi rõ lý do.")})
    violations = rules.org_violations(
        sel.policy_of(cycle), _org_facts(org, cycle.year, grade, org_review.proposed_score)
    )
    if violations:
        raise RulesRefused(violations)
    org_review.decided_grade, org_review.decided_at, org_review.decision_reason = grade, timezone.now(), reason.strip()
    org_review.violations = []
    if not org.is_cell:
        org_review.status = ReviewStatus.DECIDED
    org_review.save()
    _changed(sel.cells_in_ids(org), cycle.year)
    return org_review


def org_review_revalidate(*, org: Organization, year: int) -> list[str]:
    """Re-check an organisation's grade after a member grade or a discipline record changed."""
    org_review = OrgReview.objects.select_related("cycle__regime").filter(organization=org, year=year).first()
    if org_review is None:
        return []
    grade = org_review.decided_grade or org_review.proposed_grade
    found = rules.org_violations(
        sel.policy_of(org_review.cycle), _org_facts(org, year, grade, org_review.proposed_score)
    )
    messages = [v.message for v in found]
    if messages != org_review.violations:
        org_review.violations = messages
        org_review.save(update_fields=["violations", "updated_at"])
    return messages


# --- Discipline and remediation -------------------------------------------------------------------


@transaction.atomic
def discipline_record_create(
    *,
    member: Member,
    kind: str,
    decided_on: dt.date,
    decision_number: str,
    violation: str,
    decided_by: Organization,
    counts_for_year: int | None = None,
    self_remedied: bool = False,
    user=None,
) -> DisciplineRecord:
    """Ghi nhận quyết định kỷ luật; the member's cell and the organisations above are re-validated."""
    record = DisciplineRecord(
        member=member,
        kind=kind,
        decided_on=decided_on,
        decision_number=decision_number,
        violation=violation,
        decided_by=decided_by,
        counts_for_year=counts_for_year or decided_on.year,
        self_remedied=self_remedied,
    )
    record.full_clean()
    record.save()
    year = record.counts_for_year
    cell_ids = {member.cell_id} | set(
        MemberReview.objects.filter(member=member, year=year).values_list("cell_id", flat=True)
    )
    for org in Organization.objects.filter(pk__in=cell_ids):
        for target in [org, *Organization.objects.filter(path__in=org.ancestor_paths()[:-1])]:
            org_review_revalidate(org=target, year=year)
    _changed(cell_ids, year)
    return record


@transaction.atomic
def remediation_mark_done(*, item: RemediationItem, on: dt.date | None = None, user=None) -> RemediationItem:
    item.remedied_on = on or timezone.localdate()
    item.save()
    cell_ids = MemberReview.objects.filter(member_id=item.member_id).values_list("cell_id", flat=True)
    _changed(set(cell_ids) | {item.member.cell_id}, item.year_found + 1)
    return item
