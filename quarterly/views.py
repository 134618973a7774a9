"""Quarterly evaluation pages: the leader's own quarters; the managing body's decisions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Member
from organizations.selectors import organization_ancestors, organization_get_for_user, user_scope
from reviews.selectors import can_decide

from . import selectors as sel
from . import services
from .forms import DecideForm, QuarterForm, SelfForm
from .messages import ROMAN
from .models import QUARTERS, QuarterlyStatus


def _year_quarter(request) -> tuple[int, int]:
    form = QuarterForm(request.GET)
    today = timezone.localdate()
    data = form.cleaned_data if form.is_valid() else {}
    return data.get("nam") or today.year, data.get("quy") or (today.month - 1) // 3 + 1


@login_required
def my_quarters(request: HttpRequest) -> HttpResponse:
    scope = user_scope(request.user)
    member = Member.objects.select_related("cell").filter(pk=scope.member_id).first() if scope.member_id else None
    if member is None or member.cell is None:
        raise Http404
    year, quarter = _year_quarter(request)
    cycle = sel.cycle_for(member.cell, year)
    position = sel.leader_position(member)
    evaluations = sel.evaluations_of(member, year)
    current = evaluations.get(quarter)
    editable = (
        position is not None
        and cycle is not None
        and (current is None or current.status in (QuarterlyStatus.DRAFT, QuarterlyStatus.RETURNED))
    )
    initial = {f: getattr(current, f) for f in ("tasks", "results", "self_score", "self_grade")} if current else {}
    form = SelfForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if cycle is None:
            raise Http404
        if form.is_valid():
            try:
                services.quarterly_self_save(
                    member=member,
                    cycle=cycle,
                    quarter=quarter,
                    data=services.QuarterlyInput(
                        **{k: v or ("" if k != "self_score" else None) for k, v in form.cleaned_data.items()}
                    ),
                    submit="submit" in request.POST,
                    user=request.user,
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errs in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errs)
                else:
                    form.add_error(None, exc.messages)
            else:
                messages.success(
                    request, _("Đã nộp bản tự đánh giá quý.") if "submit" in request.POST else _("Đã lưu bản nháp.")
                )
                return redirect(f"{reverse('quarterly:my')}?nam={year}&quy={quarter}")
    context = {
        "member": member,
        "cycle": cycle,
        "year": year,
        "quarter": quarter,
        "roman": ROMAN,
        "position": position,
        "quarters": [
            {"q": q, "roman": ROMAN[q], "e": evaluations.get(q), "deadline": cycle.deadline(q) if cycle else None}
            for q in QUARTERS
        ],
        "current": current,
        "form": form,
        "editable": editable,
    }
    return render(request, "quarterly/my.html", context)


@login_required
def manager(request: HttpRequest, org_id: int) -> HttpResponse:
    org = organization_get_for_user(user=request.user, pk=org_id)
    year, _quarter = _year_quarter(request)
    allowed = can_decide(request.user, org)
    errors: list[str] = []
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        form = DecideForm(request.POST)
        if not form.is_valid():
            return HttpResponse(_("Yêu cầu không hợp lệ."), status=400)
        d = form.cleaned_data
        evaluation = sel.evaluation_get_for_user(user=request.user, pk=d["evaluation"])
        if evaluation.manager_id != org.pk:
            raise Http404
        try:
            if d["action"] == "decide":
                services.quarterly_decide(
                    evaluation=evaluation, grade=d["grade"], score=d["score"], note=d["note"], user=request.user
                )
                messages.success(
                    request,
                    _("Đã đánh giá quý %(q)s của đồng chí %(n)s.")
                    % {"q": ROMAN[evaluation.quarter], "n": evaluation.member.full_name},
                )
            else:
                services.quarterly_return(evaluation=evaluation, reason=d["note"], user=request.user)
                messages.success(request, _("Đã trả lại bản tự đánh giá."))
        except ValidationError as exc:
            errors = [str(m) for m in exc.messages]
        else:
            return redirect(f"{reverse('quarterly:manager', args=[org.pk])}?nam={year}")
    context = {
        "org": org,
        "year": year,
        "allowed": allowed,
        "errors": errors,
        "rows": sel.managed_evaluations(manager=org, year=year),
        "roman": ROMAN,
        "grade_choices": DecideForm.base_fields["grade"].choices,
        "rollup": sel.quarterly_rollup(org=org, year=year),
        "ancestors": organization_ancestors(org=org),
    }
    return render(request, "quarterly/manager.html", context)


@login_required
def rollup(request: HttpRequest, org_id: int) -> HttpResponse:
    """The dashboard's quarterly block (htmx fragment): leaders evaluated and grades per quarter."""
    org = organization_get_for_user(user=request.user, pk=org_id)
    year, _quarter = _year_quarter(request)
    return render(
        request,
        "quarterly/_rollup.html",
        {"org": org, "year": year, "rollup": sel.quarterly_rollup(org=org, year=year)},
    )
