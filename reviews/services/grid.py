"""Bảng xếp loại của chi bộ — the secretary's grid: collective review, every member's row, the proposal.

Authority (secretary, deputy, committee or administrator covering the cell) and the lock (nothing
changes once the cell has proposed or been decided) are checked here, whatever the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.audited import update_with_history
from organizations.models import Organization

from .. import rules
from .. import selectors as sel
from ..models import Grade, GridDraft, MemberReview, OrgReview, ReviewCycle, ReviewStatus
from ..rules import Violation
from .base import LOCKED_BATCH, RulesRefused, changed, org_review_lock, version_check


@dataclass
class GridInput:
    grade: str = ""
    score: Decimal | None = None
    note: str = ""
    reason: str = ""
    reason_note: str = ""
    sick_leave_months: Decimal | None = None
    civil_service_grade: str = ""
    other_approved: bool = False  # the decider approved "not graded: other" (decision only)

    def rule_fields(self) -> dict:
        return {
            "other_approved": self.other_approved,
            "grade": self.grade,
            "score": self.score,
            "not_graded_reason": self.reason,
            "not_graded_note": self.reason_note,
            "sick_leave_months": self.sick_leave_months,
            "civil_service_grade": self.civil_service_grade,
        }


def require_cell_editor(user, cell: Organization) -> None:
    """Secretary, deputy, committee or administrator covering the cell (user=None: system callers)."""
    if user is not None and not sel.can_edit_cell(user, cell):
        raise PermissionDenied(_("Đồng chí không có quyền nhập bảng xếp loại của chi bộ này."))


def require_open(org_review: OrgReview) -> None:
    if org_review.status in LOCKED_BATCH:
        raise ValidationError(_("Chi bộ đã nộp đề xuất; chỉ cấp quyết định mới trả lại hoặc mở lại được."))


def grid_validate(
    data: sel.GridData,
    inputs: dict[int, GridInput],
    *,
    org_grade: str,
    org_score: Decimal | None,
    complete: bool,
    deciding: bool = False,
) -> list[Violation]:
    """All violations of the typed grid: per row, the quota across the grassroots org, the cell's grade."""
    policy, day = data.policy, sel.grading_date(data.cycle)
    out: list[Violation] = []
    typed = []
    for row in data.own_rows:
        rule_row = row.rule_row(**inputs[row.member.pk].rule_fields()) if row.member.pk in inputs else row.rule_row()
        typed.append((row, rule_row))
        out += rules.member_violations(
            policy, rule_row, grading_date=day, complete=complete, deciding=deciding, year=data.cycle.year
        )
    quota = rules.quota_violations(
        policy,
        data.other_grades + [r.grade for _row, r in typed],
        scope_name=sel.quota_scope_name(data.cell, data.grassroots, policy),
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
        # issue 10: leaders of the whole year (a leader removed from post still counts), and the
        # collective's own facts (its discipline, conclusions, established < 6 months).
        score=org_score,
        **sel.org_extra_facts(data.cell, data.cycle.year, policy=policy, cutoff=day),
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


QUOTA_CODES = ("QUOTA", "QUOTA_ROW")
UNSTORABLE = ("GRADE_AND_REASON", "SICK_LEAVE_VALUE")  # rows the database cannot hold as typed: refused even in a draft


@transaction.atomic
def grid_save(
    *,
    cell: Organization,
    cycle: ReviewCycle,
    inputs: dict[int, GridInput],
    org_grade: str = "",
    org_score: Decimal | None = None,
    submit: bool = False,
    version: int | None = None,
    user=None,
    data: sel.GridData | None = None,
) -> list[Violation]:
    """Save the whole cell in one transaction; on submit, refuse (save nothing) if any rule is broken.

    The quota is not a refusal here: the cell sees the live total of its grassroots organisation and
    a warning; the binding check is at decision (services.decisions.cell_decide), so the outcome does
    not depend on which cell submits first. Returns the violations left (warnings).
    `version` is the stamp the form was opened with: a concurrent save in between → StaleVersion.
    `data`: the grid the caller has just loaded for this cell and cycle (the view does, to bind its
    forms; `with_reviews=False` is enough); its reviews are read under the lock instead of loading
    the whole grid twice.
    """
    require_cell_editor(user, cell)
    org_review = org_review_lock(cell, cycle)
    require_open(org_review)
    if data is not None and data.cell.pk == cell.pk and data.cycle.pk == cycle.pk:
        data = sel.grid_reviews_reload(data, org_review)
    else:
        data = sel.grid_load(cell=cell, cycle=cycle)
    version_check(org_review, version, lambda: grid_changes(data, inputs))
    violations = grid_validate(data, inputs, org_grade=org_grade, org_score=org_score, complete=submit)
    blocking = [v for v in violations if v.code not in QUOTA_CODES] if submit else []
    blocking += [v for v in violations if v.code in UNSTORABLE and v not in blocking]
    if submit:  # issue 12: the proposal goes up with the meeting's minutes (attendance, quorum, votes)
        from meetings.services.minutes import minutes_violations

        blocking += minutes_violations(data, inputs)
    if blocking:
        raise RulesRefused(blocking)
    _write_rows(data, inputs, submit=submit, user=user)
    org_review.proposed_grade, org_review.proposed_score = org_grade, org_score
    if submit:
        org_review.status = ReviewStatus.PROPOSED
        org_review.members_submitted_at = timezone.now()
        org_review.return_reason = ""
    org_review.version += 1
    # The row is locked and keeps its organisation, cycle and year: their existence and uniqueness
    # checks (three queries) cannot fail here; the typed values are still validated.
    org_review.full_clean(exclude=["organization", "cycle"], validate_unique=False)
    org_review.updated_at = timezone.now()
    update_with_history([org_review], OrgReview, _ORG_FIELDS, user=user)  # the row and its audit, one statement
    # What the secretary had typed is now the saved grid: its draft goes in the same transaction
    # (issue 13 item 5), whoever saves (the page, a command, a test).
    GridDraft.objects.filter(organization=cell, year=cycle.year).delete()
    changed([cell.pk], cycle.year)
    return violations


def grid_changes(data: sel.GridData, inputs: dict[int, GridInput]) -> list[str]:
    """What is stored now that differs from what the second writer typed, row by row."""
    labels = {
        "grade": _("Chi bộ đề xuất"),
        "score": _("Điểm"),
        "reason": _("Lý do không xếp loại"),
        "note": _("Ghi chú"),
    }
    out = []
    for row in data.own_rows:
        typed, r = inputs.get(row.member.pk), row.review
        if typed is None or r is None:
            continue
        stored = {
            "grade": r.proposed_grade,
            "score": r.proposed_score,
            "reason": r.not_graded_reason,
            "note": r.cell_note,
        }
        for key, label in labels.items():
            now, mine = stored[key], getattr(typed, key)
            if (now or None) != (mine or None) and not (key == "score" and now is None and mine == r.self_score):
                out.append(
                    _("%(name)s — %(field)s: đang lưu “%(now)s”, đồng chí nhập “%(mine)s”.")
                    % {"name": row.member.full_name, "field": label, "now": _shown(now), "mine": _shown(mine)}
                )
    return out


def _shown(value) -> str:
    if value in (None, ""):
        return "—"
    if value in Grade.values:
        return str(Grade(value).label)
    from ..models import NotGradedReason

    if value in NotGradedReason.values:
        return str(NotGradedReason(value).label)
    return str(value)


# What a grid save writes on the cell's own review row.
_ORG_FIELDS = [
    "proposed_grade",
    "proposed_score",
    "status",
    "members_submitted_at",
    "return_reason",
    "version",
    "updated_at",
]
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
    new, changed_rows = [], []
    for row in data.own_rows:
        typed = inputs.get(row.member.pk)
        if row.review is not None and row.review.status == ReviewStatus.DECIDED:
            continue  # decided (e.g. a leader graded by a higher committee): never rewritten by the grid
        review = row.review or MemberReview(member=row.member, year=data.cycle.year, cycle=data.cycle, cell=data.cell)
        before = [getattr(review, f) for f in _GRID_FIELDS] + [review.cell_id, review.other_approved_by_id]
        review.cell = data.cell  # a review begun in the member's previous cell moves with them
        if typed is not None:
            if (typed.reason, typed.reason_note) != (review.not_graded_reason, review.not_graded_note):
                review.other_approved_by = None  # a changed reason needs the decider's approval again
            review.proposed_grade, review.proposed_score = typed.grade, typed.score
            review.cell_note, review.not_graded_reason = typed.note, typed.reason
            review.not_graded_note = typed.reason_note if typed.reason else ""
            review.sick_leave_months, review.civil_service_grade = typed.sick_leave_months, typed.civil_service_grade
        if submit:
            review.status = ReviewStatus.PROPOSED
        if review.pk is None:
            new.append(review)
        elif before != [getattr(review, f) for f in _GRID_FIELDS] + [review.cell_id, review.other_approved_by_id]:
            changed_rows.append(review)
    if new:
        bulk_create_with_history(new, MemberReview, default_user=user)
    if changed_rows:
        update_with_history(changed_rows, MemberReview, [*_GRID_FIELDS, "cell", "other_approved_by"], user=user)


@transaction.atomic
def collective_record(*, cell: Organization, cycle: ReviewCycle, note: str, user=None) -> OrgReview:
    """Kiểm điểm tập thể chi bộ — must come before individual grades are submitted; locked once proposed."""
    require_cell_editor(user, cell)
    if not note.strip():
        raise ValidationError({"collective_note": _("Ghi tóm tắt kết quả kiểm điểm tập thể.")})
    org_review = org_review_lock(cell, cycle)
    require_open(org_review)
    org_review.collective_note = note.strip()
    org_review.collective_recorded_at = org_review.collective_recorded_at or timezone.now()
    org_review.version += 1
    org_review.save()
    changed([cell.pk], cycle.year)
    return org_review


@transaction.atomic
def transfer_comment_save(
    *, old_cell: Organization, member, cycle: ReviewCycle, comment: str, user=None
) -> MemberReview:
    """Nhận xét của chi bộ nơi chuyển đi — the cell a member left within `transfer_comment_months`
    supplies its comment; the member is graded (and counted) by the cell holding his membership now."""
    require_cell_editor(user, old_cell)
    row = next((r for r in sel.grid_load(cell=old_cell, cycle=cycle).rows if r.member.pk == member.pk), None)
    if row is None or not row.transferred_out:
        raise ValidationError(_("Đảng viên này không chuyển sinh hoạt đi từ chi bộ trong năm."))
    if not row.comment_open:
        raise ValidationError(
            _("Đảng viên chuyển đi đã quá %(m)s tháng: chi bộ mới tự đánh giá, không cần nhận xét của chi bộ cũ.")
            % {"m": sel.policy_of(cycle).get("transfer_comment_months", 6)}
        )
    if not comment.strip():
        raise ValidationError({"transfer_comment": _("Ghi nhận xét của chi bộ về đảng viên chuyển đi.")})
    new_cell = member.cell
    org_review_lock(new_cell, cycle)
    review = MemberReview.objects.select_for_update().filter(member=member, year=cycle.year).first()
    if review is None:
        review = MemberReview(member=member, year=cycle.year, cycle=cycle, cell=new_cell)
    elif review.status == ReviewStatus.DECIDED:
        raise ValidationError(_("Chi bộ mới đã được quyết định xếp loại đồng chí này; không bổ sung nhận xét được."))
    review.transfer_comment, review.transfer_comment_cell = comment.strip(), old_cell
    review.full_clean()
    review.save()
    changed([old_cell.pk, new_cell.pk], cycle.year)
    return review
