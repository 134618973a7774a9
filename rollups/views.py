"""Dashboards of the roll-ups. Every view starts with the scoped loader (404 outside the subtree)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.db_router import reads_from_replica
from core.params import parse_year
from organizations.selectors import scope_roots

from . import exports, pdf, selectors
from .models import Stage


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard of the top organisation the user reads; members without a position go home."""
    roots = scope_roots(user=request.user)
    if not roots:
        return redirect("home")
    return redirect("rollups:dashboard", org_id=roots[0].pk)


def _year_stage(request: HttpRequest) -> tuple[int, str]:
    year = parse_year(request.GET.get("year")) or selectors.default_year()
    stage = request.GET.get("stage", "")
    if stage not in Stage.values:
        stage = selectors.default_stage(year)
    return year, stage


def _context(request: HttpRequest, org_id: int) -> dict:
    year, stage = _year_stage(request)
    return pdf.print_context(user=request.user, org_id=org_id, year=year, stage=stage)


@login_required
@reads_from_replica
def dashboard(request: HttpRequest, org_id: int) -> HttpResponse:
    return render(request, "rollups/dashboard.html", _context(request, org_id))


@login_required
@reads_from_replica
def printable(request: HttpRequest, org_id: int) -> HttpResponse:
    """A4 page of the summary tables; `?pdf=1` renders the same page to PDF with WeasyPrint."""
    context = _context(request, org_id)
    if request.GET.get("pdf"):
        return pdf.pdf_response(request, context)
    return render(request, "rollups/print.html", context)


@login_required
@reads_from_replica
def export_xlsx(request: HttpRequest, org_id: int) -> HttpResponse:
    context = _context(request, org_id)
    return exports.xlsx_response(context["board"])
