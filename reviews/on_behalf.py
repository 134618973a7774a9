"""Nhập hộ bản kiểm điểm: the cell secretary (or deputy) types a member's signed paper self-assessment.

Kept in its own module (issue 11) so that it stays apart from the self-assessment page it mirrors.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from organizations.selectors import may_enter_on_behalf, member_get_for_user
from reviews.selectors.permissions import member_may_edit

from . import selectors as sel
from . import services
from .forms import SelfAssessmentForm
from .models import Indicator, IndicatorAnswer, MemberReview


class PaperForm(forms.Form):
    paper_signed = forms.BooleanField(
        label=gettext_lazy("Đã có bản kiểm điểm trên giấy do đảng viên ký (chi bộ lưu giữ)"), required=False
    )
    scan = forms.FileField(
        label=gettext_lazy("Bản quét bản giấy (PDF, JPEG hoặc PNG, không bắt buộc)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Nội dung cần sửa"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Vui lòng ghi cần sửa nội dung gì.")},
    )


@login_required
def review_on_behalf(request: HttpRequest, member_id: int) -> HttpResponse:
    member = member_get_for_user(user=request.user, pk=member_id)  # 404 outside scope
    if not may_enter_on_behalf(user=request.user, member=member):
        raise PermissionDenied
    cycle = sel.current_cycle(member.cell)
    if cycle is None:
        return render(request, "reviews/my.html", {"member": member, "cycle": None})
    review = MemberReview.objects.filter(member=member, year=cycle.year).select_related("cycle__regime").first()
    review = review or MemberReview(member=member, year=cycle.year, cycle=cycle, cell=member.cell)
    indicators = list(Indicator.objects.order_by("number"))
    answers = (
        {a.indicator_id: (a.answer, a.note) for a in IndicatorAnswer.objects.filter(review=review)} if review.pk else {}
    )
    policy = sel.policy_of(cycle)
    initial = {f: getattr(review, f) for f in ("strengths", "shortcomings", "remediation_report", "commitment_results")}
    initial |= {"self_score": review.self_score, "self_grade": review.self_grade}
    form = SelfAssessmentForm(
        request.POST or None,
        initial=initial,
        indicators=indicators,
        answers=answers,
        scores=policy.scores,
        submitting="submit" in request.POST,
    )
    paper_form = PaperForm(request.POST or None, request.FILES or None)
    editable = member_may_edit(review) if review.pk else True
    if request.method == "POST" and editable and form.is_valid() and paper_form.is_valid():
        try:
            services.review_self_save(
                member=member,
                cycle=cycle,
                data=form.assessment(),
                answers=form.answers(),
                submit="submit" in request.POST,
                user=request.user,
                entered_by=request.user,
                paper_signed=paper_form.cleaned_data["paper_signed"],
                scan=paper_form.cleaned_data.get("scan"),
            )
        except ValidationError as exc:
            for name, errors in (exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}).items():
                target = paper_form if name in paper_form.fields else form
                target.add_error(name if name in target.fields else None, errors)
        else:
            messages.success(request, _("Đã lưu bản kiểm điểm nhập hộ đồng chí %(name)s.") % {"name": member})
            return redirect("organizations:cell", pk=member.cell_id)
    context = {
        "member": member,
        "cycle": cycle,
        "review": review,
        "form": form,
        "paper_form": paper_form,
        "on_behalf": True,
        "editable": editable,
        "read_only": not editable,
        "policy": policy,
        "open_items": sel.open_remediation(member, cycle.year),
    }
    return render(request, "reviews/my.html", context, status=400 if request.method == "POST" else 200)


@login_required
def review_scan(request: HttpRequest, pk: int) -> HttpResponse:
    """The scan of the signed paper, for those who may read the review."""
    from django.http import Http404

    from core.uploads import scan_response

    review = sel.review_get_for_user(user=request.user, pk=pk)  # 404 outside scope
    if not review.paper_scan:
        raise Http404
    return scan_response(review.paper_scan)


@login_required
@require_POST
def review_correction(request: HttpRequest, pk: int) -> HttpResponse:
    """The member asks the cell to correct the self-assessment entered on their behalf."""
    review = sel.review_get_for_user(user=request.user, pk=pk)  # 404 outside scope
    form = CorrectionForm(request.POST)
    if form.is_valid():
        services.review_correction_request(review=review, text=form.cleaned_data["text"], by=request.user)
        messages.success(request, _("Đã gửi đề nghị sửa cho chi bộ."))
    else:
        messages.error(request, " ".join(form.errors.get("text", [])))
    return redirect("reviews:my")
