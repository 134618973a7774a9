"""Review pages. Each view starts with a scoped loader (404 outside scope, 403 for readers acting)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organizations.models import Member, Organization
from organizations.selectors import organization_ancestors, user_scope

from . import history, rules, services
from . import selectors as sel
from .forms import (
    SHORT_GRADES,
    CellGradeForm,
    CollectiveForm,
    DisciplineForm,
    GridRowForm,
    OrgGradeForm,
    SelfAssessmentForm,
)
from .models import Indicator, IndicatorAnswer, RemediationItem


def _errors_of(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def _cycle_or_404(org: Organization, request: HttpRequest):
    year = request.GET.get("nam") or request.POST.get("nam")
    cycle = sel.cycle_for_year(org, int(year)) if year and year.isdigit() else sel.current_cycle(org)
    if cycle is None:
        raise Http404(_("Chưa có đợt kiểm điểm cho năm này."))
    return cycle


# --- Member self-assessment -----------------------------------------------------------------------


@login_required
def my_review(request: HttpRequest) -> HttpResponse:
    scope = user_scope(request.user)
    member = Member.objects.select_related("cell").filter(pk=scope.member_id).first() if scope.member_id else None
    if member is None or member.cell is None:
        return render(request, "reviews/my.html", {"member": None})
    cycle = sel.current_cycle(member.cell)
    if cycle is None:
        return render(request, "reviews/my.html", {"member": member, "cycle": None})
    from .models import MemberReview

    review = MemberReview.objects.filter(member=member, year=cycle.year).select_related("cycle__regime").first()
    review = review or MemberReview(member=member, year=cycle.year, cycle=cycle, cell=member.cell)
    indicators = list(Indicator.objects.order_by("number"))
    answers = (
        {a.indicator_id: (a.answer, a.note) for a in IndicatorAnswer.objects.filter(review=review)} if review.pk else {}
    )
    policy = sel.policy_of(cycle)
    initial = {f: getattr(review, f) for f in ("strengths", "shortcomings", "remediation_report", "commitment_results")}
    initial |= {"self_score": review.self_score, "self_grade": review.self_grade}
    commitment = _commitment_of(member, cycle.year)
    if commitment is not None and not review.commitment_results:
        initial["commitment_results"] = _("Bản cam kết năm %(y)s (%(s)s): ") % {
            "y": cycle.year,
            "s": commitment.get_status_display(),
        }
    form = SelfAssessmentForm(
        request.POST or None, initial=initial, indicators=indicators, answers=answers, scores=policy.scores
    )
    editable = services._member_may_edit(review) if review.pk else True
    if request.method == "POST" and editable and form.is_valid():
        try:
            services.review_self_save(
                member=member,
                cycle=cycle,
                data=form.assessment(),
                answers=form.answers(),
                submit="submit" in request.POST,
                user=request.user,
            )
        except ValidationError as exc:
            _add_form_errors(form, exc)
        else:
            msg = _("Đã nộp bản kiểm điểm.") if "submit" in request.POST else _("Đã lưu bản nháp.")
            messages.success(request, msg)
            return redirect("reviews:my")
    context = {
        "member": member,
        "cycle": cycle,
        "review": review,
        "form": form,
        "editable": editable,
        "policy": policy,
        "open_items": sel.open_remediation(member, cycle.year),
        "commitment": commitment,
        "commitment_url": _url_or_none("commitments:my"),
    }
    return render(request, "reviews/my.html", context)


def _add_form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _url_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _commitment_of(member: Member, year: int):
    try:
        from commitments.models import Commitment
    except ImportError:  # pragma: no cover
        return None
    return Commitment.objects.filter(member=member, year=year).first()


# --- Review page (with audit history) -------------------------------------------------------------


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = sel.review_get_for_user(user=request.user, pk=pk)
    scope = user_scope(request.user)
    context = {
        "review": review,
        "answers": IndicatorAnswer.objects.filter(review=review).exclude(answer="NO").select_related("indicator"),
        "discipline": review.member.discipline_records.all(),
        "remediation": RemediationItem.objects.filter(member=review.member).order_by("-year_found", "due_on"),
        "can_remedy": scope.covers(review.cell.path, act=True),
        "can_discipline": sel.can_enter_discipline(request.user, review.cell),
        "changes": history.review_changes(review),
        "violations": sel.review_violations(review),
        "ancestors": organization_ancestors(org=review.cell) + [review.cell],
    }
    return render(request, "reviews/detail.html", context)


@login_required
@require_POST
def remediation_done(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(RemediationItem.objects.select_related("member__cell"), pk=pk)
    scope = user_scope(request.user)
    if item.member.cell is None or not scope.covers(item.member.cell.path):
        raise Http404
    if not scope.covers(item.member.cell.path, act=True):
        raise PermissionDenied
    services.remediation_mark_done(item=item, user=request.user)
    messages.success(request, _("Đã ghi nhận khắc phục."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("organizations:member", args=[item.member_id])
    return redirect(target)


# --- The secretary's grid -------------------------------------------------------------------------


@login_required
def grid(request: HttpRequest, cell_id: int) -> HttpResponse:
    cell = sel.cell_get_for_secretary(user=request.user, pk=cell_id)
    cycle = _cycle_or_404(cell, request)
    can_edit = user_scope(request.user).covers(cell.path, act=True)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    data = sel.grid_load(cell=cell, cycle=cycle)
    locked = bool(data.org_review and data.org_review.status in services.LOCKED_BATCH)
    action = request.POST.get("action", "")
    if request.method == "POST" and request.htmx and request.GET.get("dong", "").isdigit() and not locked:
        return _grid_row_check(request, data, int(request.GET["dong"]))
    if request.method == "POST" and action == "collective":
        return _grid_collective(request, cell, cycle)
    forms_by_member = _row_forms(request, data, bound=request.method == "POST" and not locked)
    cell_form = CellGradeForm(
        request.POST if request.method == "POST" and not locked else None,
        initial={
            "org_grade": data.org_review.proposed_grade if data.org_review else "",
            "org_score": data.org_review.proposed_score if data.org_review else None,
        },
    )
    violations, top_errors = [], []
    if request.method == "POST" and not locked:
        result = _grid_post(request, data, forms_by_member, cell_form, action)
        if isinstance(result, HttpResponse):
            return result
        violations, top_errors = result
    elif not locked:
        violations = services.grid_validate(
            data,
            _shown_inputs(forms_by_member),
            org_grade=cell_form.initial.get("org_grade", ""),
            org_score=cell_form.initial.get("org_score"),
            complete=False,
        )
    return render(
        request,
        "reviews/grid.html",
        _grid_context(request, data, forms_by_member, cell_form, violations, top_errors, can_edit, locked),
    )


def _grid_row_check(request, data: sel.GridData, member_id: int) -> HttpResponse:
    """htmx: re-check one row as it is typed (that member's rules; the quota is checked on submit)."""
    row = next((r for r in data.own_rows if r.member.pk == member_id), None)
    if row is None:
        raise Http404
    form = GridRowForm(request.POST, prefix=f"m{member_id}")
    errors: list[str] = []
    if form.is_valid():
        typed = row.rule_row(**form.to_input().rule_fields())
        found = rules.member_violations(data.policy, typed, grading_date=sel.grading_date(data.cycle), complete=False)
        errors = [v.message for v in found]
    return render(request, "reviews/_row_errors.html", {"errors": errors, "form": form})


def _row_forms(request, data: sel.GridData, *, bound: bool) -> dict[int, GridRowForm]:
    return {
        row.member.pk: GridRowForm(
            request.POST if bound else None, prefix=f"m{row.member.pk}", initial=_row_initial(data, row)
        )
        for row in data.rows
    }


def _shown_inputs(forms_by_member: dict[int, GridRowForm]) -> dict[int, services.GridInput]:
    """What the unbound grid shows (saved values or the implied not-graded reason), so the warnings
    on first display judge the same values the secretary sees, not an empty row."""
    fields = services.GridInput.__dataclass_fields__
    return {
        pk: services.GridInput(**{k: v for k, v in form.initial.items() if k in fields and v is not None})
        for pk, form in forms_by_member.items()
    }


def _row_initial(data: sel.GridData, row: sel.GridRow) -> dict:
    """The saved row, or for an untouched row the self-grade and the not-graded reason the facts imply."""
    initial = GridRowForm.initial_for(row.review)
    if initial.get("grade") or initial.get("reason"):
        return initial
    reason = sel.implied_not_graded_reason(row.member, data.policy, sel.grading_date(data.cycle))
    if reason:
        initial |= {"reason": reason, "grade": ""}
    return initial


def _grid_post(request, data, forms_by_member, cell_form, action):
    """Validate the typed grid; save, submit or only check. Returns a redirect or what to show."""
    if not (all(f.is_valid() for f in forms_by_member.values()) and cell_form.is_valid()):
        return [], [_("Có ô nhập sai định dạng; xem các dòng được đánh dấu.")]
    inputs = {pk: f.to_input() for pk, f in forms_by_member.items()}
    org_grade, org_score = cell_form.cleaned_data["org_grade"], cell_form.cleaned_data["org_score"]
    if action == "check":
        return services.grid_validate(data, inputs, org_grade=org_grade, org_score=org_score, complete=True), []
    try:
        left = services.grid_save(
            cell=data.cell,
            cycle=data.cycle,
            inputs=inputs,
            org_grade=org_grade,
            org_score=org_score,
            submit=action == "submit",
            user=request.user,
        )
    except services.RulesRefused as exc:
        return exc.violations, [
            _("Chưa nộp được: còn vi phạm quy định xếp loại. Đồng chí sửa các dòng được đánh dấu rồi nộp lại.")
        ]
    except ValidationError as exc:
        return [], _errors_of(exc)
    if action == "submit":
        messages.success(request, _("Chi bộ đã nộp đề xuất xếp loại lên cấp quyết định."))
    else:
        messages.success(request, _("Đã lưu bảng xếp loại của chi bộ."))
        if left:
            messages.warning(request, _("Bảng còn %(n)s điểm chưa hợp lệ; cần sửa trước khi nộp.") % {"n": len(left)})
    return redirect(_grid_url(data))


def _grid_url(data: sel.GridData) -> str:
    return f"{reverse('reviews:grid', args=[data.cell.pk])}?nam={data.cycle.year}"


def _grid_collective(request, cell, cycle) -> HttpResponse:
    form = CollectiveForm(request.POST)
    if form.is_valid():
        try:
            services.collective_record(
                cell=cell, cycle=cycle, note=form.cleaned_data["collective_note"], user=request.user
            )
            messages.success(request, _("Đã ghi nhận kiểm điểm tập thể chi bộ."))
        except ValidationError as exc:
            messages.error(request, " ".join(_errors_of(exc)))
    else:
        messages.error(request, _("Ghi tóm tắt kết quả kiểm điểm tập thể."))
    return redirect(f"{reverse('reviews:grid', args=[cell.pk])}?nam={cycle.year}")


def _options(choices, selected) -> str:
    """<option> tags built once in Python: the grid renders 60 rows × 3 selects, too slow as template loops."""
    selected = "" if selected is None else str(selected)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, mark_safe(" selected") if str(value) == selected else "", label) for value, label in choices),
    )


def _short_choices(choices):
    """Grades as "HTTNV — Hoàn thành tốt nhiệm vụ": the abbreviation stays readable in a narrow select."""
    return [(v, f"{SHORT_GRADES[v]} — {label}" if v in SHORT_GRADES else label) for v, label in choices]


def _row_options(form: GridRowForm) -> dict:
    return {
        "grade_options": _options(_short_choices(form.fields["grade"].choices), form["grade"].value()),
        "reason_options": _options(form.fields["reason"].choices, form["reason"].value()),
        "civil_service_grade_options": _options(
            _short_choices(form.fields["civil_service_grade"].choices), form["civil_service_grade"].value()
        ),
    }


def _indicator_codes() -> dict[int, str]:
    return dict(Indicator.objects.values_list("number", "code"))


def _flagged(mask: int, codes: dict[int, str]) -> list[str]:
    return [codes[n] for n in sorted(codes) if mask & (1 << (n - 1))]


def _grid_context(request, data, forms_by_member, cell_form, violations, top_errors, can_edit, locked) -> dict:
    by_row: dict[int, list[str]] = {}
    cell_level = []
    for v in violations:
        if v.row is None:
            cell_level.append(v.message)
        else:
            by_row.setdefault(v.row, []).append(v.message)
    codes = _indicator_codes()
    rows = [
        {
            "row": row,
            "form": forms_by_member[row.member.pk],
            "errors": by_row.get(row.member.pk, []),
            "flagged": _flagged(row.review.flagged_mask, codes) if row.review else [],
            "self_grade": SHORT_GRADES.get(row.review.self_grade, "") if row.review else "",
            "disabled": not can_edit or locked or row.elsewhere,
            **_row_options(forms_by_member[row.member.pk]),
        }
        for row in data.rows
    ]
    return {
        "org": data.cell,
        "cell": data.cell,
        "cycle": data.cycle,
        "policy": data.policy,
        "data": data,
        "rows": rows,
        "cell_form": cell_form,
        "collective_form": CollectiveForm(
            initial={"collective_note": data.org_review.collective_note if data.org_review else ""}
        ),
        "cell_errors": cell_level,
        "top_errors": top_errors,
        "can_edit": can_edit and not locked,
        "locked": locked,
        "decider": sel.member_decider(data.cell),
        "ancestors": organization_ancestors(org=data.cell),
        "quota": _quota_summary(data, rows),
    }


def _quota_summary(data, rows) -> dict:
    typed = [
        r["form"].cleaned_data.get("grade")
        if r["form"].is_bound and r["form"].is_valid()
        else (r["row"].review.proposed_grade if r["row"].review else "")
        for r in rows
    ]
    grades = data.other_grades + [g for g in typed if g]
    from .rules import quota_max

    excellent, good = grades.count("EXCELLENT"), grades.count("GOOD")
    return {
        "excellent": excellent,
        "good": good,
        "max": quota_max(data.policy, good=good, excellent=excellent, override_max=data.override_max),
        "scope": data.grassroots,
    }


# --- Decisions ------------------------------------------------------------------------------------


@login_required
def decisions(request: HttpRequest, org_id: int) -> HttpResponse:
    decider = sel.decider_get_for_user(user=request.user, pk=org_id)
    cycle = _cycle_or_404(decider, request)
    allowed = sel.can_decide(request.user, decider)
    errors: dict[int, list[str]] = {}
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        result = _decisions_post(request, decider, cycle, errors)
        if result is not None:
            return result
    cells = sel.cells_decided_by(decider, cycle.year)
    proposed_ids = [c.pk for c, o in cells if o and o.status in services.LOCKED_BATCH]
    reviews: dict[int, list] = {}
    from .models import MemberReview

    for r in (
        MemberReview.objects.filter(cell_id__in=proposed_ids, year=cycle.year)
        .select_related("member")
        .order_by("member__sort_key")
    ):
        reviews.setdefault(r.cell_id, []).append(r)
    context = {
        "org": decider,
        "cycle": cycle,
        "allowed": allowed,
        "cells": [
            {"cell": c, "review": o, "members": reviews.get(c.pk, []), "errors": errors.get(c.pk, [])} for c, o in cells
        ],
        "orgs": sel.orgs_graded_by(decider, cycle.year),
        "org_errors": errors.get(0, []),
        "ancestors": organization_ancestors(org=decider),
        "post": request.POST if request.method == "POST" else {},
        "grade_choices": OrgGradeForm.base_fields["grade"].choices,
        "short": SHORT_GRADES,
    }
    return render(request, "reviews/decisions.html", context)


def _decisions_post(request, decider, cycle, errors):
    action = request.POST.get("action")
    target = get_object_or_404(Organization, pk=request.POST.get("org") or 0)
    if not target.path.startswith(decider.path):
        raise Http404
    key = target.pk if action != "org_grade" else 0
    try:
        if action == "decide":
            grades = {
                int(k[6:]): (v, request.POST.get(f"reason_{k[6:]}", ""))
                for k, v in request.POST.items()
                if k.startswith("grade_") and k[6:].isdigit()
            }
            services.cell_decide(
                cell=target,
                cycle=cycle,
                grades=grades,
                override_reason=request.POST.get("override_reason", ""),
                user=request.user,
            )
            messages.success(request, _("Đã quyết định xếp loại đảng viên của %(c)s.") % {"c": target.name})
        elif action in ("return", "reopen"):
            services.cell_return(cell=target, cycle=cycle, reason=request.POST.get("reason", ""), user=request.user)
            messages.success(request, _("Đã trả lại %(c)s.") % {"c": target.name})
        elif action == "org_grade":
            form = OrgGradeForm(request.POST)
            if not form.is_valid():
                errors[0] = [_("Chọn mức xếp loại tổ chức.")]
                return None
            services.org_grade_decide(
                org=target,
                cycle=cycle,
                grade=form.cleaned_data["grade"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
            messages.success(request, _("Đã quyết định xếp loại %(c)s.") % {"c": target.name})
        else:
            raise Http404
    except services.RulesRefused as exc:
        errors[key] = [v.message for v in exc.violations]
        return None
    except ValidationError as exc:
        errors[key] = _errors_of(exc)
        return None
    return redirect(f"{reverse('reviews:decisions', args=[decider.pk])}?nam={cycle.year}")


# --- Discipline -----------------------------------------------------------------------------------


@login_required
def discipline(request: HttpRequest, member_id: int) -> HttpResponse:
    from organizations.selectors import member_get_for_user

    member = member_get_for_user(user=request.user, pk=member_id)
    if member.cell is None or not sel.can_enter_discipline(request.user, member.cell):
        raise PermissionDenied
    form = DisciplineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        body = _discipline_body(request.user, member.cell)
        try:
            services.discipline_record_create(member=member, decided_by=body, user=request.user, **d)
        except ValidationError as exc:
            _add_form_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận quyết định kỷ luật."))
            return redirect("organizations:member", pk=member.pk)
    context = {
        "member": member,
        "form": form,
        "records": member.discipline_records.select_related("decided_by"),
        "ancestors": organization_ancestors(org=member.cell) + [member.cell],
    }
    return render(request, "reviews/discipline.html", context)


def _discipline_body(user, cell: Organization) -> Organization:
    """The nearest organisation above the cell where the user holds a competent position."""
    scope = user_scope(user)
    paths = [p for k, p, _ in scope.positions if k in sel.DISCIPLINE_KINDS and cell.path.startswith(p)]
    if not paths:
        return sel.member_decider(cell)
    return Organization.objects.get(path=max(paths, key=len))
