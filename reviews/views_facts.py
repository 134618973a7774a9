"""Pages for the recorded facts of issue 10: official conclusions of manifestations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from organizations.models import Organization
from organizations.selectors import (
    member_get_for_user,
    organization_ancestors,
    organization_get_for_user,
    user_scope,
)

from . import selectors as sel
from . import services
from .forms_facts import ConclusionForm, ExemptionForm, OrgDisciplineForm


def _competent_bodies(user, org: Organization, *, strictly_above: bool = False):
    """The standing / inspection committees the user sits on, at (or strictly) above `org`."""
    paths = [p for k, p, _ in user_scope(user).positions if k in sel.DISCIPLINE_KINDS and org.path.startswith(p)]
    if strictly_above:
        paths = [p for p in paths if p != org.path]
    return Organization.objects.filter(path__in=paths).order_by("-depth")


def _form_errors(form, exc: ValidationError) -> None:
    groups = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
    for field, errors in groups.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error.messages[0])


@login_required
def conclusion(request: HttpRequest, member_id: int) -> HttpResponse:
    member = member_get_for_user(user=request.user, pk=member_id)  # 404 outside the user's scope
    if member.cell is None or not sel.can_enter_discipline(request.user, member.cell):
        raise PermissionDenied
    bodies = _competent_bodies(request.user, member.cell)
    form = ConclusionForm(request.POST or None, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.conclusion_record_create(member=member, user=request.user, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận kết luận có biểu hiện suy thoái."))
            return redirect("organizations:member", pk=member.pk)
    context = {
        "member": member,
        "form": form,
        "records": member.conclusions.select_related("concluded_by").prefetch_related("indicators"),
        "ancestors": organization_ancestors(org=member.cell) + [member.cell],
    }
    return render(request, "reviews/conclusion.html", context)


@login_required
def exemption(request: HttpRequest, member_id: int) -> HttpResponse:
    """Quyết định miễn / đình chỉ sinh hoạt đảng — the fact a "not graded" reason is checked against."""
    member = member_get_for_user(user=request.user, pk=member_id)
    if member.cell is None or not sel.can_enter_discipline(request.user, member.cell):
        raise PermissionDenied
    form = ExemptionForm(request.POST or None, bodies=_competent_bodies(request.user, member.cell))
    if request.method == "POST" and form.is_valid():
        try:
            services.exemption_record_create(member=member, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận quyết định."))
            return redirect("organizations:member", pk=member.pk)
    records = [
        f"{r.get_kind_display()} — {r.decision_number} ({r.valid_from:%d/%m/%Y}–{r.valid_to:%d/%m/%Y}, {r.decided_by})"
        if r.valid_to
        else f"{r.get_kind_display()} — {r.decision_number} ({r.valid_from:%d/%m/%Y}–, {r.decided_by})"
        for r in member.exemptions.select_related("decided_by")
    ]
    return render(
        request,
        "reviews/fact_form.html",
        {
            "title": _("Miễn, đình chỉ sinh hoạt đảng"),
            "subject": member.full_name,
            "intro": _("Lý do “không xếp loại” được đối chiếu với các quyết định này."),
            "records": records,
            "form": form,
            "button": _("Ghi nhận quyết định"),
            "ancestors": organization_ancestors(org=member.cell) + [member.cell],
        },
    )


@login_required
def org_discipline(request: HttpRequest, org_id: int) -> HttpResponse:
    """Kỷ luật tổ chức đảng — counts for QĐ 124's > 20 % and QĐ 366's EXCELLENT rule."""
    org = organization_get_for_user(user=request.user, pk=org_id)
    bodies = _competent_bodies(request.user, org, strictly_above=True)
    if not bodies.exists():
        raise PermissionDenied
    form = OrgDisciplineForm(request.POST or None, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        try:
            services.org_discipline_record_create(organization=org, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận quyết định."))
            return redirect("organizations:detail", pk=org.pk)
    records = [
        f"{r.get_kind_display()} — {r.decision_number} ({r.decided_on:%d/%m/%Y}, {r.counts_for_year}): {r.violation}"
        for r in org.discipline_records.all()
    ]
    return render(
        request,
        "reviews/fact_form.html",
        {
            "title": _("Kỷ luật tổ chức đảng"),
            "subject": org.name,
            "intro": _("Tập thể bị kỷ luật trong năm: tổ chức chỉ được xếp loại Không hoàn thành nhiệm vụ."),
            "records": records,
            "form": form,
            "button": _("Ghi nhận quyết định kỷ luật"),
            "ancestors": organization_ancestors(org=org),
        },
    )
