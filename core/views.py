"""Home dispatch, health check and language switch helpers."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from organizations.models import PositionKind
from organizations.selectors import scope_roots, user_scope

CELL_KINDS_OF_POSITION = {PositionKind.CELL_SECRETARY, PositionKind.CELL_DEPUTY}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each user to their work: secretary → cell, committee/inspection → dashboard, member → own page."""
    scope = user_scope(request.user)
    cell_positions = [oid for kind, _path, oid in scope.positions if kind in CELL_KINDS_OF_POSITION]
    other_positions = [p for p in scope.positions if p[0] not in CELL_KINDS_OF_POSITION]
    if cell_positions and not other_positions:
        return redirect("organizations:cell", pk=cell_positions[0])
    if other_positions or scope.is_superuser:
        roots = scope_roots(user=request.user)
        if len(roots) == 1:
            return redirect("organizations:detail", pk=roots[0].pk)
        return render(request, "core/home.html", {"roots": roots})
    if scope.member_id:
        return redirect("organizations:member", pk=scope.member_id)
    return render(request, "core/home.html", {"roots": []})


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 in Vietnamese; a BadRequest raised by core.params carries the message shown to the user."""
    from django.core.exceptions import BadRequest

    detail = str(exception) if isinstance(exception, BadRequest) and exception.args else ""
    return render(request, "400.html", {"detail": detail}, status=400)


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker answer, 503 naming the failing part."""
    if request.GET.get("worker"):  # the worker round trip: token or staff, rate-limited (healthz_worker)
        from .healthz_worker import worker_probe_refusal

        refusal = worker_probe_refusal(request)
        if refusal is not None:
            return refusal
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - report any failure as unhealthy
        checks["database"] = f"error: {exc.__class__.__name__}"
    checks["broker"] = _broker_status()
    outbox = None
    if checks["database"] == "ok":
        from .outbox import outbox_backlog

        outbox = outbox_backlog()
        too_old = outbox["oldest_seconds"] > settings.OUTBOX_MAX_AGE_SECONDS
        checks["outbox"] = f"error: backlog {outbox['oldest_seconds']:.0f} s old" if too_old else "ok"
    if request.GET.get("worker"):
        checks["worker"] = _worker_status()
    healthy = all(v == "ok" for v in checks.values())
    body = {"status": "ok" if healthy else "error", "checks": checks}
    if outbox is not None:
        body["outbox"] = outbox  # {"pending": n, "oldest_seconds": s}: the relay's backlog
    return JsonResponse(body, status=200 if healthy else 503)


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics (django-prometheus), for the internal token or an internal network only."""
    import ipaddress

    from django.http import Http404
    from django_prometheus.exports import ExportToDjangoView

    token = settings.METRICS_TOKEN
    authorised = bool(token) and request.headers.get("Authorization", "") == f"Bearer {token}"
    if not authorised:
        try:
            addr = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
            authorised = any(addr in ipaddress.ip_network(n, strict=False) for n in settings.METRICS_ALLOWED_NETWORKS)
        except ValueError:
            authorised = False
    if not authorised:
        raise Http404
    from .metrics import update_gauges

    update_gauges()
    return ExportToDjangoView(request)


def _broker_status() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "ok"  # embedded default: tasks run in-process, there is no broker to reach
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as exc:  # noqa: BLE001
        return f"error: {exc.__class__.__name__}"


def _worker_status() -> str:
    from .tasks import worker_ping

    token = uuid.uuid4().hex
    try:
        answer = worker_ping.delay(token).get(timeout=5)
    except Exception as exc:  # noqa: BLE001
        return f"error: {exc.__class__.__name__}"
    return "ok" if answer == f"pong:{token}" else "error: wrong answer"
