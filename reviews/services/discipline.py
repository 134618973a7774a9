"""Kỷ luật và khắc phục — discipline records (re-validating decided grades) and remedied shortcomings."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Member, Organization
from organizations.selectors import user_scope

from .. import selectors as sel
from ..models import DisciplineRecord, MemberReview, RemediationItem
from .base import changed
from .redecision import facts_changed


def require_discipline_body(user, member: Member) -> None:
    """Standing or inspection committees covering the member's cell (user=None: system callers)."""
    if user is None:
        return
    if member.cell is None or not sel.can_enter_discipline(user, member.cell):
        raise PermissionDenied(_("Đồng chí không có thẩm quyền ghi nhận kỷ luật đảng viên này."))


EARLIEST_DECISION = dt.date(1930, 2, 3)  # the Party's founding: no discipline decision is older


def _plausible(decided_on: dt.date, counts_for_year: int | None) -> None:
    """Dates plausible for their meaning: a decision already taken (not before 1930, not in the future),
    counted in a grading year from the member's lifetime range up to next year."""
    today = timezone.localdate()
    errors = {}
    if not (EARLIEST_DECISION <= decided_on <= today):
        errors["decided_on"] = _("Ngày quyết định kỷ luật phải từ %(a)s đến hôm nay.") % {"a": "03/02/1930"}
    if counts_for_year is not None and not (2000 <= counts_for_year <= today.year + 1):
        errors["counts_for_year"] = _("Năm tính vào xếp loại phải từ 2000 đến %(y)s.") % {"y": today.year + 1}
    if errors:
        raise ValidationError(errors)


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
    require_discipline_body(user, member)
    _plausible(decided_on, counts_for_year)
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
    cause = _("Kỷ luật %(k)s (%(n)s) ghi nhận sau quyết định") % {
        "k": record.get_kind_display().lower(),
        "n": record.decision_number,
    }
    facts_changed(member=member, year=year, cause=cause)
    cell_ids = {member.cell_id} | set(
        MemberReview.objects.filter(member=member, year=year).values_list("cell_id", flat=True)
    )
    changed(cell_ids, year)
    return record


@transaction.atomic
def remediation_mark_done(*, item: RemediationItem, on: dt.date | None = None, user=None) -> RemediationItem:
    """Ghi nhận đã khắc phục — by someone who may act on the member's cell."""
    cell = item.member.cell
    if user is not None and (cell is None or not user_scope(user).covers(cell.path, act=True)):
        raise PermissionDenied(_("Đồng chí không có quyền xác nhận khắc phục cho đảng viên này."))
    if item.remedied_on is not None:
        raise ValidationError(_("Nội dung này đã được ghi nhận khắc phục."))
    item.remedied_on = on or timezone.localdate()
    item.save()
    cell_ids = MemberReview.objects.filter(member_id=item.member_id).values_list("cell_id", flat=True)
    changed(set(cell_ids) | {item.member.cell_id}, item.year_found + 1)
    return item
