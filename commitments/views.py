"""Commitment pages. Every view starts with a scoped loader: 404 outside scope, 403 for read-only roles."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.db_router import reads_from_replica
from core.forms import form_add_errors
from core.params import id_list_or_400, year_or_400
from organizations.models import Organization
from organizations.selectors import organization_ancestors, organization_get_for_user

from . import selectors, services
from .forms import MSG_FOREIGN_ACTION, CommitmentForm, ProgressFormSet, ReasonForm, action_formset
from .models import Commitment, CommitmentStatus
from .selectors import NOT_STARTED


def _history(commitment: Commitment) -> list:
    """Status changes, oldest first, with who made them (the audit trail shown to readers)."""
    records = list(commitment.history.select_related("history_user").order_by("history_date", "history_id"))
    trail, last = [], None
    for rec in records:
        if rec.status != last:
            trail.append(rec)
            last = rec.status
    return trail


def _crumbs(commitment: Commitment) -> list[Organization]:
    cell = commitment.member.cell
    return [*organization_ancestors(org=cell), cell] if cell else []


# --- the member's own commitment ----------------------------------------------------------------------


@login_required
def my_commitment(request: HttpRequest) -> HttpResponse:
    member = selectors.member_of_user(user=request.user)
    cycle = selectors.cycle_for_org(org=member.cell)
    if cycle is None:
        upcoming = selectors.cycle_next_for_org(org=member.cell)
        return render(request, "commitments/no_cycle.html", {"member": member, "upcoming": upcoming})
    commitment = selectors.commitment_for_member(member=member, year=cycle.year)
    if commitment is not None and not commitment.is_editable:
        return redirect("commitments:detail", pk=commitment.pk)
    leader = bool(selectors.led_organizations(user=request.user))
    instance = commitment or Commitment(member=member, year=cycle.year, cycle=cycle)
    submitting = request.POST.get("action") == "submit"
    data = request.POST if request.method == "POST" else None
    form = CommitmentForm(data, instance=instance, submitting=submitting, leader=leader)
    formset = action_formset(data=data, commitment=instance, submitting=submitting)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            saved = services.commitment_save(
                member=member,
                cycle=cycle,
                content=form.content(),
                watched=form.cleaned_data["watched_indicators"],
                actions=formset.action_inputs(),
                submit=submitting,
                by=request.user,
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            if submitting:
                messages.success(request, _("Đã nộp bản cam kết cho chi bộ."))
                return redirect("commitments:detail", pk=saved.pk)
            messages.success(request, _("Đã lưu bản nháp."))
            return redirect("commitments:my")
    if request.method == "POST":
        messages.error(request, _("Chưa lưu được: vui lòng xem các ô được đánh dấu đỏ."))
    context = {
        "member": member,
        "cycle": cycle,
        "commitment": commitment,
        "form": form,
        "formset": formset,
        "leader": leader,
        "overdue": timezone.localdate() > cycle.deadline,
    }
    return render(request, "commitments/my.html", context, status=400 if request.method == "POST" else 200)


@login_required
def my_progress(request: HttpRequest) -> HttpResponse:
    member = selectors.member_of_user(user=request.user)
    cycle = selectors.cycle_for_org(org=member.cell)
    commitment = selectors.commitment_for_member(member=member, year=cycle.year) if cycle else None
    if commitment is None or commitment.status not in selectors.SUBMITTED_STATUSES:
        messages.info(request, _("Báo cáo tiến độ sau khi đã nộp bản cam kết."))
        return redirect("commitments:my")
    queryset = commitment.actions.order_by("id")
    formset = ProgressFormSet(request.POST or None, queryset=queryset, prefix="progress")
    valid = request.method == "POST" and formset.is_valid()
    if formset.foreign_rows:
        raise BadRequest(MSG_FOREIGN_ACTION)
    if valid:
        for form in formset.forms:
            if form.has_changed():
                services.commitment_action_record_progress(
                    action=form.instance,
                    progress=form.cleaned_data["progress"],
                    note=form.cleaned_data["progress_note"],
                    by=request.user,
                )
        messages.success(request, _("Đã cập nhật tiến độ."))
        return redirect("commitments:detail", pk=commitment.pk)
    return render(request, "commitments/progress.html", {"commitment": commitment, "formset": formset})


# --- reading one commitment ---------------------------------------------------------------------------


@login_required
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = selectors.commitment_get_for_user(user=request.user, pk=pk)
    commitment = access.commitment
    context = {
        "access": access,
        "c": commitment,
        "member": commitment.member,
        "ancestors": _crumbs(commitment) if access.full else [],
        "actions": list(commitment.actions.order_by("id")) if access.full else [],
        "watched": list(commitment.watched_indicators.order_by("number")) if access.full else [],
        "trail": _history(commitment) if access.full else [],
        "reason_form": ReasonForm(),
    }
    return render(request, "commitments/detail.html", context)


@login_required
def commitment_print(request: HttpRequest, pk: int) -> HttpResponse:
    access = selectors.commitment_get_for_user(user=request.user, pk=pk)
    if not access.full:
        raise PermissionDenied
    return render(request, "commitments/print.html", _print_context(access.commitment))


@login_required
def commitment_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from django.template.loader import render_to_string
    from weasyprint import HTML

    access = selectors.commitment_get_for_user(user=request.user, pk=pk)
    if not access.full:
        raise PermissionDenied
    context = _print_context(access.commitment) | {"pdf": True}
    html = render_to_string("commitments/print.html", context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="cam-ket-{access.commitment.year}-{access.commitment.pk}.pdf"'
    return response


def _print_context(commitment: Commitment) -> dict:
    cell = commitment.member.cell
    parent = organization_ancestors(org=cell)[-1:] if cell else []
    return {
        "c": commitment,
        "member": commitment.member,
        "cell": cell,
        "parent": parent[0] if parent else None,
        "actions": list(commitment.actions.order_by("id")),
        "watched": list(commitment.watched_indicators.order_by("number")),
        "dated": commitment.submitted_at,
    }


# --- the cell secretary's actions ---------------------------------------------------------------------


def _for_action(request: HttpRequest, pk: int) -> Commitment:
    access = selectors.commitment_get_for_user(user=request.user, pk=pk)
    if not access.can_act:
        raise PermissionDenied
    return access.commitment


@login_required
@require_POST
def commitment_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = _for_action(request, pk)
    try:
        services.commitment_acknowledge(commitment=commitment, by=request.user)
        messages.success(request, _("Đã xác nhận bản cam kết của đồng chí %(name)s.") % {"name": commitment.member})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("commitments:cell", cell_id=commitment.member.cell_id)


@login_required
@require_POST
def commitment_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _with_reason(request, pk, services.commitment_return, _("Đã trả lại bản cam kết để sửa."))


@login_required
@require_POST
def commitment_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _with_reason(request, pk, services.commitment_reopen, _("Đã mở lại bản cam kết để đảng viên sửa."))


def _with_reason(request: HttpRequest, pk: int, service, done: str) -> HttpResponse:
    commitment = _for_action(request, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            service(commitment=commitment, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("commitments:cell", cell_id=commitment.member.cell_id)
    access = selectors.commitment_get_for_user(user=request.user, pk=pk)
    context = {
        "access": access,
        "c": access.commitment,
        "member": access.commitment.member,
        "ancestors": _crumbs(access.commitment),
        "actions": list(access.commitment.actions.order_by("id")),
        "watched": list(access.commitment.watched_indicators.order_by("number")),
        "trail": _history(access.commitment),
        "reason_form": form,
    }
    return render(request, "commitments/detail.html", context, status=400)


# --- the cell page ------------------------------------------------------------------------------------

FILTERS = [NOT_STARTED, *CommitmentStatus.values]


def _year(request: HttpRequest) -> int | None:
    """The year chosen with ?nam=…, or None for the latest open cycle; 400 for a malformed year."""
    return year_or_400(request.GET.get("nam"))


@login_required
def cell_commitments(request: HttpRequest, cell_id: int) -> HttpResponse:
    cell = selectors.cell_get_for_user(user=request.user, pk=cell_id)
    cycle = selectors.cycle_for_org(org=cell, year=_year(request))
    year = cycle.year if cycle else None
    summary = selectors.cell_commitment_rows(cell=cell, cycle=cycle, year=year) if year else None
    state = request.GET.get("trang-thai", "")
    rows = summary.rows if summary else []
    if state in FILTERS:
        rows = [r for r in rows if r.state == state]
    labels = {NOT_STARTED: _("Chưa bắt đầu"), **dict(CommitmentStatus.choices)}
    context = {
        "org": cell,
        "cell": cell,
        "cycle": cycle,
        "summary": summary,
        "rows": rows,
        "state": state,
        "filters": [(key, labels[key], summary.counts.get(key, 0) if summary else 0) for key in FILTERS],
        "labels": labels,
        "can_act": selectors.can_act_on_cell(user=request.user, cell=cell),
        "on_behalf_states": (NOT_STARTED, CommitmentStatus.DRAFT, CommitmentStatus.RETURNED),
        "years": selectors.cycle_years_for_org(org=cell),
        "ancestors": organization_ancestors(org=cell),
    }
    return render(request, "commitments/cell.html", context)


@login_required
def cell_progress(request: HttpRequest, cell_id: int) -> HttpResponse:
    """Progress on every registered action of the cell, for the monthly meeting."""
    cell = selectors.cell_get_for_user(user=request.user, pk=cell_id)
    cycle = selectors.cycle_for_org(org=cell)
    actions = list(selectors.cell_actions(cell=cell, year=cycle.year)) if cycle else []
    context = {
        "org": cell,
        "cell": cell,
        "cycle": cycle,
        "actions": actions,
        "ancestors": organization_ancestors(org=cell),
    }
    return render(request, "commitments/cell_progress.html", context)


@login_required
@require_POST
def cell_acknowledge_bulk(request: HttpRequest, cell_id: int) -> HttpResponse:
    cell = selectors.cell_get_for_user(user=request.user, pk=cell_id)
    if not selectors.can_act_on_cell(user=request.user, cell=cell):
        raise PermissionDenied
    year = year_or_400(request.POST.get("nam"))
    ids = id_list_or_400(request.POST.getlist("ids"))
    cycle = selectors.cycle_for_org(org=cell, year=year)
    if cycle is None or not ids:
        messages.warning(request, _("Chưa chọn bản cam kết nào."))
    else:
        n = services.commitments_acknowledge_bulk(cell=cell, ids=ids, year=cycle.year, by=request.user)
        messages.success(request, _("Đã xác nhận %(n)d bản cam kết.") % {"n": n})
    return redirect(reverse("commitments:cell", args=[cell.pk]) + (f"?nam={cycle.year}" if cycle else ""))


# --- completeness for superior committees ------------------------------------------------------------


@login_required
@reads_from_replica
def organization_completeness(request: HttpRequest, org_id: int) -> HttpResponse:
    org = organization_get_for_user(user=request.user, pk=org_id)
    if org.is_cell:
        return redirect("commitments:cell", cell_id=org.pk)
    cycle = selectors.cycle_for_org(org=org, year=_year(request))
    table = selectors.completeness_children(org=org, cycle=cycle) if cycle else None
    context = {
        "org": org,
        "cycle": cycle,
        "table": table,
        "years": selectors.cycle_years_for_org(org=org),
        "ancestors": organization_ancestors(org=org),
    }
    return render(request, "commitments/completeness.html", context)


@login_required
def organization_exemplary(request: HttpRequest, org_id: int) -> HttpResponse:
    org: Organization = organization_get_for_user(user=request.user, pk=org_id)
    cycle = selectors.cycle_for_org(org=org)
    items = list(selectors.exemplary_for_org(org=org, year=cycle.year)) if cycle else []
    context = {"org": org, "cycle": cycle, "items": items, "ancestors": organization_ancestors(org=org)}
    return render(request, "commitments/exemplary.html", context)


# --- entry on a member's behalf (issue 11) ------------------------------------------------------------


@login_required
def commitment_on_behalf(request: HttpRequest, member_id: int) -> HttpResponse:
    """Nhập hộ: the cell secretary or deputy types a member's signed paper commitment."""
    from organizations.selectors import member_get_for_user

    from .forms import OnBehalfForm

    member = member_get_for_user(user=request.user, pk=member_id)  # 404 outside scope
    if not services.may_enter_on_behalf(user=request.user, member=member):
        raise PermissionDenied
    cycle = selectors.cycle_for_org(org=member.cell)
    if cycle is None:
        return render(request, "commitments/no_cycle.html", {"member": member, "upcoming": None})
    commitment = selectors.commitment_for_member(member=member, year=cycle.year)
    if commitment is not None and not commitment.is_editable:
        return redirect("commitments:detail", pk=commitment.pk)
    leader = bool(selectors.led_organizations(user=member.user)) if member.user else False
    instance = commitment or Commitment(member=member, year=cycle.year, cycle=cycle)
    submitting = request.POST.get("action") == "submit"
    data = request.POST if request.method == "POST" else None
    form = CommitmentForm(data, instance=instance, submitting=submitting, leader=leader)
    formset = action_formset(data=data, commitment=instance, submitting=submitting)
    paper_form = OnBehalfForm(data, request.FILES or None)
    if request.method == "POST" and form.is_valid() and formset.is_valid() and paper_form.is_valid():
        try:
            saved = services.commitment_save_on_behalf(
                member=member,
                cycle=cycle,
                content=form.content(),
                watched=form.cleaned_data["watched_indicators"],
                actions=formset.action_inputs(),
                submit=submitting,
                paper_signed=paper_form.cleaned_data["paper_signed"],
                scan=paper_form.cleaned_data.get("scan") or None,
                by=request.user,
            )
        except ValidationError as exc:
            by_field = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
            for name, errors in by_field.items():
                target = paper_form if name in paper_form.fields else form
                target.add_error(name if name in target.fields else None, errors)
        else:
            messages.success(request, _("Đã lưu bản cam kết nhập hộ đồng chí %(name)s.") % {"name": member})
            return redirect("commitments:detail", pk=saved.pk)
    if request.method == "POST":
        messages.error(request, _("Chưa lưu được: vui lòng xem các ô được đánh dấu đỏ."))
    context = {"member": member, "cycle": cycle, "form": form, "formset": formset, "paper_form": paper_form}
    return render(request, "commitments/on_behalf.html", context, status=400 if request.method == "POST" else 200)


@login_required
def commitment_scan(request: HttpRequest, pk: int) -> HttpResponse:
    """The scan of the signed paper, for those who may read the whole commitment."""
    from django.http import Http404

    access = selectors.commitment_get_for_user(user=request.user, pk=pk)
    if not access.full or not access.commitment.paper_scan:
        raise Http404
    from core.uploads import scan_response

    return scan_response(access.commitment.paper_scan)


@login_required
@require_POST
def commitment_correction(request: HttpRequest, pk: int) -> HttpResponse:
    """The member asks the secretary to correct what was entered on their behalf."""
    from .forms import CorrectionForm

    access = selectors.commitment_get_for_user(user=request.user, pk=pk)
    if not access.is_owner:
        raise PermissionDenied
    form = CorrectionForm(request.POST)
    if form.is_valid():
        services.commitment_correction_request(commitment=access.commitment, text=form.cleaned_data["text"], by=request.user)
        messages.success(request, _("Đã gửi đề nghị sửa cho chi bộ."))
    else:
        messages.error(request, " ".join(form.errors.get("text", [])))
    return redirect("commitments:detail", pk=pk)
