"""Leaders reviewed at two places (REFERENCE 3.1–3.2): their cell, and the leadership collective
(committee, standing committee) they belong to, which reviews itself first, then records its opinion
on each of its members. The managing body's decision page shows both."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Member, Organization
from reviews.models import ReviewCycle
from reviews.services.base import org_review_lock

from ..models import LeadershipOpinion
from ..selectors import collective_leaders, may_record_for_collective


def _require(user, collective: Organization) -> None:
    if user is not None and not may_record_for_collective(user, collective):
        raise PermissionDenied(_("Chỉ ban thường vụ (thường trực) của tập thể này ghi nhận kiểm điểm tập thể."))


@transaction.atomic
def leadership_collective_record(*, collective: Organization, cycle: ReviewCycle, note: str, user):
    """Kiểm điểm tập thể lãnh đạo — before the opinions on its members."""
    _require(user, collective)
    if not note.strip():
        raise ValidationError({"note": _("Ghi tóm tắt kết quả kiểm điểm tập thể.")})
    org_review = org_review_lock(collective, cycle)
    org_review.collective_note = note.strip()
    org_review.collective_recorded_at = org_review.collective_recorded_at or timezone.now()
    org_review.save()
    return org_review


@transaction.atomic
def leadership_opinion_save(
    *, collective: Organization, cycle: ReviewCycle, member: Member, opinion: str, suggested_grade: str = "", user
) -> LeadershipOpinion:
    _require(user, collective)
    org_review = org_review_lock(collective, cycle)
    if org_review.collective_recorded_at is None:
        raise ValidationError(_("Tập thể lãnh đạo phải kiểm điểm tập thể trước khi cho ý kiến về từng thành viên."))
    if member.pk not in {m.pk for m, _kind in collective_leaders(collective)}:
        raise ValidationError(_("Đồng chí %(n)s không giữ chức vụ trong tập thể này.") % {"n": member.full_name})
    if not opinion.strip():
        raise ValidationError({"opinion": _("Ghi ý kiến của tập thể lãnh đạo.")})
    row = LeadershipOpinion.objects.filter(member=member, year=cycle.year, collective=collective).first()
    row = row or LeadershipOpinion(member=member, year=cycle.year, collective=collective)
    row.opinion, row.suggested_grade, row.recorded_by = opinion.strip(), suggested_grade, user
    row.full_clean(validate_unique=False)
    row.save()
    return row
