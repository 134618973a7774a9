"""Nhận xét nơi cư trú (QĐ 213-QĐ/TW): the workplace cell requests, the residence organisation writes.

The residence organisation may be anywhere in the tree (another subtree or province); its secretary
sees only the request (member's name and workplace cell) through meetings.selectors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.events import notify
from organizations.models import CELL_KINDS, Member, Organization, OrgKind
from organizations.selectors import user_scope
from reviews.selectors import can_edit_cell

from ..models import ResidenceComment, ResidenceStatus

RESIDENCE_KINDS = (*CELL_KINDS, OrgKind.COMMUNE)


@dataclass(frozen=True)
class ResidenceRequest:
    member: Member
    residence_org: Organization | None = None
    exemption: str = ""


@transaction.atomic
def residence_request(
    *, cell: Organization, year: int, requests: list[ResidenceRequest], user
) -> list[ResidenceComment]:
    """Send requests (or mark exempt) for the cell's members; a comment already written is kept."""
    if user is not None and not can_edit_cell(user, cell):
        raise PermissionDenied(_("Chỉ chi ủy (bí thư) chi bộ gửi đề nghị nhận xét nơi cư trú."))
    existing = {
        c.member_id: c
        for c in ResidenceComment.objects.select_for_update().filter(year=year, member__in=[r.member for r in requests])
    }
    now, out, sent = timezone.now(), [], []
    for req in requests:
        if req.member.cell_id != cell.pk:
            raise ValidationError(_("Đảng viên %(n)s không sinh hoạt ở chi bộ này.") % {"n": req.member.full_name})
        if not req.exemption and (req.residence_org is None or req.residence_org.kind not in RESIDENCE_KINDS):
            raise ValidationError(
                _("Chọn chi bộ hoặc đảng ủy xã, phường nơi cư trú của đồng chí %(n)s.") % {"n": req.member.full_name}
            )
        comment = existing.get(req.member.pk) or ResidenceComment(member=req.member, year=year, cell=cell)
        if comment.status == ResidenceStatus.RECEIVED:
            out.append(comment)
            continue
        if req.exemption:
            comment.status, comment.exemption, comment.residence_org = ResidenceStatus.EXEMPT, req.exemption, None
        else:
            changed_target = (
                comment.residence_org_id != req.residence_org.pk or comment.status != ResidenceStatus.REQUESTED
            )
            comment.status, comment.exemption, comment.residence_org = ResidenceStatus.REQUESTED, "", req.residence_org
            if changed_target:
                comment.requested_at, comment.requested_by = now, user
                sent.append(comment)
        comment.full_clean(validate_unique=False)
        comment.save()
        out.append(comment)
    for org_id in sorted({c.residence_org_id for c in sent}):
        notify(
            type="residence_requested",
            org_id=org_id,
            year=year,
            ids=[c.pk for c in sent if c.residence_org_id == org_id],
        )
    return out


def may_write(user, comment: ResidenceComment) -> bool:
    org = comment.residence_org
    return org is not None and user_scope(user).covers(org.path, act=True)


@transaction.atomic
def residence_comment_write(*, comment: ResidenceComment, fulfilment: str, text: str, user) -> ResidenceComment:
    """The residence secretary (or committee) writes the comment: fulfils duties yes / partly / no."""
    comment = ResidenceComment.objects.select_for_update().get(pk=comment.pk)
    if user is not None and not may_write(user, comment):
        raise PermissionDenied(_("Chỉ chi ủy, cấp ủy nơi cư trú được nhận xét."))
    if comment.status == ResidenceStatus.EXEMPT:
        raise ValidationError(_("Đảng viên thuộc đối tượng không phải lấy nhận xét nơi cư trú."))
    if not fulfilment:
        raise ValidationError({"fulfilment": _("Chọn mức thực hiện nhiệm vụ ở nơi cư trú.")})
    comment.fulfilment, comment.text = fulfilment, text.strip()
    comment.status, comment.written_at, comment.written_by = ResidenceStatus.RECEIVED, timezone.now(), user
    comment.full_clean(validate_unique=False)
    comment.save()
    return comment


def residence_reminders_run(*, on: dt.date, remind_after: int = 7, escalate_after: int = 14) -> int:
    """Pending requests: remind the residence organisation after `remind_after` days; after
    `escalate_after` days tell its superior committee. One batch per organisation, year and stage
    (keyed), one ledger row per recipient: a second run the same day sends nothing."""
    from notifications.events import notify_once

    batches = 0
    pending = ResidenceComment.objects.filter(status=ResidenceStatus.REQUESTED, requested_at__isnull=False)
    by_org: dict[tuple[int, int, str], list[int]] = {}
    for c in pending.values("pk", "residence_org_id", "year", "requested_at"):
        waited = (on - timezone.localtime(c["requested_at"]).date()).days
        if waited >= escalate_after:
            stage = f"late{escalate_after}"
        elif waited >= remind_after:
            stage = f"D+{remind_after}"
        else:
            continue
        by_org.setdefault((c["residence_org_id"], c["year"], stage), []).append(c["pk"])
    for (org_id, year, stage), ids in sorted(by_org.items()):
        with transaction.atomic():
            created = notify_once(
                key=f"residence:{org_id}:{year}:{stage}",
                items=[{"type": "residence_requested", "org_id": org_id, "year": year, "ids": ids,
                        "stage": "late" if stage.startswith("late") else "remind"}],
            )  # fmt: skip
        batches += int(created)
    return batches
