"""Request id + one structured log line per request; the outbox notice after a save; the language."""

from __future__ import annotations

import logging
import re
import time
import uuid

from django.conf import settings
from django.contrib import messages
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from .logs import request_id_var

log = logging.getLogger("tusoi.request")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestLogMiddleware:
    """Takes X-Request-ID from the proxy (or makes one), logs method, path, status, time, user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            user = getattr(request, "user", None)
            log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class OutboxNoticeMiddleware:
    """A save that queued background work (e.g. roll-up refreshes) tells the user the numbers follow."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .outbox import TOPICS, recorded_topics

        token = recorded_topics.set(frozenset())
        try:
            response = self.get_response(request)
            notices = {str(TOPICS[t].notice) for t in recorded_topics.get() if t in TOPICS and TOPICS[t].notice}
            if notices and request.method == "POST" and response.status_code < 400:
                for notice in sorted(notices):
                    messages.info(request, notice)
            return response
        finally:
            recorded_topics.reset(token)


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, minus the browser's Accept-Language.

    The product is Vietnamese first: a browser set to English still gets Vietnamese until the user
    picks English in the language menu (Django's `set_language` view stores that choice in the
    language cookie, which is read here and kept for `LANGUAGE_COOKIE_AGE`).
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        code = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()
