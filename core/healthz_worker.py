"""Gate of the worker round trip of /healthz (`?worker=1`).

The round trip queues a task and waits up to 5 s for its answer, so anonymous callers could tie up
web workers with it. It needs either the monitoring token (setting HEALTHZ_WORKER_TOKEN, from the
environment; sent as the `X-Healthz-Token` header or `?token=`) or a staff session, and it is
rate-limited across all web processes by a counter in the cache (Redis in production):
HEALTHZ_WORKER_PER_MINUTE probes per minute. Plain /healthz is untouched and stays cheap.
"""

from __future__ import annotations

import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse

RATE_KEY = "healthz:worker:{minute}"


def _token_ok(request: HttpRequest) -> bool:
    expected = getattr(settings, "HEALTHZ_WORKER_TOKEN", "")
    given = request.headers.get("X-Healthz-Token") or request.GET.get("token", "")
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def _staff(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and user.is_staff)


def _within_rate() -> bool:
    limit = getattr(settings, "HEALTHZ_WORKER_PER_MINUTE", 6)
    key = RATE_KEY.format(minute=int(time.time() // 60))
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    return count <= limit


def worker_probe_refusal(request: HttpRequest) -> JsonResponse | None:
    """None when the caller may run the worker round trip now; otherwise the answer to send."""
    if not (_token_ok(request) or _staff(request)):
        return JsonResponse(
            {"status": "forbidden", "detail": "the worker probe needs the monitoring token or a staff session"},
            status=403,
        )
    if not _within_rate():
        response = JsonResponse({"status": "rate-limited", "detail": "too many worker probes; retry later"}, status=429)
        response["Retry-After"] = "60"
        return response
    return None
