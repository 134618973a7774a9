"""Session bookkeeping: the epoch (bumped to end every session of a user), the idle clock, and the
second-factor flag, all stamped at login so ordinary requests add no query."""

from __future__ import annotations

import time

from django.conf import settings
from django.db.models import F

EPOCH_KEY = "acct_epoch"
SEEN_KEY = "acct_seen"
OTP_KEY = "acct_otp"  # "required" (role) or "enrolled" (optional, has a device)
OTP_REQUIRED = "required"
OTP_ENROLLED = "enrolled"


def epoch_of(user) -> int:
    from .backends import _related

    state = _related(user, "account_state")
    return state.session_epoch if state is not None else 0


def two_factor_required(user) -> bool:
    """Staff (when the setting says so) and holders of an open position of a listed kind."""
    if settings.TWO_FACTOR_REQUIRED_FOR_STAFF and (user.is_staff or user.is_superuser):
        return True
    kinds = list(settings.TWO_FACTOR_REQUIRED_POSITIONS)
    if not kinds:
        return False
    from django.utils import timezone

    from organizations.models import Position
    from organizations.selectors import positions_open_on

    return Position.objects.filter(positions_open_on(timezone.localdate()), user=user, kind__in=kinds).exists()


def has_device(user) -> bool:
    from django_otp import devices_for_user

    return any(True for _ in devices_for_user(user, confirmed=True))


def on_login(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    session = request.session
    session[EPOCH_KEY] = epoch_of(user)
    session[SEEN_KEY] = int(time.time())
    if two_factor_required(user):
        session[OTP_KEY] = OTP_REQUIRED
    elif has_device(user):
        session[OTP_KEY] = OTP_ENROLLED
    else:
        session.pop(OTP_KEY, None)


def end_sessions_for(user_ids: set[int], *, by=None, detail: str = "") -> None:
    """Bump the epoch of each user: every open session fails its next request."""
    from .models import AccountEvent, AccountEventKind, AccountState

    existing = set(AccountState.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True))
    AccountState.objects.bulk_create([AccountState(user_id=i) for i in user_ids - existing], ignore_conflicts=True)
    AccountState.objects.filter(user_id__in=user_ids).update(session_epoch=F("session_epoch") + 1)
    AccountEvent.objects.bulk_create(
        [
            AccountEvent(user_id=i, kind=AccountEventKind.SESSIONS_ENDED, by=by, detail=detail or "Quyền truy cập thay đổi")
            for i in user_ids
        ]
    )
