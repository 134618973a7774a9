"""Recorded facts the rules check (issue 10): exemption / suspension decisions, organisation
discipline, official conclusions of manifestations, and the two-years-NOT_COMPLETED flag.

Each write is atomic, audited (simple-history), checks the competent body itself, re-validates the
organisation grades it may break and announces the cells it touched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from organizations.models import Member, MemberStatus, Organization, Position, PositionKind
from organizations.selectors import positions_open_on, user_scope

from .. import rules
from .. import selectors as sel
from ..models import (
    ExemptionKind,
    ExemptionRecord,
    Grade,
    Indicator,
    ManifestationConclusion,
    MemberReview,
    OrgDisciplineRecord,
    ReviewCycle,
)
from .base import changed
from .decisions import org_review_revalidate

STATUS_OF_EXEMPTION = {ExemptionKind.EXEMPT: MemberStatus.EXEMPT, ExemptionKind.SUSPENDED: MemberStatus.SUSPENDED}


def require_fact_body(user, body: Organization, cell: Organization | None) -> None:
    """The body recording the fact is a standing or inspection committee the user sits on, at or
    above the member's cell (user=None: system callers)."""
    if user is None:
        return
    if cell is None or not cell.path.startswith(body.path):
        raise PermissionDenied(_("Cơ quan này không có thẩm quyền đối với đảng viên, tổ chức này."))
    if not user_scope(user).covers_with(body.path, sel.DISCIPLINE_KINDS):
        raise PermissionDenied(_("Đồng chí không có thẩm quyền ghi nhận kết luận, quyết định cho cơ quan này."))


def _revalidate_above(cell_ids: Iterable[int], year: int) -> None:
    for org in Organization.objects.filter(pk__in=[c for c in cell_ids if c]):
        for target in [org, *Organization.objects.filter(path__in=org.ancestor_paths()[:-1])]:
            org_review_revalidate(org=target, year=year)


def _member_cells(member: Member, year: int) -> set[int]:
    return {member.cell_id} | set(
        MemberReview.objects.filter(member=member, year=year).values_list("cell_id", flat=True)
    )


# --- Kết luận có biểu hiện suy thoái ---------------------------------------------------------------


@transaction.atomic
def conclusion_record_create(
    *,
    member: Member,
    concluded_by: Organization,
    concluded_on: dt.date,
    document_number: str,
    content: str,
    indicators: Iterable[Indicator],
    year: int | None = None,
    user=None,
) -> ManifestationConclusion:
    """Ghi nhận kết luận của cấp có thẩm quyền: the member may only be graded NOT_COMPLETED that year."""
    require_fact_body(user, concluded_by, member.cell)
    indicators = list(indicators)
    if not indicators:
        raise ValidationError({"indicators": _("Chọn ít nhất một biểu hiện được kết luận.")})
    record = ManifestationConclusion(
        member=member,
        year=year or concluded_on.year,
        concluded_on=concluded_on,
        document_number=document_number.strip(),
        content=content.strip(),
        concluded_by=concluded_by,
        recorded_by=user if getattr(user, "pk", None) else None,
    )
    record.full_clean()
    record.save()
    record.indicators.set(indicators)
    review = MemberReview.objects.filter(member=member, year=record.year).first()
    if review is None:
        cycle = sel.cycle_for_year(member.cell, record.year) if member.cell_id else None
        if cycle is not None:
            review = MemberReview(member=member, year=record.year, cycle=cycle, cell_id=member.cell_id)
    if review is not None and not review.concluded_manifestation:
        review.concluded_manifestation = True
        review._history_user = user if getattr(user, "pk", None) else None
        review.save()
    cells = _member_cells(member, record.year)
    _revalidate_above(cells, record.year)
    changed(cells, record.year)
    return record


# --- Miễn / đình chỉ sinh hoạt đảng ----------------------------------------------------------------


@transaction.atomic
def exemption_record_create(
    *,
    member: Member,
    kind: str,
    valid_from: dt.date,
    decision_number: str,
    reason: str,
    decided_by: Organization,
    valid_to: dt.date | None = None,
    user=None,
) -> ExemptionRecord:
    """Ghi nhận quyết định miễn / đình chỉ sinh hoạt đảng — the fact behind a "not graded" reason.

    An exemption or suspension in force today also sets the member's status (kept in step here).
    """
    require_fact_body(user, decided_by, member.cell)
    record = ExemptionRecord(
        member=member,
        kind=kind,
        valid_from=valid_from,
        valid_to=valid_to,
        decision_number=decision_number.strip(),
        reason=reason.strip(),
        decided_by=decided_by,
    )
    record.full_clean()
    record.save()
    status = STATUS_OF_EXEMPTION.get(kind)
    today = dt.date.today()
    if status and valid_from <= today and (valid_to is None or valid_to >= today) and member.status != status:
        member.status = status
        member.save(update_fields=["status"])
    changed(_member_cells(member, valid_from.year), valid_from.year)
    return record


# --- Kỷ luật tổ chức đảng ------------------------------------------------------------------------


@transaction.atomic
def org_discipline_record_create(
    *,
    organization: Organization,
    kind: str,
    decided_on: dt.date,
    decision_number: str,
    violation: str,
    decided_by: Organization,
    counts_for_year: int | None = None,
    user=None,
) -> OrgDisciplineRecord:
    """Ghi nhận kỷ luật tổ chức đảng; the organisation and those above it are re-validated."""
    if user is not None:
        if organization.pk == decided_by.pk or not organization.path.startswith(decided_by.path):
            raise PermissionDenied(_("Cơ quan này không có thẩm quyền kỷ luật tổ chức này."))
        if not user_scope(user).covers_with(decided_by.path, sel.DISCIPLINE_KINDS):
            raise PermissionDenied(_("Đồng chí không có thẩm quyền ghi nhận kết luận, quyết định cho cơ quan này."))
    record = OrgDisciplineRecord(
        organization=organization,
        kind=kind,
        decided_on=decided_on,
        decision_number=decision_number.strip(),
        violation=violation.strip(),
        decided_by=decided_by,
        counts_for_year=counts_for_year or decided_on.year,
    )
    record.full_clean()
    record.save()
    year = record.counts_for_year
    for target in [organization, *Organization.objects.filter(path__in=organization.ancestor_paths()[:-1])]:
        org_review_revalidate(org=target, year=year)
    changed(sel.cells_in_ids(organization), year)
    return record


# --- Hai năm liền không hoàn thành nhiệm vụ (REFERENCE 2.4.3) ---------------------------------------


def removal_flags_apply(
    *, reviews: list[MemberReview], cell: Organization, decider: Organization, cycle: ReviewCycle, user
) -> list[MemberReview]:
    """After a decision: flag members NOT_COMPLETED in this and the previous year(s) for the cell and
    the deciding body to consider removal, visibly on the review and in both inboxes."""
    policy = sel.policy_of(cycle)
    years = int(policy.get("removal_consecutive_not_completed_years") or 0)
    if not years:
        return []
    history = (
        sel.previous_decided_grades([r.member_id for r in reviews], cycle.year - 1, years - 1) if years > 1 else {}
    )
    flagged, changed_rows = [], []
    for review in reviews:
        grades = {**history.get(review.member_id, {}), cycle.year: review.decided_grade}
        flag = rules.consider_removal(policy, grades, year=cycle.year)
        if flag != review.consider_removal:
            review.consider_removal = flag
            changed_rows.append(review)
        if flag:
            flagged.append(review)
    if changed_rows:
        bulk_update_with_history(changed_rows, MemberReview, ["consider_removal"], default_user=user)
    if flagged:
        _notify_removal(flagged, cell=cell, decider=decider, years=years)
    return flagged


def _notify_removal(flagged: list[MemberReview], *, cell: Organization, decider: Organization, years: int) -> None:
    from notifications.models import Notification

    users = set(
        Position.objects.filter(
            positions_open_on(dt.date.today()),
            organization=cell,
            kind__in=[PositionKind.CELL_SECRETARY, PositionKind.CELL_DEPUTY],
        ).values_list("user_id", flat=True)
    ) | set(
        Position.objects.filter(
            positions_open_on(dt.date.today()), organization=decider, kind=PositionKind.STANDING_COMMITTEE
        ).values_list("user_id", flat=True)
    )
    names = ", ".join(r.member.full_name for r in flagged)
    title = _("%(n)s năm liền không hoàn thành nhiệm vụ: xem xét đưa ra khỏi Đảng") % {"n": years}
    body = _("%(cell)s: đồng chí %(names)s %(n)s năm liền xếp loại %(g)s — chi bộ và cấp ủy xem xét xóa tên.") % {
        "cell": cell.name,
        "names": names,
        "n": years,
        "g": Grade.NOT_COMPLETED.label,
    }
    link = reverse("reviews:detail", args=[flagged[0].pk])
    Notification.objects.bulk_create(
        [Notification(user_id=uid, title=title[:255], body=body, link=link) for uid in sorted(users)]
    )
