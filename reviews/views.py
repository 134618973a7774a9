"""Review pages. Each view starts with a scoped loader (404 outside scope, 403 for readers acting),
parses its input through a form, calls one service and renders. Reads live in reviews.selectors,
authority and locks in reviews.services.
"""

from __future__ import annotations

import functools
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import form_add_errors
from organizations.models import Organization
from organizations.selectors import (
    cell_get_for_user,
    member_get_for_user,
    organization_ancestors,
    organization_get_for_user,
    user_scope,
)

from . import history, rules, services
from . import selectors as sel
from .decision_page import decision_sections, error_summary
from .forms import (
    SHORT_GRADES,
    CellDecisionForm,
    CellGradeForm,
    CollectiveForm,
    DecisionActionForm,
    DisciplineForm,
    GridActionForm,
    GridRowForm,
    OrgGradeForm,
    RowCheckForm,
    SelfAssessmentForm,
    TransferCommentForm,
    YearForm,
)
from .grid_html import GridHtml
from .models import Grade, Indicator, ReviewStatus
from .selectors import grid_drafts as draft_sel
from .services import grid_drafts


def _errors_of(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def _cycle_or_404(org: Organization, request: HttpRequest):
    cycle = sel.cycle_get(org, YearForm.year_of(request))
    if cycle is None:
        raise Http404(_("Chưa có đợt kiểm điểm cho năm này."))
    return cycle


# --- Member self-assessment -----------------------------------------------------------------------


@login_required
def my_review(request: HttpRequest) -> HttpResponse:
    mine = sel.my_review_load(user=request.user)
    if mine.member is None:
        return render(request, "reviews/my.html", {"member": None})
    if mine.cycle is None:
        return render(request, "reviews/my.html", {"member": mine.member, "cycle": None})
    review, cycle, policy = mine.review, mine.cycle, mine.policy
    initial = {f: getattr(review, f) for f in ("strengths", "shortcomings", "remediation_report", "commitment_results")}
    initial |= {"self_score": review.self_score, "self_grade": review.self_grade}
    if mine.commitment is not None and not review.commitment_results:
        initial["commitment_results"] = _("Bản cam kết năm %(y)s (%(s)s): ") % {
            "y": cycle.year,
            "s": mine.commitment.get_status_display(),
        }
    form = SelfAssessmentForm(
        request.POST or None,
        initial=initial,
        indicators=mine.indicators,
        answers=mine.answers,
        scores=policy.scores,
        submitting="submit" in request.POST,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.review_self_save(
                member=mine.member,
                cycle=cycle,
                data=form.assessment(),
                answers=form.answers(),
                submit="submit" in request.POST,
                user=request.user,
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            msg = _("Đã nộp bản kiểm điểm.") if "submit" in request.POST else _("Đã lưu bản nháp.")
            messages.success(request, msg)
            return redirect("reviews:my")
    context = {
        "member": mine.member,
        "cycle": cycle,
        "review": review,
        "form": form,
        "editable": mine.editable,
        "read_only": _shown_read_only(request, review, mine.editable),
        "policy": policy,
        "open_items": sel.open_remediation(mine.member, cycle.year),
        "commitment": mine.commitment,
        "commitment_url": _url_or_none("commitments:my"),
    }
    return render(request, "reviews/my.html", context)


def _shown_read_only(request: HttpRequest, review, editable: bool) -> bool:
    """A submitted review is shown as a document; "Sửa bản kiểm điểm" (?sua=1) reopens the form while
    the cell has not proposed yet. A refused POST stays a form so the member sees the messages."""
    if not editable:
        return True
    if request.method == "POST":
        return False
    return review.status != ReviewStatus.DRAFT and "sua" not in request.GET


def _url_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


# --- Review page (with audit history) -------------------------------------------------------------


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = sel.review_get_for_user(user=request.user, pk=pk)
    context = {
        "review": review,
        **sel.review_page_load(review),
        "can_remedy": sel.can_edit_cell(request.user, review.cell),
        "can_discipline": sel.can_enter_discipline(request.user, review.cell),
        "changes": history.review_changes(review),
        "violations": sel.review_violations(review),
        "ancestors": organization_ancestors(org=review.cell) + [review.cell],
    }
    return render(request, "reviews/detail.html", context)


@login_required
@require_POST
def remediation_done(request: HttpRequest, pk: int) -> HttpResponse:
    item = sel.remediation_get_for_user(user=request.user, pk=pk)
    try:
        services.remediation_mark_done(item=item, user=request.user)
    except PermissionDenied:
        raise Http404 from None  # a member sees the item but may not confirm it
    except ValidationError as exc:
        messages.info(request, " ".join(_errors_of(exc)))
    else:
        messages.success(request, _("Đã ghi nhận khắc phục."))
    target = request.POST.get("next", "")
    if not (
        target.startswith("/")
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
    ):
        target = reverse("organizations:member", args=[item.member_id])
    return redirect(target)


# --- The secretary's grid -------------------------------------------------------------------------


@login_required
def grid(request: HttpRequest, cell_id: int) -> HttpResponse:
    posting = request.method == "POST"
    cell = cell_get_for_user(user=request.user, pk=cell_id, act=posting)
    cycle = _cycle_or_404(cell, request)
    can_edit = sel.can_edit_cell(request.user, cell)
    action_form = GridActionForm(request.POST if posting else None)
    action = action_form.cleaned_data["action"] if posting and action_form.is_valid() else ""
    if posting and not action_form.is_valid():
        return HttpResponse(_("Yêu cầu không hợp lệ."), status=400)
    # A save reads the reviews once, under its lock (grid_save); every other path shows them now.
    saving = posting and action in ("save", "submit") and not (request.htmx and "dong" in request.GET)
    data = sel.grid_load(cell=cell, cycle=cycle, with_reviews=not saving)
    locked = bool(data.org_review and data.org_review.status in services.LOCKED_BATCH)
    if posting and request.htmx and "dong" in request.GET:
        return _grid_row_check(request, data)
    if posting and action == "collective":
        return _grid_collective(request, cell, cycle)
    if posting and action == "transfer_comment":
        return _grid_transfer_comment(request, data)
    if posting and action == "discard_draft":
        return _grid_draft_discard(request, data)
    # issue 13 item 5: on a plain GET, what was typed but not saved comes back
    draft = None if posting else draft_sel.grid_draft_get(user=request.user, cell=cell, year=cycle.year, locked=locked)
    forms_by_member = _row_forms(request, data, bound=posting, draft=draft)
    cell_form = _cell_form(request, data, draft)
    violations, top_errors = [], []
    if posting:
        version = action_form.cleaned_data["version"]
        result = _grid_post(request, data, forms_by_member, cell_form, action, version)
        if isinstance(result, HttpResponse):  # saved: grid_save dropped the draft with it
            return result
        violations, top_errors = result
        if not data.reviews_loaded:  # refused before grid_save read them: the page shows them
            data = sel.grid_reviews_reload(data, data.org_review)
        draft = _grid_draft_keep(request, data)  # checked or refused: nothing typed is lost on reload
    elif not locked:
        violations = services.grid_validate(
            data,
            _shown_inputs(forms_by_member),
            org_grade=_shown_cell(cell_form, "org_grade", ""),
            org_score=_shown_cell(cell_form, "org_score", None),
            complete=False,
        )
    context = _grid_context(request, data, forms_by_member, cell_form, violations, top_errors, can_edit, locked)
    context |= {"draft": draft, "draft_restored": draft is not None and not posting}
    return render(request, "reviews/grid.html", context)


def _cell_form(request, data: sel.GridData, draft) -> CellGradeForm:
    initial = {
        "org_grade": data.org_review.proposed_grade if data.org_review else "",
        "org_score": data.org_review.proposed_score if data.org_review else None,
    }
    if request.method == "POST":
        return CellGradeForm(request.POST, initial=initial)
    typed = {k: v for k, v in (draft.values if draft else {}).items() if k in grid_drafts.CELL_FIELDS}
    return CellGradeForm(typed or None, initial=initial)


def _shown_cell(cell_form: CellGradeForm, name: str, default):
    """The cell's grade as shown: the restored draft's when it is valid, else the saved one."""
    if cell_form.is_bound:
        return cell_form.cleaned_data.get(name, default) if cell_form.is_valid() else default
    return cell_form.initial.get(name, default)


def _editable_ids(data: sel.GridData) -> list[int]:
    return [r.member.pk for r in data.own_rows if not r.elsewhere]


def _grid_draft_keep(request, data: sel.GridData):
    """The whole grid as posted becomes the draft (after a check or a refused save or submission)."""
    try:
        return grid_drafts.grid_draft_save(
            cell=data.cell, cycle=data.cycle, values=request.POST, member_ids=_editable_ids(data), user=request.user
        )
    except ValidationError:  # locked meanwhile: the refusal shown says why; there is nothing to draft
        return None


def _grid_draft_discard(request, data: sel.GridData) -> HttpResponse:
    grid_drafts.grid_draft_discard(cell=data.cell, cycle=data.cycle, user=request.user)
    messages.success(request, _("Đã bỏ bản nháp; bảng hiển thị các giá trị đã lưu."))
    return redirect(_grid_url(data))


def _grid_row_check(request, data: sel.GridData) -> HttpResponse:
    """htmx: re-check one row as it is typed (that member's rules; the quota is checked on submit)."""
    which = RowCheckForm(request.GET)
    if not which.is_valid():
        raise Http404
    member_id = which.cleaned_data["dong"]
    row = next((r for r in data.own_rows if r.member.pk == member_id), None)
    if row is None:
        raise Http404
    form = GridRowForm(request.POST, prefix=f"m{member_id}")
    errors: list[str] = []
    if form.is_valid():
        typed = row.rule_row(**form.to_input().rule_fields())
        found = rules.member_violations(
            data.policy, typed, grading_date=sel.grading_date(data.cycle), complete=False, year=data.cycle.year
        )
        errors = [v.message for v in found]
    draft = None
    if not row.elsewhere:  # autosave the row as typed (issue 13 item 5), valid or not
        try:
            draft = grid_drafts.grid_draft_save(
                cell=data.cell,
                cycle=data.cycle,
                values=request.POST,
                member_ids=[member_id],
                user=request.user,
                merge=True,
            )
        except ValidationError:
            draft = None
    return render(request, "reviews/_row_errors.html", {"errors": errors, "form": form, "draft": draft})


def _row_forms(request, data: sel.GridData, *, bound: bool, draft=None) -> dict[int, GridRowForm]:
    """Bound to the POST; on a GET, rows the draft holds are bound to its typed values, the rest
    show what is saved."""
    typed = draft_sel.draft_rows(draft)
    return {
        row.member.pk: GridRowForm(
            request.POST if bound else typed.get(row.member.pk),
            prefix=f"m{row.member.pk}",
            initial=_row_initial(data, row),
        )
        for row in data.rows
    }


def _shown_inputs(forms_by_member: dict[int, GridRowForm]) -> dict[int, services.GridInput]:
    """What the grid shows (saved values or the implied not-graded reason, or a restored draft's
    row), so the warnings on first display judge the same values the secretary sees."""
    fields = services.GridInput.__dataclass_fields__
    out = {}
    for pk, form in forms_by_member.items():
        if form.is_bound and form.is_valid():
            out[pk] = form.to_input()
        else:
            out[pk] = services.GridInput(**{k: v for k, v in form.initial.items() if k in fields and v is not None})
    return out


def _row_initial(data: sel.GridData, row: sel.GridRow) -> dict:
    """The saved row, or for an untouched row the self-grade and the not-graded reason the facts imply."""
    initial = GridRowForm.initial_for(row.review)
    if initial.get("grade") or initial.get("reason"):
        return initial
    reason = sel.implied_not_graded_reason(row.member, data.policy, sel.grading_date(data.cycle))
    if reason:
        initial |= {"reason": reason, "grade": ""}
    return initial


def _grid_post(request, data, forms_by_member, cell_form, action, version):
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
            version=version,
            user=request.user,
            data=data,
        )
    except services.StaleVersion as exc:
        return [], [exc.message, *exc.changes]
    except services.RulesRefused as exc:
        if action == "submit":
            top = _("Chưa nộp được: còn vi phạm quy định xếp loại. Đồng chí sửa các dòng được đánh dấu rồi nộp lại.")
        else:
            top = _("Chưa lưu được: có dòng vừa chọn lý do không xếp loại vừa chọn mức xếp loại.")
        return exc.violations, [top]
    except ValidationError as exc:
        return [], _errors_of(exc)
    quota = [v.message for v in left if v.code == "QUOTA"]
    if action == "submit":
        messages.success(request, _("Chi bộ đã nộp đề xuất xếp loại lên cấp quyết định."))
        for message in quota:
            messages.warning(
                request, _("Lưu ý: %(m)s Cấp quyết định sẽ xét tỷ lệ trên toàn tổ chức cơ sở đảng.") % {"m": message}
            )
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


def _grid_transfer_comment(request, data: sel.GridData) -> HttpResponse:
    """The old cell's comment on a member who transferred out (within transfer_comment_months)."""
    form = TransferCommentForm(request.POST)
    if not form.is_valid():
        raise Http404
    # scoped to this cell's rows: the member now belongs to a cell outside the secretary's scope
    row = next((r for r in data.rows if r.transferred_out and r.member.pk == form.cleaned_data["member"]), None)
    if row is None:
        raise Http404
    try:
        services.transfer_comment_save(
            old_cell=data.cell,
            member=row.member,
            cycle=data.cycle,
            comment=form.cleaned_data["transfer_comment"],
            user=request.user,
        )
        messages.success(request, _("Đã gửi nhận xét về đồng chí %(n)s cho chi bộ mới.") % {"n": row.member.full_name})
    except ValidationError as exc:
        messages.error(request, " ".join(_errors_of(exc)))
    return redirect(_grid_url(data))


def _options(choices, selected) -> str:
    """<option> tags built once in Python: the grid renders 60 rows × 3 selects, too slow as template loops."""
    selected = "" if selected is None else str(selected)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, mark_safe(" selected") if str(value) == selected else "", label) for value, label in choices),
    )


@functools.lru_cache(maxsize=512)
def _field_options(field: str, selected: str, language: str) -> str:
    """The <option> tags of one of the grid's fixed selects with one value selected, built once per
    process and language (a grid repeats the same few dozen combinations over its rows). Full grade
    names (issue 13 item 6): the grid's grade column is wide enough for them."""
    return _options(GridRowForm.base_fields[field].choices, selected)


def _row_options(form: GridRowForm) -> dict:
    language = get_language()
    return {
        f"{name}_options": _field_options(name, "" if form[name].value() is None else str(form[name].value()), language)
        for name in ("grade", "reason", "civil_service_grade")
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
    from meetings.selectors import GridExtras  # issue 12: residence comments, leadership opinions, minutes

    extras = GridExtras(cell=data.cell, year=data.cycle.year, member_ids=[r.member.pk for r in data.rows])
    rows = [
        {
            **extras.row(row.member.pk),
            "row": row,
            "form": forms_by_member[row.member.pk],
            "errors": by_row.get(row.member.pk, []),
            "field_errors": _field_errors(forms_by_member[row.member.pk]),
            "flagged": _flagged(row.review.flagged_mask, codes) if row.review else [],
            "self_grade": _grade_label(row.review.self_grade) if row.review else "",
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
        "can_comment": can_edit,
        "locked": locked,
        "decider": sel.member_decider(data.cell, grassroots=data.grassroots),
        "ancestors": data.ancestors,
        "quota": _quota_summary(data, rows),
        "minutes": extras.minutes,
        "rows_html": GridHtml(
            cell_id=data.cell.pk,
            year=data.cycle.year,
            scores=bool(data.policy.scores),
            locked=locked,
            can_comment=can_edit,
            present=extras.minutes.present if extras.minutes else None,
        ).rows(rows),
    }


def _field_errors(form: GridRowForm) -> list[str]:
    """The "Điểm: …" lines of a bound row, built here rather than by looping bound fields per row in the template."""
    if not form.is_bound:
        return []
    return [f"{form.fields[name].label}: {e}" for name, errors in form.errors.items() for e in errors]


def _quota_summary(data, rows) -> dict:
    typed = [
        r["form"].cleaned_data.get("grade")
        if r["form"].is_bound and r["form"].is_valid()
        else (r["row"].review.proposed_grade if r["row"].review else "")
        for r in rows
        if not r["row"].elsewhere  # transferred out / graded elsewhere: counted where they are graded
    ]
    grades = data.other_grades + [g for g in typed if g]
    from .rules import quota_max

    excellent, good = grades.count("EXCELLENT"), grades.count("GOOD")
    quota = data.policy.get("quota") or {}
    or_above = quota.get("denominator") == "GOOD_OR_ABOVE"
    return {
        "excellent": excellent,
        "good": good + excellent if or_above else good,  # the number the maximum is counted on
        "or_above": or_above,
        "ratio": _percent(quota.get("ratio", 0.2)),
        "max": quota_max(data.policy, good=good, excellent=excellent, override_max=data.override_max),
        "scope": data.grassroots,
    }


def _percent(ratio) -> str:
    """0.2 → "20"; 0.125 → "12,5" (Vietnamese decimal comma)."""
    return f"{(Decimal(str(ratio)) * 100).normalize():f}".replace(".", ",")


_GRADE_LABELS = dict(Grade.choices)  # lazy labels: translated when shown


def _grade_label(value: str) -> str:
    return _GRADE_LABELS.get(value, "") if value else ""


# --- Decisions ------------------------------------------------------------------------------------


@login_required
def decisions(request: HttpRequest, org_id: int) -> HttpResponse:
    decider = organization_get_for_user(user=request.user, pk=org_id)
    cycle = _cycle_or_404(decider, request)
    allowed = sel.can_decide(request.user, decider)
    errors: dict[int, list[str]] = {}
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        result = _decisions_post(request, decider, cycle, errors)
        if result is not None:
            return result
    page = sel.decisions_load(decider=decider, cycle=cycle)
    post = request.POST if request.method == "POST" else {}
    sections = decision_sections(page["cells"], page["reviews"], errors, post)
    context = {
        "org": decider,
        "cycle": cycle,
        "allowed": allowed,
        "cells": sections,
        "error_links": error_summary(sections, errors.get(0, [])),
        "orgs": page["orgs"],
        "redecide": page["redecide"],
        "redecide_count": len(page["redecide"]["members"]) + len(page["redecide"]["orgs"]),
        "overrides": page["overrides"],
        "leaders": page["leaders"],
        "grassroots_cell": decider.kind == "GRASSROOTS_CELL",
        "org_errors": errors.get(0, []),
        "ancestors": organization_ancestors(org=decider),
        "post": post,
        "grade_choices": Grade.choices,
        "short": SHORT_GRADES,
        **_round_context(decider, cycle, page),
    }
    return render(request, "reviews/decisions.html", context)


def _round_context(decider, cycle, page) -> dict:
    """Issue 12: the committee's minutes (decision number and date) and leaders reviewed at two places."""
    from meetings import selectors as msel

    return {
        "decision_minutes": msel.decision_minutes_for(org=decider, year=cycle.year),
        "round_leaders": msel.leaders_for_decision(reviews_by_cell=page["reviews"], year=cycle.year),
    }


def _decisions_post(request, decider, cycle, errors):
    """One action on one organisation inside the decider's subtree (404 outside it, 403 if not competent)."""
    form = DecisionActionForm(request.POST)
    if not form.is_valid():
        if "org" in form.errors or "action" in form.errors or "review" in form.errors:
            raise Http404
        errors[0] = [m for field_errors in form.errors.values() for m in field_errors]
        return None
    action, d = form.cleaned_data["action"], form.cleaned_data
    target = organization_get_for_user(user=request.user, pk=d["org"], within=decider)
    key = target.pk if action not in ("org_grade", "org_reopen") else 0
    try:
        if action == "decide":
            grades_form = CellDecisionForm(request.POST, reviews=sel.reviews_of_cell(target, cycle.year))
            if not grades_form.is_valid():
                errors["rows"] = grades_form.row_errors()  # type: ignore[index]
                errors[key] = [_("Chưa quyết định được: xem các dòng được đánh dấu.")]
                return None
            services.cell_decide(
                cell=target,
                cycle=cycle,
                grades=grades_form.grades(),
                approve_other=grades_form.approved_other(),
                override_reason=d["override_reason"],
                decision_record=d["decision_record"],
                version=d["version"],
                user=request.user,
            )
            messages.success(request, _("Đã quyết định xếp loại đảng viên của %(c)s.") % {"c": target.name})
        elif action == "approve_all":
            others = CellDecisionForm(request.POST, reviews=sel.reviews_of_cell(target, cycle.year))
            others.is_valid()  # only the approvals of "not graded: other" are read; typed grades are not
            services.cell_approve_all(
                cell=target,
                cycle=cycle,
                approve_other=others.approved_other(),
                override_reason=d["override_reason"],
                decision_record=d["decision_record"],
                version=d["version"],
                user=request.user,
            )
            messages.success(
                request, _("Đã duyệt xếp loại đảng viên của %(c)s theo đề xuất của chi bộ.") % {"c": target.name}
            )
        elif action in ("return", "reopen"):
            services.cell_return(cell=target, cycle=cycle, reason=d["reason"], version=d["version"], user=request.user)
            messages.success(request, _("Đã trả lại %(c)s.") % {"c": target.name})
        elif action == "org_grade":
            grade_form = OrgGradeForm(request.POST)
            if not grade_form.is_valid():
                errors[0] = [_("Chọn mức xếp loại tổ chức.")]
                return None
            services.org_grade_decide(
                org=target,
                cycle=cycle,
                grade=grade_form.cleaned_data["grade"],
                reason=grade_form.cleaned_data["reason"],
                user=request.user,
            )
            messages.success(request, _("Đã quyết định xếp loại %(c)s.") % {"c": target.name})
        elif action == "org_reopen":
            services.org_grade_reopen(org=target, cycle=cycle, reason=d["reason"], user=request.user)
            messages.success(request, _("Đã mở lại xếp loại %(c)s.") % {"c": target.name})
        elif action == "leader_decide":
            review = sel.reviews_of_cell(target, cycle.year)
            review = next((r for r in review if r.pk == d["review"]), None)
            if review is None:
                raise Http404
            grade_form = CellDecisionForm(request.POST, reviews=[review])
            if not grade_form.is_valid():
                errors[0] = [m for ms in grade_form.row_errors().values() for m in ms]
                return None
            grade, reason = grade_form.grades().get(review.pk, (review.proposed_grade, ""))
            key = 0
            services.leader_decide(review=review, grade=grade, reason=reason, user=request.user)
            messages.success(request, _("Đã quyết định xếp loại đồng chí %(n)s.") % {"n": review.member.full_name})
        else:
            raise Http404
    except services.StaleVersion as exc:
        errors[key] = [exc.message]
        return None
    except services.RulesRefused as exc:
        by_row = action in ("decide", "approve_all")
        errors[key] = [v.message for v in exc.violations if v.row is None or not by_row]
        if by_row:
            rows: dict[int, list[str]] = {}
            for v in exc.violations:
                if v.row is not None:
                    rows.setdefault(v.row, []).append(v.message)
            errors["rows"] = rows  # type: ignore[index]
            if not errors[key]:
                errors[key] = [_("Chưa quyết định được: xem các dòng được đánh dấu.")]
        return None
    except ValidationError as exc:
        errors[key] = _errors_of(exc)
        return None
    return redirect(f"{reverse('reviews:decisions', args=[decider.pk])}?nam={cycle.year}")


# --- Discipline -----------------------------------------------------------------------------------


@login_required
def discipline(request: HttpRequest, member_id: int) -> HttpResponse:
    member = member_get_for_user(user=request.user, pk=member_id)
    if member.cell is None or not sel.can_enter_discipline(request.user, member.cell):
        raise PermissionDenied
    form = DisciplineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        body = _discipline_body(request.user, member.cell)
        try:
            services.discipline_record_create(member=member, decided_by=body, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_errors(form, exc)
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
