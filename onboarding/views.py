"""Import and reorganisation pages. Thin: a scoped loader, a form, one service call."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.params import page_number
from core.spreadsheet import csv_row

from . import selectors
from .columns import MEMBER_COLUMNS, ORG_COLUMNS
from .forms import ImportUploadForm, ReorganisationForm
from .services import imports, reorg
from .workbook import template_workbook

REPORT_PAGE = 200


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    selectors.import_scope_required(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = imports.import_job_create(user=request.user, file_name=upload.name, content=upload.read())
        except ValidationError as exc:
            form.add_error("file", exc.messages[0])
        else:
            return redirect("onboarding:job", pk=job.pk)
    jobs = selectors.import_jobs_for(user=request.user)[:20]
    context = {"form": form, "jobs": jobs, "member_columns": MEMBER_COLUMNS, "org_columns": ORG_COLUMNS}
    return render(request, "onboarding/import.html", context)


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_job_get_for_user(user=request.user, pk=pk, with_report=True)
    report = job.report or {}
    errors = Paginator(report.get("errors", []), REPORT_PAGE).get_page(page_number(request.GET.get("loi")))
    rows = Paginator(report.get("rows", []), REPORT_PAGE).get_page(page_number(request.GET.get("dong")))
    return render(request, "onboarding/job.html", {"job": job, "errors": errors, "rows": rows})


@login_required
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by htmx while the job runs; asks the page to reload once it is done."""
    job = selectors.import_job_get_for_user(user=request.user, pk=pk)
    response = render(request, "onboarding/_progress.html", {"job": job})
    if not job.is_running and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def job_apply(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_job_get_for_user(user=request.user, pk=pk)
    try:
        imports.import_job_request_apply(job=job, user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("onboarding:job", pk=job.pk)


@login_required
def job_report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_job_get_for_user(user=request.user, pk=pk, with_report=True)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bao-cao-nhap-{job.pk}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
    writer = csv.writer(response)
    writer.writerow(csv_row([_("Trang"), _("Dòng"), _("Kết quả"), _("Khóa"), _("Tên"), _("Cột"), _("Lỗi")]))
    for e in (job.report or {}).get("errors", []):
        writer.writerow(csv_row([e["sheet"], e["line"], _("lỗi"), "", "", e["column"], e["message"]]))
    labels = {"create": _("tạo mới"), "update": _("cập nhật"), "unchanged": _("không đổi")}
    for sheet, line, action, key, name, *rest in (job.report or {}).get("rows", []):
        changes = "; ".join(f"{label}: {old} → {new}" for label, old, new in (rest[0] if rest else []))
        writer.writerow(csv_row([sheet, line, labels.get(action, action), key, name, changes, ""]))
    return response


@login_required
def template_download(request: HttpRequest) -> HttpResponse:
    selectors.import_scope_required(request.user)
    response = HttpResponse(
        template_workbook(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-du-lieu-tu-soi.xlsx"'
    return response


@login_required
def reorganise(request: HttpRequest) -> HttpResponse:
    scope = selectors.import_scope_required(request.user)
    form = ReorganisationForm(request.POST or None, scope=scope)
    preview = None
    if request.method == "POST" and form.is_valid():
        kind, kwargs = form.cleaned_data["kind"], form.cleaned_data["kwargs"] | {"user": request.user}
        try:
            if request.POST.get("action") == "apply":
                record = reorg.OPERATIONS[kind](**kwargs)
                messages.success(
                    request,
                    _("Đã thực hiện %(kind)s; %(n)s đảng viên chuyển sinh hoạt.")
                    % {"kind": record.get_kind_display().lower(), "n": record.members_moved},
                )
                return redirect("onboarding:reorganisations")
            preview = reorg.reorganisation_preview(kind=kind, **kwargs)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
    return render(request, "onboarding/reorganise.html", {"form": form, "preview": preview})


@login_required
def reorganisations(request: HttpRequest) -> HttpResponse:
    selectors.import_scope_required(request.user)
    records = Paginator(selectors.reorganisations_for(user=request.user), 50).get_page(
        page_number(request.GET.get("trang"))
    )
    return render(request, "onboarding/reorganisations.html", {"records": records})
