"""Pages of the review round. Each view loads through a scoped loader (404 outside scope), parses
its POST through a form, calls one service and renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from organizations.models import Member, Organization
from organizations.selectors import cell_get_for_user, organization_ancestors, organization_get_for_user
from reviews import selectors as rsel
from reviews.forms import YearForm
from reviews.models import MemberReview

from . import selectors as sel
from .forms import (
    AttendanceRowForm,
    CollectiveNoteForm,
    DecisionMinutesForm,
    MinutesHeaderForm,
    OpinionForm,
    ResidenceCommentForm,
    ResidenceRowForm,
)
from .models import MeetingKind
from .services import leadership, minutes, residence


def _cycle(org: Organization, request: HttpRequest):
    cycle = rsel.cycle_get(org, YearForm.year_of(request))
    if cycle is None:
        raise Http404(_("Chưa có đợt kiểm điểm cho năm này."))
    return cycle


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


# --- residence comments ---------------------------------------------------------------------------


@login_required
def residence_requests(request: HttpRequest, cell_id: int) -> HttpResponse:
    """The workplace cell: request a comment from each member's residence organisation (or mark exempt)."""
    posting = request.method == "POST"
    cell = cell_get_for_user(user=request.user, pk=cell_id, act=posting)
    cycle = _cycle(cell, request)
    members = list(Member.objects.filter(cell=cell).order_by("sort_key", "id"))
    existing = sel.residence_for_cell(cell=cell, year=cycle.year)
    choices = sel.residence_org_choices()
    forms_by = {
        m.pk: ResidenceRowForm(
            request.POST if posting else None,
            prefix=f"m{m.pk}",
            org_choices=choices,
            initial={
                "residence_org": existing[m.pk].residence_org_id if m.pk in existing else None,
                "exemption": existing[m.pk].exemption if m.pk in existing else "",
            },
        )
        for m in members
    }
    errors: list[str] = []
    if posting:
        if all(f.is_valid() for f in forms_by.values()):
            wanted_ids = {f.cleaned_data["residence_org"] for f in forms_by.values()} - {None}
            orgs = {o.pk: o for o in Organization.objects.filter(pk__in=wanted_ids)}
            wanted = [
                residence.ResidenceRequest(
                    member=m,
                    residence_org=orgs.get(forms_by[m.pk].cleaned_data["residence_org"]),
                    exemption=forms_by[m.pk].cleaned_data["exemption"],
                )
                for m in members
                if forms_by[m.pk].cleaned_data["send"] or forms_by[m.pk].cleaned_data["exemption"]
            ]
            try:
                residence.residence_request(cell=cell, year=cycle.year, requests=wanted, user=request.user)
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, _("Đã gửi đề nghị nhận xét nơi cư trú."))
                return redirect(f"{reverse('meetings:residence_requests', args=[cell.pk])}?nam={cycle.year}")
        else:
            errors = [_("Có ô nhập sai; xem các dòng được đánh dấu.")]
    rows = [{"member": m, "form": forms_by[m.pk], "comment": existing.get(m.pk)} for m in members]
    context = {
        "cell": cell,
        "cycle": cycle,
        "rows": rows,
        "errors": errors,
        "can_edit": rsel.can_edit_cell(request.user, cell),
        "ancestors": organization_ancestors(org=cell),
    }
    return render(request, "meetings/residence_requests.html", context)


@login_required
def residence_inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "meetings/residence_inbox.html", {"requests": list(sel.residence_inbox(user=request.user))})


@login_required
def residence_write(request: HttpRequest, pk: int) -> HttpResponse:
    comment = sel.residence_request_get_for_user(user=request.user, pk=pk)
    form = ResidenceCommentForm(request.POST or None, initial={"fulfilment": comment.fulfilment, "text": comment.text})
    if request.method == "POST" and form.is_valid():
        try:
            residence.residence_comment_write(comment=comment, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, _("Đã gửi nhận xét về chi bộ nơi đảng viên công tác."))
            return redirect("meetings:residence_inbox")
    return render(request, "meetings/residence_write.html", {"comment": comment, "form": form})


# --- minutes --------------------------------------------------------------------------------------


@login_required
def minutes_edit(request: HttpRequest, org_id: int) -> HttpResponse:
    posting = request.method == "POST"
    org = organization_get_for_user(user=request.user, pk=org_id)
    cycle = _cycle(org, request)
    if org.is_cell:
        return _cell_minutes(request, org, cycle, posting)
    return _decision_minutes(request, org, cycle, posting)


def _cell_minutes(request, cell, cycle, posting):
    if posting and not rsel.can_edit_cell(request.user, cell):
        raise PermissionDenied
    record = sel.minutes_get(org=cell, year=cycle.year, kind=MeetingKind.CELL_REVIEW)
    attendance = sel.attendance_of(record)
    members = minutes.summoned(cell)
    proposed = dict(MemberReview.objects.filter(cell=cell, year=cycle.year).values_list("member_id", "proposed_grade"))
    header = MinutesHeaderForm(request.POST if posting else None, initial=_header_initial(record))
    rows = []
    for m in members:
        a = attendance.get(m.pk)
        initial = {
            "present": a.present if a else True,
            "absence_reason": a.absence_reason if a else "",
            "voted_grade": a.voted_grade if a else proposed.get(m.pk, ""),
            "agree": a.agree if a else None,
        }
        rows.append(
            {
                "member": m,
                "form": AttendanceRowForm(request.POST if posting else None, prefix=f"m{m.pk}", initial=initial),
            }
        )
    errors: list[str] = []
    if posting:
        if header.is_valid() and all(r["form"].is_valid() for r in rows):
            try:
                minutes.cell_minutes_save(
                    cell=cell,
                    cycle=cycle,
                    header=minutes.MinutesHeader(**header.cleaned_data),
                    attendance={r["member"].pk: minutes.AttendanceInput(**r["form"].cleaned_data) for r in rows},
                    user=request.user,
                )
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, _("Đã lưu biên bản hội nghị chi bộ."))
                return redirect(f"{reverse('meetings:minutes', args=[cell.pk])}?nam={cycle.year}")
        else:
            errors = [_("Có ô nhập sai; xem các ô được đánh dấu.")]
    quorum = minutes.quorum_of(cycle)
    context = {
        "org": cell,
        "cycle": cycle,
        "record": record,
        "header": header,
        "rows": rows,
        "errors": errors,
        "quorum": quorum,
        "quorum_met": bool(record) and minutes.quorum_met(cycle, invited=record.invited, present=record.present),
        "can_edit": rsel.can_edit_cell(request.user, cell),
        "ancestors": organization_ancestors(org=cell),
    }
    return render(request, "meetings/minutes_cell.html", context)


def _header_initial(record) -> dict:
    if record is None:
        return {}
    names = ("held_on", "place", "chair", "recorder", "vote_method", "content", "absent_note", "invited", "present")
    return {n: getattr(record, n) for n in (*names, "agree", "decision_number", "decision_date")}


def _decision_minutes(request, org, cycle, posting):
    allowed = rsel.can_decide(request.user, org)
    if posting and not allowed:
        raise PermissionDenied
    record = sel.minutes_get(org=org, year=cycle.year, kind=MeetingKind.DECISION)
    form = DecisionMinutesForm(request.POST if posting else None, initial=_header_initial(record))
    errors: list[str] = []
    if posting:
        if form.is_valid():
            try:
                minutes.decision_minutes_save(
                    decider=org, cycle=cycle, header=minutes.MinutesHeader(**form.cleaned_data), user=request.user
                )
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, _("Đã lưu biên bản hội nghị cấp ủy và số quyết định."))
                return redirect(f"{reverse('reviews:decisions', args=[org.pk])}?nam={cycle.year}")
        else:
            errors = [_("Có ô nhập sai; xem các ô được đánh dấu.")]
    context = {
        "org": org,
        "cycle": cycle,
        "record": record,
        "form": form,
        "errors": errors,
        "can_edit": allowed,
        "ancestors": organization_ancestors(org=org),
    }
    return render(request, "meetings/minutes_decision.html", context)


def _print_context(request, org_id: int) -> dict:
    org = organization_get_for_user(user=request.user, pk=org_id)
    cycle = _cycle(org, request)
    kind = MeetingKind.CELL_REVIEW if org.is_cell else MeetingKind.DECISION
    record = sel.minutes_get(org=org, year=cycle.year, kind=kind)
    if record is None:
        raise Http404(_("Chưa có biên bản."))
    rows, cells = [], []
    if org.is_cell:
        reviews = {r.member_id: r for r in MemberReview.objects.filter(cell=org, year=cycle.year)}
        rows = [{"a": a, "review": reviews.get(a.member_id)} for a in sel.attendance_of(record).values()]
        rows.sort(key=lambda r: (r["a"].member.sort_key, r["a"].member_id))
    else:
        for cell, org_review in rsel.cells_decided_by(org, cycle.year):
            if org_review and org_review.status == "DECIDED":
                cells.append({"cell": cell, "reviews": rsel.reviews_of_cell(cell, cycle.year)})
    ancestors = organization_ancestors(org=org)
    return {
        "org": org,
        "parent": ancestors[-1] if ancestors else None,
        "cycle": cycle,
        "m": record,
        "rows": rows,
        "cells": cells,
        "absent": [r for r in rows if not r["a"].present],
        "quorum_met": minutes.quorum_met(cycle, invited=record.invited, present=record.present),
    }


@login_required
def minutes_print(request: HttpRequest, org_id: int) -> HttpResponse:
    return render(request, "meetings/minutes_print.html", _print_context(request, org_id))


@login_required
def minutes_pdf(request: HttpRequest, org_id: int) -> HttpResponse:
    from weasyprint import HTML

    context = _print_context(request, org_id) | {"pdf": True}
    html = render_to_string("meetings/minutes_print.html", context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-ban-{context["cycle"].year}-{context["org"].pk}.pdf"'
    return response


# --- leadership collectives -----------------------------------------------------------------------


@login_required
def collective(request: HttpRequest, org_id: int) -> HttpResponse:
    """The leadership collective reviews itself, then records its opinion on each of its members."""
    org = organization_get_for_user(user=request.user, pk=org_id)
    cycle = _cycle(org, request)
    allowed = sel.may_record_for_collective(request.user, org)
    errors: list[str] = []
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        errors = _collective_post(request, org, cycle)
        if not errors:
            return redirect(f"{reverse('meetings:collective', args=[org.pk])}?nam={cycle.year}")
    leaders = sel.collective_leaders(org)
    opinions = sel.opinions_for([m.pk for m, _k in leaders], cycle.year)
    rows = [
        {
            "member": m,
            "kind": k,
            "opinion": next((o for o in opinions.get(m.pk, []) if o.collective_id == org.pk), None),
        }
        for m, k in leaders
    ]
    from reviews.models import OrgReview

    context = {
        "org": org,
        "cycle": cycle,
        "rows": rows,
        "allowed": allowed,
        "errors": errors,
        "org_review": OrgReview.objects.filter(organization=org, year=cycle.year).first(),
        "grade_choices": OpinionForm.base_fields["suggested_grade"].choices,
        "ancestors": organization_ancestors(org=org),
    }
    return render(request, "meetings/collective.html", context)


def _collective_post(request, org, cycle) -> list[str]:
    try:
        if request.POST.get("action") == "collective":
            form = CollectiveNoteForm(request.POST)
            if not form.is_valid():
                return [_("Ghi tóm tắt kết quả kiểm điểm tập thể.")]
            leadership.leadership_collective_record(
                collective=org, cycle=cycle, note=form.cleaned_data["note"], user=request.user
            )
            messages.success(request, _("Đã ghi nhận kiểm điểm tập thể lãnh đạo."))
            return []
        form = OpinionForm(request.POST)
        if not form.is_valid():
            return [_("Ghi ý kiến của tập thể lãnh đạo.")]
        member = Member.objects.filter(pk=form.cleaned_data["member"]).first()
        if member is None:
            raise Http404
        leadership.leadership_opinion_save(
            collective=org,
            cycle=cycle,
            member=member,
            opinion=form.cleaned_data["opinion"],
            suggested_grade=form.cleaned_data["suggested_grade"],
            user=request.user,
        )
        messages.success(request, _("Đã ghi ý kiến của tập thể lãnh đạo."))
        return []
    except ValidationError as exc:
        return _errors(exc)


# --- the annual review, printable (with the four quarters for leaders) ----------------------------


@login_required
def review_print(request: HttpRequest, pk: int) -> HttpResponse:
    review = rsel.review_get_for_user(user=request.user, pk=pk)
    return render(request, "meetings/review_print.html", _review_print_context(review))


@login_required
def review_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from weasyprint import HTML

    review = rsel.review_get_for_user(user=request.user, pk=pk)
    html = render_to_string(
        "meetings/review_print.html", _review_print_context(review) | {"pdf": True}, request=request
    )
    response = HttpResponse(
        HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="kiem-diem-{review.year}-{review.pk}.pdf"'
    return response


def _review_print_context(review) -> dict:
    from quarterly.templatetags.quarterly import quarters_of

    ancestors = organization_ancestors(org=review.cell)
    return {
        "review": review,
        "member": review.member,
        "cell": review.cell,
        "parent": ancestors[-1] if ancestors else None,
        "quarters": quarters_of(review.member, review.year),
        **rsel.review_page_load(review),
    }


@login_required
def approve_all(request: HttpRequest, org_id: int) -> HttpResponse:
    """POST only: the deciding body approves every submitted cell as proposed (one notification batch)."""
    if request.method != "POST":
        raise Http404
    decider = organization_get_for_user(user=request.user, pk=org_id)
    cycle = _cycle(decider, request)
    if not rsel.can_decide(request.user, decider):
        raise PermissionDenied
    from .services.publication import cells_approve_all

    try:
        cells = cells_approve_all(decider=decider, cycle=cycle, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
    else:
        messages.success(request, _("Đã quyết định xếp loại %(n)s chi bộ theo đề xuất.") % {"n": len(cells)})
    return redirect(f"{reverse('reviews:decisions', args=[decider.pk])}?nam={cycle.year}")
