"""Dashboards of the roll-ups. Every view starts with the scoped loader (404 outside the subtree)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from organizations.selectors import scope_roots

from . import exports, selectors
from .models import Stage


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard of the top organisation the user reads; members without a position go home."""
    roots = scope_roots(user=request.user)
    if not roots:
        return redirect("home")
    return redirect("rollups:dashboard", org_id=roots[0].pk)


def _year_stage(request: HttpRequest) -> tuple[int, str]:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = selectors.default_year()
    if not 2000 <= year <= 2100:
        year = selectors.default_year()
    stage = request.GET.get("stage", "")
    if stage not in Stage.values:
        stage = selectors.default_stage(year)
    return year, stage


def _context(request: HttpRequest, org_id: int) -> dict:
    year, stage = _year_stage(request)
    board, ancestors = selectors.dashboard_load(user=request.user, org_id=org_id, year=year, stage=stage)
    org = board.org
    if org.is_cell and selectors.may_see_members(user=request.user, org=org):
        board.members = selectors.cell_member_rows(cell=org, year=year)
    from reviews.selectors import redecision_total

    return {
        "org": org,
        "board": board,
        # decided results a later fact broke (reviews' "needs re-decision"), live: one query
        "redecision_total": redecision_total(org, year),
        "ancestors": ancestors,
        "stages": Stage.choices,
        "years": [year - 1, year, year + 1],
    }


@login_required
def dashboard(request: HttpRequest, org_id: int) -> HttpResponse:
    return render(request, "rollups/dashboard.html", _context(request, org_id))


@login_required
def printable(request: HttpRequest, org_id: int) -> HttpResponse:
    """A4 page of the summary tables; `?pdf=1` renders the same page to PDF with WeasyPrint."""
    context = _context(request, org_id)
    if request.GET.get("pdf"):
        return exports.pdf_response(request, "rollups/print.html", context)
    return render(request, "rollups/print.html", context)


@login_required
def export_xlsx(request: HttpRequest, org_id: int) -> HttpResponse:
    context = _context(request, org_id)
    return exports.xlsx_response(context["board"])
