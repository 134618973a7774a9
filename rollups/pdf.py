"""The dashboards' PDF: WeasyPrint takes seconds for a province (a 350-row table), so it is rendered
by a task on the `exports` queue and cached under the roll-up rows' `updated_at`.

The first request for a PDF not yet cached queues the task (once: a marker in the cache) and gets a
page saying it is being prepared, which reloads itself; the reload after the task has finished gets
the PDF. With tasks run in-process (tests, `make run`) the first request gets the PDF at once. Pages
listing a cell's members are small, never cached, and rendered in the request.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

PDF_TTL = 7 * 24 * 3600
JOB_TTL = 10 * 60  # a task that died leaves its marker this long; the next request queues it again
TEMPLATE = "rollups/print.html"


def print_context(*, user, org_id: int, year: int, stage: str) -> dict:
    """The dashboard's context for `user` (Http404 outside their scope)."""
    from . import selectors
    from .models import Stage

    board, ancestors = selectors.dashboard_load(user=user, org_id=org_id, year=year, stage=stage)
    org = board.org
    if org.is_cell and selectors.may_see_members(user=user, org=org):
        board.members = selectors.cell_member_rows(cell=org, year=year)
    return {
        "org": org,
        "board": board,
        # read live by the loader's single statement; a key of the dashboard's cached fragment
        "redecision_total": board.redecision_total,
        "ancestors": ancestors,
        "stages": Stage.choices,
        "years": [year - 1, year, year + 1],
    }


def pdf_key(context: dict) -> str | None:
    board = context["board"]
    if board.as_of is None or board.members is not None:
        return None
    return f"tusoi:pdf:{TEMPLATE}:{board.cache_key}"


def pdf_render(context: dict, request=None) -> bytes:
    from weasyprint import HTML  # heavy import, only where a PDF is made

    html = render_to_string(TEMPLATE, context, request=request)
    return HTML(string=html, base_url=request.build_absolute_uri("/") if request else None).write_pdf()


def pdf_make(*, user, org_id: int, year: int, stage: str) -> str | None:
    """Render and cache one dashboard's PDF (the task's body); returns its cache key."""
    context = print_context(user=user, org_id=org_id, year=year, stage=stage)
    key = pdf_key(context)
    try:
        if key and cache.get(key) is None:
            cache.set(key, pdf_render(context), PDF_TTL)
    finally:
        if key:
            cache.delete(_job_key(key))
    return key


def _in_process() -> bool:
    """No broker (tests, `make run`): the task would run in this process anyway."""
    from config.celery import app

    return bool(app.conf.task_always_eager)


def _job_key(key: str) -> str:
    return f"{key}:job"


def pdf_response(request, context: dict) -> HttpResponse:
    key = pdf_key(context)
    pdf = cache.get(key) if key else None
    if pdf is None and (key is None or _in_process()):
        pdf = pdf_render(context, request)
        if key:
            cache.set(key, pdf, PDF_TTL)
    if pdf is None:
        started = timezone.now()
        if cache.add(_job_key(key), started.isoformat(), JOB_TTL):
            from core.outbox import enqueue_task

            from .tasks import dashboard_pdf

            board = context["board"]
            kwargs = {"user_id": request.user.pk, "org_id": board.org.pk, "year": board.year, "stage": board.stage}
            enqueue_task(dashboard_pdf, kwargs=kwargs)
        pdf = cache.get(key)  # tasks run in-process: already there
    if pdf is None:
        since = cache.get(_job_key(key))
        waiting = {**context, "since": since and timezone.datetime.fromisoformat(since)}
        return render(request, "rollups/pdf_wait.html", waiting, status=202)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="tong-hop-{context["org"].pk}-{context["board"].year}.pdf"'
    return response
