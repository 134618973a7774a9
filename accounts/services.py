"""Writes for accounts: invitations, activation, lock/unlock, ending sessions, second-factor recovery.

Authority checks live here (who may invite whom); views only load, call and render.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.text import ascii_fold
from organizations.models import ACTIVE_STATUSES, Member, Organization, PositionKind
from organizations.selectors import user_scope

from .hashers import ActivationCodeHasher
from .models import AccountEvent, AccountEventKind, AccountState, Invitation, InvitationChannel
from .sessions import end_sessions_for

User = get_user_model()
INVITE_KINDS = (PositionKind.STANDING_COMMITTEE, PositionKind.ADMINISTRATOR)
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper
SELECTOR_LEN, SECRET_LEN = 6, 8

MSG_CODE_WRONG = gettext_lazy("Mã kích hoạt hoặc ngày sinh không đúng.")
MSG_CODE_USED = gettext_lazy("Mã kích hoạt này đã được dùng. Đồng chí hãy đăng nhập, hoặc xin chi bộ mã mới.")
MSG_CODE_EXPIRED = gettext_lazy("Mã kích hoạt đã hết hạn hoặc đã được thay bằng mã mới. Đồng chí xin chi bộ mã mới.")
MSG_THROTTLED = gettext_lazy("Đã nhập sai quá nhiều lần. Đề nghị thử lại sau %(minutes)d phút.")


def _random(n: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(n))


def format_code(selector: str, secret: str) -> str:
    return f"{selector}-{secret[:4]}-{secret[4:]}"


def parse_code(code: str) -> tuple[str, str] | None:
    raw = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if len(raw) != SELECTOR_LEN + SECRET_LEN:
        return None
    return raw[:SELECTOR_LEN], raw[SELECTOR_LEN:]


def login_name_for(member: Member) -> str:
    """Given name + initials of the other words + the member's id: Trần Thị Bình (42) → binhtt42."""
    words = [w for w in ascii_fold(member.full_name).lower().split() if w.isalnum()] or ["dv"]
    base = words[-1] + "".join(w[0] for w in words[:-1])
    name = f"{base}{member.pk}"
    n = 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base}{member.pk}_{n}"
    return name


def can_invite(*, user, org: Organization) -> bool:
    return user_scope(user).covers_with(org.path, INVITE_KINDS)


@dataclass
class Slip:
    """One member's slip on the activation sheet (the code exists only here, never stored in clear)."""

    member: Member
    login_name: str
    code: str
    expires_at: dt.datetime


@dataclass
class InvitationBatch:
    slips: list[Slip]
    emailed: int
    skipped: int  # already activated


def _hash(secret: str) -> str:
    hasher = ActivationCodeHasher()
    return hasher.encode(secret, hasher.salt())


def _new_selector() -> str:
    while True:
        selector = _random(SELECTOR_LEN)
        if not Invitation.objects.filter(selector=selector).exists():
            return selector


@transaction.atomic
def invitations_issue(*, org: Organization, by, use_email: bool = True) -> InvitationBatch:
    """Mời kích hoạt tài khoản — every member on the roll in `org`'s subtree who has not activated.

    Members with an email get a one-time link by email (sent by a task after commit); the others get
    a slip on the printable sheet returned here. Re-inviting revokes each member's previous code.
    """
    if not can_invite(user=by, org=org):
        raise PermissionDenied(_("Chỉ ban thường vụ cấp ủy hoặc quản trị hệ thống được mời kích hoạt tài khoản."))
    now = timezone.now()
    expires = now + dt.timedelta(days=settings.ACCOUNT_INVITATION_DAYS)
    members = list(
        Member.objects.select_for_update(of=("self",))
        .filter(cell__path__startswith=org.path, status__in=ACTIVE_STATUSES)
        .select_related("user", "cell")
        .order_by("cell__path", "sort_key", "id")
    )
    slips: list[Slip] = []
    invitations: list[Invitation] = []
    skipped = 0
    for member in members:
        if member.user is not None and member.user.has_usable_password():
            skipped += 1
            continue
        if member.user is None:
            user = User(username=login_name_for(member), first_name=member.full_name[:150], email=member.email)
            user.set_unusable_password()
            user.save()
            member.user = user
            member._history_user = by
            member.save(update_fields=["user"])
        by_email = use_email and bool(member.email or member.user.email)
        invitation = Invitation(
            member=member,
            user=member.user,
            channel=InvitationChannel.EMAIL if by_email else InvitationChannel.SHEET,
            selector=_new_selector(),
            created_by=by,
            expires_at=expires,
        )
        if not by_email:
            secret = _random(SECRET_LEN)
            invitation.code_hash = _hash(secret)
            slips.append(Slip(member, member.user.username, format_code(invitation.selector, secret), expires))
        invitations.append(invitation)
    # Re-inviting: the previous open codes stop working.
    Invitation.objects.filter(
        member_id__in=[i.member_id for i in invitations], used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    for invitation in invitations:
        invitation._history_user = by
        invitation.save()
    AccountEvent.objects.bulk_create(
        [
            AccountEvent(user=inv.user, kind=AccountEventKind.INVITED, by=by, detail=str(inv.get_channel_display()))
            for inv in invitations
        ]
    )
    _accounts_changed({inv.member.cell_id for inv in invitations})
    email_ids = [inv.pk for inv in invitations if inv.channel == InvitationChannel.EMAIL]
    if email_ids:
        from .tasks import send_invitation_email

        transaction.on_commit(lambda: [send_invitation_email.delay(i) for i in email_ids])
    return InvitationBatch(slips=slips, emailed=len(email_ids), skipped=skipped)


@transaction.atomic
def invitation_email_send(*, invitation_id: int) -> bool:
    """Send one invitation by email: draw its code now (only the hash is kept), then mark it sent.
    Safe to run twice: a sent, used or revoked invitation is left alone."""
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string

    from notifications.messages import absolute

    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("member", "member__cell", "user")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.emailed_at or invitation.used_at or invitation.revoked_at:
        return False
    address = invitation.member.email or invitation.user.email
    if not address:
        return False
    secret = _random(SECRET_LEN)
    code = format_code(invitation.selector, secret)
    invitation.code_hash = _hash(secret)
    from django.urls import reverse

    context = {
        "member": invitation.member,
        "cell": invitation.member.cell,
        "login_name": invitation.user.username,
        "code": code,
        "link": absolute(reverse("accounts:activate")) + f"?ma={code}",
        "expires_at": invitation.expires_at,
    }
    message = EmailMultiAlternatives(
        subject=_("Tự soi: mời đồng chí kích hoạt tài khoản"),
        body=render_to_string("accounts/email/invitation.txt", context),
        to=[address],
    )
    message.send()
    invitation.emailed_at = timezone.now()
    invitation.save(update_fields=["code_hash", "emailed_at"])
    return True


# --- activation ------------------------------------------------------------------------------------


def _throttle_keys(client_key: str, selector: str | None) -> list[str]:
    prefix = settings.ACCOUNT_THROTTLE_PREFIX
    keys = [f"{prefix}:act-fail:client:{client_key}"]
    if selector:
        keys.append(f"{prefix}:act-fail:code:{selector}")
    return keys


def _throttled(keys: list[str]) -> bool:
    limit = settings.ACCOUNT_ACTIVATION_FAILURE_LIMIT
    return any((cache.get(k) or 0) >= limit for k in keys)


def _fail(keys: list[str]) -> None:
    timeout = settings.ACCOUNT_ACTIVATION_COOLOFF_MINUTES * 60
    for key in keys:
        cache.add(key, 0, timeout)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout)


def account_activate(*, code: str, date_of_birth: dt.date | None, password: str, client_key: str):
    """Kích hoạt tài khoản — check the one-time code and the date of birth, then set the password.

    Wrong codes and wrong dates of birth count towards a throttle per client and per code, like
    failed logins; an expired, revoked or used code is refused; success uses the code up.
    """
    parsed = parse_code(code)
    keys = _throttle_keys(client_key, parsed[0] if parsed else None)
    if _throttled(keys):
        raise ValidationError(MSG_THROTTLED % {"minutes": settings.ACCOUNT_ACTIVATION_COOLOFF_MINUTES}, code="throttled")
    with transaction.atomic():
        invitation = None
        if parsed:
            invitation = (
                Invitation.objects.select_for_update(of=("self",))
                .select_related("member", "user")
                .filter(selector=parsed[0])
                .first()
            )
        hasher = ActivationCodeHasher()
        if (
            invitation is None
            or not invitation.code_hash
            or not hasher.verify(parsed[1], invitation.code_hash)
            or invitation.member.date_of_birth != date_of_birth
        ):
            wrong = True
        else:
            wrong = False
    if wrong:
        _fail(keys)
        if invitation is not None:
            AccountEvent.objects.create(user=invitation.user, kind=AccountEventKind.ACTIVATION_FAILED, detail="code/dob")
        raise ValidationError(MSG_CODE_WRONG, code="wrong")
    return _activate(invitation.pk, password)


@transaction.atomic
def _activate(invitation_id: int, password: str):
    invitation = Invitation.objects.select_for_update(of=("self",)).select_related("member", "user").get(pk=invitation_id)
    if invitation.used_at is not None:
        raise ValidationError(MSG_CODE_USED, code="used")
    if invitation.revoked_at is not None or invitation.expires_at <= timezone.now():
        raise ValidationError(MSG_CODE_EXPIRED, code="expired")
    if invitation.member.status not in ACTIVE_STATUSES:
        raise ValidationError(MSG_CODE_EXPIRED, code="expired")
    user = invitation.user
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from exc
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    AccountEvent.objects.create(user=user, kind=AccountEventKind.ACTIVATED)
    _accounts_changed({invitation.member.cell_id})
    return user


def _accounts_changed(cell_ids: set[int]) -> None:
    """The roll-ups count invited / activated accounts (the completeness table) in every year's rows."""
    from core import events
    from rollups.services import rollup_years

    for year in rollup_years():
        events.cells_changed(cell_ids=cell_ids, year=year)


# --- lifecycle -------------------------------------------------------------------------------------


def _state(user) -> AccountState:
    state, _created = AccountState.objects.select_for_update().get_or_create(user=user)
    return state


@transaction.atomic
def account_lock(*, user, reason: str, by) -> AccountState:
    """Khóa tài khoản — the user cannot log in, and every open session ends."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Vui lòng ghi lý do khóa tài khoản.")})
    state = _state(user)
    state.locked, state.locked_reason = True, reason
    state.session_epoch += 1
    state._history_user = by
    state.save()
    AccountEvent.objects.create(user=user, kind=AccountEventKind.LOCKED, by=by, detail=reason[:255])
    return state


@transaction.atomic
def account_unlock(*, user, by) -> AccountState:
    """Mở khóa tài khoản."""
    state = _state(user)
    state.locked, state.locked_reason = False, ""
    state._history_user = by
    state.save()
    AccountEvent.objects.create(user=user, kind=AccountEventKind.UNLOCKED, by=by)
    return state


@transaction.atomic
def account_sessions_end(*, user, by, detail: str = "") -> None:
    """Kết thúc mọi phiên đăng nhập của tài khoản."""
    end_sessions_for({user.pk}, by=by, detail=detail)


@transaction.atomic
def account_otp_reset(*, user, by) -> int:
    """Quản trị khôi phục xác thực hai lớp — remove the user's devices (they enrol again at next login),
    end their sessions; audited."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    n = TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0]
    AccountEvent.objects.create(user=user, kind=AccountEventKind.OTP_RESET, by=by)
    end_sessions_for({user.pk}, by=by, detail="OTP reset")
    return n


def account_event(*, user, kind: str, by=None, detail: str = "") -> AccountEvent:
    return AccountEvent.objects.create(user=user, kind=kind, by=by, detail=detail[:255])
