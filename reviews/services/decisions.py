"""Quyết định xếp loại — decide, return, reopen a cell's member grades; decide and reopen organisation
grades; leaders graded by the higher committee that manages them.

The competent body's check (REFERENCE 3.1, 4; see reviews.selectors.authority), the locks and the
binding quota check are enforced here, not in the views.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.audited import update_with_history
from notifications.events import notify
from organizations.models import Organization, OrgKind, Position, PositionKind
from organizations.selectors import positions_open_on

from .. import rules
from .. import selectors as sel
from ..models import Grade, MemberReview, OrgReview, QuotaOverride, RemediationItem, ReviewCycle, ReviewStatus
from ..rules import Violation
from .base import LOCKED_BATCH, NotCompetent, RulesRefused, changed, org_review_lock, version_check
from .grid import GridInput, grid_validate
from .redecision import org_chain_revalidate, org_review_revalidate  # noqa: F401  (re-exported)

QUOTA_CODES = ("QUOTA", "QUOTA_ROW")


def require_member_decider(user, cell: Organization) -> Organization:
    """The body deciding the cell's members; NotCompetent (403) for anyone else (user=None: system)."""
    decider = sel.member_decider(cell)
    if user is not None and not sel.can_decide(user, decider):
        raise NotCompetent(
            _("Quyết định xếp loại đảng viên của %(c)s thuộc thẩm quyền của %(d)s.")
            % {"c": cell.name, "d": decider.name}
        )
    return decider


def require_org_decider(user, org: Organization) -> Organization:
    decider = sel.org_decider(org)
    if decider is None:
        raise ValidationError(_("Tổ chức này không có cấp trên trực tiếp."))
    if user is not None and not sel.can_grade_org(user, org):
        raise NotCompetent(
            _("Xếp loại %(o)s thuộc thẩm quyền của ban thường vụ %(d)s.") % {"o": org.name, "d": decider.name}
        )
    return decider


def _parent_of(org: Organization) -> Organization | None:
    return org.get_parent()  # None for a root


def _revalidate_above(org: Organization, year: int, cause: str) -> None:
    parent = _parent_of(org)
    if parent is not None:
        org_chain_revalidate(org=parent, year=year, cause=cause)


# --- A cell's members -----------------------------------------------------------------------------


@transaction.atomic
def cell_decide(
    *,
    cell: Organization,
    cycle: ReviewCycle,
    grades: dict[int, tuple[str, str]] | None = None,
    override_reason: str = "",
    approve_other: Iterable[int] = (),
    decision_record: str = "",
    version: int | None = None,
    user=None,
) -> list[MemberReview]:
    """Quyết định xếp loại: approve the proposals, or change grades ({review_id: (grade, reason)}).

    `approve_other`: reviews whose "not graded: other" reason the deciding body approves (required).

    The quota binds here, over every cell of the grassroots organisation (or comparable group): the
    grades already decided and those proposed and awaiting decision, plus this cell's. A cell whose
    decided grades include no EXCELLENT is never refused for the quota, so the outcome does not depend
    on the order in which cells are decided. Leaders managed by a higher committee are left to it.
    """
    decider = require_member_decider(user, cell)
    org_review = org_review_lock(cell, cycle)
    version_check(org_review, version)
    if org_review.status != ReviewStatus.PROPOSED:
        raise ValidationError(_("Chi bộ chưa nộp đề xuất hoặc đã được quyết định."))
    if decider.kind == OrgKind.GRASSROOTS_CELL and not decision_record.strip():
        raise ValidationError(
            {
                "decision_record": _(
                    "Chi bộ cơ sở tự quyết định xếp loại bằng nghị quyết của chi bộ: ghi số, ngày biên bản hoặc "
                    "nghị quyết cuộc họp chi bộ."
                )
            }
        )
    grades = grades or {}
    data = sel.grid_load(cell=cell, cycle=cycle)
    Organization.objects.select_for_update().filter(pk=data.grassroots.pk).first()
    data.other_grades = sel.quota_grades(
        grassroots=data.grassroots, year=cycle.year, exclude_cell_id=cell.pk, group=data.quota_group
    )
    rows = [row for row in data.own_rows if row.review and row.review.status != ReviewStatus.DECIDED]
    mine = [row for row in rows if row.managed_by is None or row.managed_by.pk == decider.pk]
    mine_ids = {row.review.pk for row in mine}
    decided, violations = _decided_grades(mine, grades)
    for row in rows:
        if (
            row.review.pk not in mine_ids
            and row.review.pk in grades
            and grades[row.review.pk][0] != row.review.proposed_grade
        ):
            violations.append(
                Violation(
                    "NOT_COMPETENT_ROW",
                    _("Đồng chí thuộc diện %(b)s quản lý: cấp đó quyết định xếp loại.") % {"b": row.managed_by.name},
                    row.member.pk,
                )
            )
    approve_other = set(approve_other)
    inputs = {
        row.member.pk: GridInput(
            **{**_input_of(row.review), "grade": decided.get(row.review.pk, _effective(row))},
            other_approved=bool(row.review.other_approved_by_id) or row.review.pk in approve_other,
        )
        for row in data.own_rows
        if row.review
    }
    required = {v.row for v in violations if v.code == "DECISION_REQUIRED"}  # said once, in the decision's words
    found = [
        v
        for v in grid_validate(data, inputs, org_grade="", org_score=None, complete=True, deciding=True)
        if v.code != "COLLECTIVE_FIRST" and not (v.code == "MISSING" and v.row in required)
    ]
    if Grade.EXCELLENT not in decided.values():
        found = [v for v in found if v.code not in QUOTA_CODES]
    violations += found
    violations, override = _apply_override(data, violations, inputs, override_reason, decider, user)
    if violations:
        raise RulesRefused(violations)
    now = timezone.now()
    reviews = [row.review for row in mine]
    for review in reviews:
        new_grade = decided[review.pk]
        review.decision_reason = grades.get(review.pk, ("", ""))[1] if new_grade != review.proposed_grade else ""
        review.decided_grade, review.status = new_grade, ReviewStatus.DECIDED
        review.decided_at, review.decided_by, review.redecide_reason = now, user, ""
        if review.pk in approve_other and review.not_graded_reason and user is not None:
            review.other_approved_by = user
    fields = [
        "decided_grade",
        "status",
        "decided_at",
        "decided_by",
        "decision_reason",
        "redecide_reason",
        "other_approved_by",
    ]
    update_with_history(reviews, MemberReview, fields, user=user)  # one statement, audit included
    _remediation_from_reviews(reviews, user)
    from .facts import removal_flags_apply  # issue 10: two years NOT_COMPLETED (REFERENCE 2.4.3)

    removal_flags_apply(reviews=reviews, cell=cell, decider=decider, cycle=cycle, user=user)
    org_review.status, org_review.members_decided_at, org_review.return_reason = ReviewStatus.DECIDED, now, ""
    org_review.decision_record = decision_record.strip()
    org_review.version += 1
    org_review.save()
    org_review_revalidate(org=cell, year=cycle.year)
    _revalidate_above(cell, cycle.year, _("Xếp loại đảng viên của %(c)s vừa được quyết định") % {"c": cell.name})
    if override is not None and decider.kind == OrgKind.GRASSROOTS_CELL:
        _report_override(override, decider, cycle)
    changed([cell.pk], cycle.year)
    notify(type="grades_published", cell_id=cell.pk, year=cycle.year, decider_id=decider.pk)  # issue 12
    return reviews


def cell_approve_all(
    *,
    cell: Organization,
    cycle: ReviewCycle,
    approve_other: Iterable[int] = (),
    override_reason: str = "",
    decision_record: str = "",
    version: int | None = None,
    user=None,
) -> list[MemberReview]:
    """Duyệt tất cả theo đề xuất — one cell's members decided exactly as the cell proposed.

    Deliberately the same path as cell_decide with no changed grade, so the competence, lock, version,
    quota (and its recorded override) and audit rules are the ones of any decision. A "not graded:
    other" proposal still needs its explicit approval (`approve_other`), as in every decision.
    """
    return cell_decide(
        cell=cell,
        cycle=cycle,
        grades=None,
        approve_other=approve_other,
        override_reason=override_reason,
        decision_record=decision_record,
        version=version,
        user=user,
    )


def _effective(row) -> str:
    r = row.review
    return r.decided_grade if r.status == ReviewStatus.DECIDED else r.proposed_grade


def _input_of(review: MemberReview) -> dict:
    return {
        "score": review.proposed_score,  # a submitted row always carries its score (SCORE_REQUIRED)
        "reason": review.not_graded_reason,
        "reason_note": review.not_graded_note,
        "sick_leave_months": review.sick_leave_months,
        "civil_service_grade": review.civil_service_grade,
        "note": review.cell_note,
    }


def _decision_required() -> str:
    return _("Chọn mức xếp loại được quyết định.")


def _decided_grades(rows, grades: dict[int, tuple[str, str]]) -> tuple[dict[int, str], list[Violation]]:
    decided, out = {}, []
    for row in rows:
        review = row.review
        grade, reason = grades.get(review.pk, (review.proposed_grade, ""))
        if review.not_graded_reason:
            grade = ""
        elif not grade:  # "— chọn —" left as it was: a graded member needs a decided grade
            out.append(Violation("DECISION_REQUIRED", _decision_required(), row.member.pk))
        elif grade != review.proposed_grade and not reason.strip():
            out.append(
                Violation(
                    "CHANGE_NEEDS_REASON", _("Thay đổi mức xếp loại chi bộ đề xuất phải ghi rõ lý do."), row.member.pk
                )
            )
        decided[review.pk] = grade
    return decided, out


def _apply_override(data, violations, inputs, reason: str, decider: Organization, user):
    """The competent body may exceed the quota with a recorded reason (REFERENCE 2.4)."""
    if not any(v.code == "QUOTA" for v in violations) or not reason.strip():
        return violations, None
    grades = data.other_grades + [i.grade for i in inputs.values()]
    needed = grades.count(Grade.EXCELLENT)
    override = QuotaOverride.objects.filter(grassroots=data.grassroots, year=data.cycle.year).first()
    override = override or QuotaOverride(grassroots=data.grassroots, year=data.cycle.year, max_excellent=needed)
    override.max_excellent, override.reason = max(override.max_excellent, needed), reason.strip()
    override.deciding_body, override.decided_by = decider, user
    override.full_clean()
    override.save()
    return [v for v in violations if v.code not in QUOTA_CODES], override


def _report_override(override: QuotaOverride, cell: Organization, cycle: ReviewCycle) -> None:
    """A grassroots cell exceeding the quota itself reports it to the directly superior committee."""
    from django.urls import reverse

    from notifications.services import notifications_send

    superior = _parent_of(cell)
    if superior is None:
        return
    users = Position.objects.filter(
        positions_open_on(timezone.localdate()), organization=superior, kind=PositionKind.STANDING_COMMITTEE
    ).values_list("user_id", flat=True)
    notifications_send(
        user_ids=users,
        title=_("%(c)s quyết định vượt tỷ lệ Hoàn thành xuất sắc nhiệm vụ năm %(y)s")
        % {"c": cell.name, "y": cycle.year},
        body=_("Số xuất sắc: %(n)s. Lý do: %(r)s") % {"n": override.max_excellent, "r": override.reason},
        link=f"{reverse('reviews:decisions', args=[superior.pk])}?nam={cycle.year}",
        kind="DECISION",
    )


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


def _org_quota(org: Organization, cycle: ReviewCycle, grade: str, reason: str) -> list[Violation]:
    """Organisations graded EXCELLENT by one body ≤ `org_quota` of those it graded GOOD (REFERENCE 4,
    likely); an explicit reason is the body's recorded exception (kept in decision_reason + history)."""
    if grade != Grade.EXCELLENT:
        return []
    decider = sel.org_decider(org)
    graded = [o for o, _r in sel.orgs_graded_by(decider, cycle.year)] if decider else []
    others = sel.org_quota_grades(decider, graded, cycle.year, exclude_id=org.pk) if decider else []
    found = rules.org_quota_violations(sel.policy_of(cycle), [*others, grade], scope_name=decider.name if decider else "")
    return [] if reason.strip() else found


@transaction.atomic
def cell_return(
    *, cell: Organization, cycle: ReviewCycle, reason: str, version: int | None = None, user=None
) -> OrgReview:
    """Trả lại (proposed) or mở lại (decided): the cell may edit again; decided grades are withdrawn.

    Reopening a decided cell also reopens its organisation grade (it rests on the members' grades);
    grades decided by a higher committee for the leaders it manages stay until that committee reopens.
    """
    require_member_decider(user, cell)
    if not reason.strip():
        raise ValidationError({"reason": _("Phải ghi rõ lý do trả lại hoặc mở lại.")})
    org_review = org_review_lock(cell, cycle)
    version_check(org_review, version)
    if org_review.status not in LOCKED_BATCH:
        raise ValidationError(_("Chi bộ chưa nộp đề xuất."))
    reopening = org_review.status == ReviewStatus.DECIDED
    decided_rows = list(
        MemberReview.objects.filter(cell=cell, year=cycle.year, status=ReviewStatus.DECIDED).select_related("member")
    )
    bodies = sel.managing_bodies([r.member for r in decided_rows])
    decider = sel.member_decider(cell)
    higher = {r.pk for r in decided_rows if bodies.get(r.member_id) not in (None, decider)}
    reviews = list(MemberReview.objects.filter(cell=cell, year=cycle.year).exclude(pk__in=higher))
    for review in reviews:
        review.status, review.decided_grade, review.decided_at, review.decided_by = (
            ReviewStatus.RETURNED,
            "",
            None,
            None,
        )
        review.redecide_reason = ""
    bulk_update_with_history(
        reviews,
        MemberReview,
        ["status", "decided_grade", "decided_at", "decided_by", "redecide_reason"],
        default_user=user,
    )
    reopened = org_review.status == ReviewStatus.DECIDED
    org_review.status, org_review.return_reason = ReviewStatus.RETURNED, reason.strip()
    org_review.members_submitted_at = org_review.members_decided_at = None
    if reopening and org_review.decided_grade:
        org_review.decided_grade, org_review.decided_at, org_review.decision_reason = "", None, ""
        org_review.grade_reopen_reason = reason.strip()
    org_review.redecide_reason = ""
    org_review.version += 1
    org_review.save()
    notify(type="proposal_returned", cell_id=cell.pk, year=cycle.year, reason=reason.strip(), reopened=reopened)
    org_review_revalidate(org=cell, year=cycle.year)
    if reopening:
        _revalidate_above(cell, cycle.year, _("%(c)s được mở lại") % {"c": cell.name})
    changed([cell.pk], cycle.year)
    return org_review


# --- Leaders managed by a higher committee --------------------------------------------------------


@transaction.atomic
def leader_decide(*, review: MemberReview, grade: str, reason: str = "", user=None) -> MemberReview:
    """The higher committee managing a leader decides his grade (after his cell proposed it)."""
    body = sel.managing_bodies([review.member]).get(review.member_id)
    if body is None:
        raise ValidationError(_("Đảng viên này không thuộc diện cấp ủy cấp trên quản lý."))
    if user is not None and not sel.can_decide(user, body):
        raise NotCompetent(_("Xếp loại cán bộ này thuộc thẩm quyền của ban thường vụ %(b)s.") % {"b": body.name})
    org_review_lock(review.cell, review.cycle)
    review = MemberReview.objects.select_for_update().select_related("member", "cycle__regime").get(pk=review.pk)
    if review.status != ReviewStatus.PROPOSED:
        raise ValidationError(_("Chi bộ chưa đề xuất hoặc đã quyết định xếp loại đồng chí này."))
    grade = "" if review.not_graded_reason else grade
    if not review.not_graded_reason and not grade:
        raise ValidationError({"grade": _decision_required()})
    if grade != review.proposed_grade and not reason.strip():
        raise ValidationError({"reason": _("Thay đổi mức xếp loại chi bộ đề xuất phải ghi rõ lý do.")})
    found = sel.review_violations(review, grade=grade)
    if found:
        raise RulesRefused([Violation("LEADER", m, review.member_id) for m in found])
    review.decided_grade, review.status, review.decided_at, review.decided_by = (
        grade,
        ReviewStatus.DECIDED,
        timezone.now(),
        user,
    )
    review.decision_reason = reason.strip() if grade != review.proposed_grade else ""
    review.redecide_reason = ""
    review.save()
    org_chain_revalidate(org=review.cell, year=review.year, cause=_("Xếp loại cán bộ do cấp trên quản lý"))
    changed([review.cell_id], review.year)
    return review


# --- Organisation grades --------------------------------------------------------------------------


@transaction.atomic
def org_grade_decide(
    *,
    org: Organization,
    cycle: ReviewCycle,
    grade: str,
    reason: str = "",
    score: Decimal | None = None,
    user=None,
) -> OrgReview:
    """The superior standing committee decides an organisation's own grade (after its members').

    A decided grade is locked: changing it needs `org_grade_reopen` by the same body, with a reason.
    `score`: the collective's self-assessment score (QĐ 366) when it was not proposed in the grid.
    Issue 10: EXCELLENT organisations count against the `org_quota` of the deciding body (over the
    grades it decided, plus this one); the body may exceed it only with a reason (recorded, audited).
    """
    require_org_decider(user, org)
    if not grade:
        raise ValidationError({"grade": _("Chọn mức xếp loại tổ chức.")})
    org_review = org_review_lock(org, cycle)
    if org.is_cell and org_review.members_decided_at is None:
        raise ValidationError(_("Phải quyết định xếp loại đảng viên của chi bộ trước khi xếp loại chi bộ."))
    if org_review.decided_grade:
        raise ValidationError(
            _("Đã quyết định xếp loại %(o)s; muốn thay đổi phải mở lại (ghi rõ lý do) trước.") % {"o": org.name}
        )
    if org_review.proposed_grade and grade != org_review.proposed_grade and not reason.strip():
        raise ValidationError({"reason": _("Thay đổi mức xếp loại tổ chức tự đề xuất phải ghi rõ lý do.")})
    if score is not None:
        org_review.proposed_score = score
    violations = rules.org_violations(
        sel.policy_of(cycle), sel.org_facts(org, cycle.year, grade, org_review.proposed_score)
    )
    violations += _org_quota(org, cycle, grade, reason)
    if violations:
        raise RulesRefused(violations)
    org_review.decided_grade, org_review.decided_at, org_review.decision_reason = grade, timezone.now(), reason.strip()
    org_review.violations, org_review.redecide_reason = [], ""
    if not org.is_cell:
        org_review.status = ReviewStatus.DECIDED
    org_review.save()
    _revalidate_above(org, cycle.year, _("Xếp loại của %(o)s thay đổi") % {"o": org.name})
    changed(sel.cells_in_ids(org), cycle.year)
    return org_review


@transaction.atomic
def org_grade_reopen(*, org: Organization, cycle: ReviewCycle, reason: str, user=None) -> OrgReview:
    """Mở lại xếp loại tổ chức — the competent body withdraws a decided organisation grade, with a reason."""
    require_org_decider(user, org)
    if not reason.strip():
        raise ValidationError({"reason": _("Phải ghi rõ lý do mở lại.")})
    org_review = org_review_lock(org, cycle)
    if not org_review.decided_grade:
        raise ValidationError(_("Xếp loại tổ chức này chưa được quyết định."))
    org_review.decided_grade, org_review.decided_at, org_review.decision_reason = "", None, ""
    org_review.grade_reopen_reason, org_review.redecide_reason = reason.strip(), ""
    if not org.is_cell:
        org_review.status = ReviewStatus.DRAFT
    org_review.save()
    org_review_revalidate(org=org, year=cycle.year)
    _revalidate_above(org, cycle.year, _("Xếp loại của %(o)s được mở lại") % {"o": org.name})
    changed(sel.cells_in_ids(org), cycle.year)
    return org_review
