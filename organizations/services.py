"""Writes for the organisation tree, members, memberships and positions."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import events

from .models import Member, Membership, MembershipKind, Organization, Position


def _check(obj) -> None:
    """Run model validation (constraints included) so users get messages, not IntegrityErrors."""
    obj.full_clean()


@transaction.atomic
def organization_create(
    *,
    name: str,
    code: str,
    kind: str,
    parent: Organization | None = None,
    valid_from: dt.date = dt.date(2000, 1, 1),
    valid_to: dt.date | None = None,
) -> Organization:
    """Thành lập tổ chức đảng — add a node under `parent` (or a new root)."""
    if parent is not None and parent.is_cell:
        raise ValidationError({"parent": _("Chi bộ không thể có tổ chức trực thuộc.")})
    org = Organization(name=name, code=code, kind=kind, valid_from=valid_from, valid_to=valid_to)
    # Validate everything but the tree fields, which treebeard assigns.
    org.full_clean(exclude=["path", "depth", "numchild"])
    if parent is None:
        return Organization.objects.add_root(instance=org)
    return Organization.objects.add_child(parent, instance=org)


@transaction.atomic
def member_create(*, cell: Organization, joined_on: dt.date | None = None, **fields) -> Member:
    """Kết nạp / tiếp nhận đảng viên — create a member and open their membership in `cell`."""
    if not cell.is_cell:
        raise ValidationError({"cell": _("Đảng viên chỉ sinh hoạt ở chi bộ.")})
    member = Member(cell=cell, **fields)
    _check_member(member)
    member.save()
    Membership.objects.create(member=member, cell=cell, valid_from=joined_on or member.admitted_on)
    events.cells_changed(cell_ids={cell.id}, year=timezone.localdate().year)
    return member


def _check_member(member: Member) -> None:
    # Mirror Member.save() normalisation before validating, so uniqueness checks see stored values.
    member.party_card_number = (member.party_card_number or "").strip() or None
    _check(member)


@transaction.atomic
def member_transfer(
    *,
    member: Member,
    to_cell: Organization,
    on: dt.date,
    kind: str = MembershipKind.OFFICIAL,
    note: str = "",
) -> Membership:
    """Chuyển sinh hoạt đảng — close the open membership the day before `on`, open a new one."""
    if not to_cell.is_cell:
        raise ValidationError({"to_cell": _("Đảng viên chỉ sinh hoạt ở chi bộ.")})
    changed = {to_cell.id}
    if kind == MembershipKind.OFFICIAL:
        changed.add(member.cell_id)
        current = (
            Membership.objects.select_for_update()
            .filter(member=member, kind=MembershipKind.OFFICIAL, valid_to__isnull=True)
            .first()
        )
        if current is not None:
            if current.cell_id == to_cell.id:
                raise ValidationError(_("Đảng viên đã sinh hoạt ở chi bộ này."))
            if on <= current.valid_from:
                raise ValidationError({"on": _("Ngày chuyển phải sau ngày bắt đầu sinh hoạt hiện tại.")})
            current.valid_to = on - dt.timedelta(days=1)
            current.save(update_fields=["valid_to"])
        member.cell = to_cell
        member.save(update_fields=["cell"])
    membership = Membership(member=member, cell=to_cell, kind=kind, valid_from=on, note=note)
    _check(membership)
    membership.save()
    # The roll-ups count the member in both cells' subtrees: both must be recounted.
    events.cells_changed(cell_ids=changed, year=timezone.localdate().year)
    return membership


@transaction.atomic
def position_assign(
    *, user, organization: Organization, kind: str, valid_from: dt.date | None = None, valid_to: dt.date | None = None
) -> Position:
    """Phân công chức vụ — give a user a dated position (and so an access scope)."""
    position = Position(
        user=user, organization=organization, kind=kind, valid_from=valid_from or dt.date.today(), valid_to=valid_to
    )
    _check(position)
    position.save()
    return position


@transaction.atomic
def position_close(*, position: Position, on: dt.date, by=None) -> Position:
    """Kết thúc chức vụ — the scope shrinks at once, and the holder's open sessions end
    (they were opened with the wider scope and, for committees, its second factor)."""
    position = Position.objects.select_for_update().get(pk=position.pk)
    position.valid_to = on
    _check(position)
    position._history_user = by
    position.save(update_fields=["valid_to"])
    events.access_revoked(user_ids={position.user_id})
    return position
