"""Every authenticated request: the session epoch still matches (else the session ended), the idle
clock (30 minutes for second-factor roles, 8 hours otherwise, from settings), and the second factor
for users who need it (everything but the second-factor pages themselves waits for it).

No query on an ordinary request: the epoch comes with the user row (the backend joins it in), the idle
stamp and the optional-second-factor flag were put in the session at login, and the roles come from the
request's scope, which the navigation computes anyway.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .sessions import EPOCH_KEY, OTP_ENROLLED, OTP_KEY, SEEN_KEY, epoch_of

SEEN_RESOLUTION = 60  # seconds: the idle stamp is rewritten at most once a minute
OPEN_PREFIXES = ("/static/", "/healthz", "/i18n/", "/dang-xuat/", "/xac-thuc/", "/kich-hoat/", "/quen-mat-khau/")


class AccountGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self._guard(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _end(self, request, message: str):
        logout(request)
        messages.info(request, message)
        return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")

    def _guard(self, request, user):
        session = request.session
        if session.get(EPOCH_KEY) != epoch_of(user):  # also a session opened before this check existed
            return self._end(request, _("Phiên đăng nhập đã kết thúc vì quyền truy cập của tài khoản thay đổi. Đề nghị đăng nhập lại."))
        required = two_factor_required_now(user)
        now = int(time.time())
        seen = session.get(SEEN_KEY, now)
        idle = now - seen
        limit = settings.SESSION_IDLE_SECONDS_TWO_FACTOR if required else settings.SESSION_IDLE_SECONDS
        if idle > limit:
            return self._end(request, _("Phiên làm việc đã hết hạn vì lâu không thao tác. Đề nghị đăng nhập lại."))
        if idle >= SEEN_RESOLUTION or SEEN_KEY not in session:
            session[SEEN_KEY] = now
        wants_otp = required or session.get(OTP_KEY) == OTP_ENROLLED
        if wants_otp and not request.path.startswith(OPEN_PREFIXES) and not user.is_verified():
            from django_otp import devices_for_user

            has_device = any(True for _d in devices_for_user(user, confirmed=True))
            target = "accounts:otp_verify" if has_device else "accounts:otp_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return None


def two_factor_required_now(user) -> bool:
    """From the request's scope (computed once per request and used by the navigation anyway), so a
    position given during a session takes effect at once; no query while the setting lists nothing."""
    if settings.TWO_FACTOR_REQUIRED_FOR_STAFF and (user.is_staff or user.is_superuser):
        return True
    kinds = set(settings.TWO_FACTOR_REQUIRED_POSITIONS)
    if not kinds:
        return False
    from organizations.selectors import user_scope

    return any(kind in kinds for kind, _path, _org in user_scope(user).positions)
