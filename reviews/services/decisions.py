"""Quyết định xếp loại — decide, return, reopen a cell's member grades; decide organisation grades.

The competent body's check (REFERENCE 3.1, 4) and the locks are enforced here, not in the views.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from notifications.events import notify
from organizations.models import Organization

from .. import rules
from .. import selectors as sel
from ..models import Grade, MemberReview, OrgReview, QuotaOverride, RemediationItem, ReviewCycle, ReviewStatus
from ..rules import Violation
from .base import LOCKED_BATCH, NotCompetent, RulesRefused, changed, org_review_lock
from .grid import GridInput, grid_validate


def require_decider(user, decider: Organization) -> None:
    if user is not None and not sel.can_decide(user, decider):
        raise NotCompetent()


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
    require_decider(user, decider)
    org_review = org_review_lock(cell, cycle)
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
    changed([cell.pk], cycle.year)
    notify(type="grades_published", cell_id=cell.pk, year=cycle.year, decider_id=decider.pk)  # issue 12
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
    notify(type="quota_override", grassroots_id=data.grassroots.pk, year=data.cycle.year, max=override.max_excellent)
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
    require_decider(user, sel.member_decider(cell))
    if not reason.strip():
        raise ValidationError({"reason": _("Phải ghi rõ lý do trả lại hoặc mở lại.")})
    org_review = org_review_lock(cell, cycle)
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
    reopened = org_review.status == ReviewStatus.DECIDED
    org_review.status, org_review.return_reason = ReviewStatus.RETURNED, reason.strip()
    org_review.members_submitted_at = org_review.members_decided_at = None
    org_review.save()
    notify(type="proposal_returned", cell_id=cell.pk, year=cycle.year, reason=reason.strip(), reopened=reopened)
    org_review_revalidate(org=cell, year=cycle.year)
    changed([cell.pk], cycle.year)
    return org_review


# --- Organisation grades --------------------------------------------------------------------------


@transaction.atomic
def org_grade_decide(*, org: Organization, cycle: ReviewCycle, grade: str, reason: str = "", user=None) -> OrgReview:
    """The superior standing committee decides an organisation's own grade (after its members')."""
    decider = sel.org_decider(org)
    if decider is None:
        raise ValidationError(_("Tổ chức này không có cấp trên trực tiếp."))
    require_decider(user, decider)
    org_review = org_review_lock(org, cycle)
    if org.is_cell and org_review.members_decided_at is None:
        raise ValidationError(_("Phải quyết định xếp loại đảng viên của chi bộ trước khi xếp loại chi bộ."))
    if org_review.proposed_grade and grade != org_review.proposed_grade and not reason.strip():
        raise ValidationError({"reason": _("Thay đổi mức xếp loại tổ chức tự đề xuất phải ghi rõ lý do.")})
    violations = rules.org_violations(
        sel.policy_of(cycle), sel.org_facts(org, cycle.year, grade, org_review.proposed_score)
    )
    if violations:
        raise RulesRefused(violations)
    org_review.decided_grade, org_review.decided_at, org_review.decision_reason = grade, timezone.now(), reason.strip()
    org_review.violations = []
    if not org.is_cell:
        org_review.status = ReviewStatus.DECIDED
    org_review.save()
    changed(sel.cells_in_ids(org), cycle.year)
    return org_review


def org_review_revalidate(*, org: Organization, year: int) -> list[str]:
    """Re-check an organisation's grade after a member grade or a discipline record changed."""
    org_review = OrgReview.objects.select_related("cycle__regime").filter(organization=org, year=year).first()
    if org_review is None:
        return []
    grade = org_review.decided_grade or org_review.proposed_grade
    found = rules.org_violations(
        sel.policy_of(org_review.cycle), sel.org_facts(org, year, grade, org_review.proposed_score)
    )
    messages = [v.message for v in found]
    if messages != org_review.violations:
        org_review.violations = messages
        org_review.save(update_fields=["violations", "updated_at"])
    return messages
