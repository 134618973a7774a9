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
from .decisions import org_review_revalidate


def require_discipline_body(user, member: Member) -> None:
    """Standing or inspection committees covering the member's cell (user=None: system callers)."""
    if user is None:
        return
    if member.cell is None or not sel.can_enter_discipline(user, member.cell):
        raise PermissionDenied(_("Đồng chí không có thẩm quyền ghi nhận kỷ luật đảng viên này."))


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
