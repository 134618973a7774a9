"""Forms: the member's written review, one row of the secretary's grid, decisions, discipline."""

from __future__ import annotations

import copy

from crispy_forms.helper import FormHelper
from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.form_required import SubmitRequiredMixin

from .models import Answer, DisciplineKind, DisciplineRecord, Grade, NotGradedReason
from .services import GridInput, SelfAssessment

GRADE_CHOICES = [("", "—"), *Grade.choices]
REASON_CHOICES = [("", "—"), *NotGradedReason.choices]
SHORT_GRADES = Grade.abbreviations()


def _score_field(label):
    # One plain message for every out-of-range or malformed score (Django's own reads
    # "Đảm bảo giá trị này là nhỏ hơn hoặc bằng với 100 ." and says nothing about decimals).
    message = _("Điểm là số từ 0 đến 100, tối đa 2 chữ số thập phân (ví dụ 85,5).")
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        localize=True,
        error_messages={
            key: message
            for key in ("invalid", "min_value", "max_value", "max_digits", "max_decimal_places", "max_whole_digits")
        },
    )


# The three answers in plain words: "Có biểu hiện" alone read as "yes" to many members.
ANSWER_CHOICES = [
    (Answer.NO, _("Không có biểu hiện")),
    (Answer.SOME, _("Có biểu hiện (tôi thấy mình có lúc, có mức độ mắc biểu hiện này)")),
    (Answer.YES, _("Có (tôi mắc biểu hiện này rõ ràng)")),
]
MSG_ANSWER_REQUIRED = _("Chọn một câu trả lời cho biểu hiện này.")
MSG_UNANSWERED = _("Còn %(n)d biểu hiện chưa trả lời (đánh dấu đỏ bên dưới): mỗi biểu hiện cần chọn một câu trả lời.")


def _text(label, required_message=None):
    field = forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    if required_message:
        field.required = True  # enforced only on "Nộp" (SubmitRequiredMixin)
        field.error_messages["required"] = required_message
    return field


class SelfAssessmentForm(SubmitRequiredMixin, forms.Form):
    """The written review. A draft saves whatever is filled in; "Nộp" needs every one of the 27 answers
    (none is preselected: the member chooses each), the strengths, the shortcomings and the self-grade."""

    strengths = _text(_("Ưu điểm"), _("Vui lòng viết ưu điểm trước khi nộp."))
    shortcomings = _text(
        _("Hạn chế, khuyết điểm và nguyên nhân"),
        _("Vui lòng viết hạn chế, khuyết điểm và nguyên nhân trước khi nộp (nếu không có, ghi “Không có”)."),
    )
    remediation_report = _text(_("Kết quả khắc phục hạn chế, khuyết điểm đã được chỉ ra năm trước"))
    commitment_results = _text(_("Kết quả thực hiện bản cam kết tu dưỡng, rèn luyện, phấn đấu"))
    self_score = _score_field(_("Tự chấm điểm (thang 100)"))
    self_grade = forms.ChoiceField(
        label=_("Tự nhận mức xếp loại"),
        choices=GRADE_CHOICES,
        error_messages={"required": _("Chọn mức tự xếp loại trước khi nộp.")},
    )

    def __init__(self, *args, indicators=(), answers=None, scores: bool = True, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        required = ["strengths", "shortcomings", "self_grade"]
        if scores:
            self.fields["self_score"].required = True
            self.fields["self_score"].error_messages["required"] = _(
                "Quy định này chấm điểm: phải nhập điểm tự chấm (0–100)."
            )
            required.append("self_score")
        else:
            del self.fields["self_score"]
        self.indicators = list(indicators)
        answers = answers or {}
        for ind in self.indicators:
            answer, note = answers.get(ind.pk, ("", ""))
            self.fields[f"ind_{ind.pk}"] = forms.ChoiceField(
                label=ind.label,
                choices=ANSWER_CHOICES,
                initial=answer or None,
                widget=forms.RadioSelect,
                error_messages={"required": MSG_ANSWER_REQUIRED},
            )
            required.append(f"ind_{ind.pk}")
            self.fields[f"note_{ind.pk}"] = forms.CharField(
                label=_("Ghi chú"), required=False, max_length=500, initial=note
            )
        self.submit_required = tuple(required)

    def clean(self):
        data = super().clean()
        missing = [ind for ind in self.indicators if f"ind_{ind.pk}" in self.errors]
        if missing:
            self.add_error(None, MSG_UNANSWERED % {"n": len(missing)})
        return data

    def indicator_rows(self):
        return [(ind, self[f"ind_{ind.pk}"], self[f"note_{ind.pk}"]) for ind in self.indicators]

    def answer_summary(self):
        """(indicator, answer in words, note) for the read-only page of a submitted review."""
        labels = dict(ANSWER_CHOICES)
        return [
            (ind, labels.get(self[f"ind_{ind.pk}"].value(), "—"), self[f"note_{ind.pk}"].value())
            for ind in self.indicators
        ]

    def text_fields(self):
        return [self[n] for n in ("strengths", "shortcomings", "remediation_report", "commitment_results")]

    def assessment(self) -> SelfAssessment:
        d = self.cleaned_data
        return SelfAssessment(
            strengths=d["strengths"],
            shortcomings=d["shortcomings"],
            remediation_report=d["remediation_report"],
            commitment_results=d["commitment_results"],
            self_score=d.get("self_score"),
            self_grade=d["self_grade"],
        )

    def answers(self) -> dict[int, tuple[str, str]]:
        """The answered indicators only (a draft may leave some unanswered)."""
        d = self.cleaned_data
        return {ind.pk: (d[f"ind_{ind.pk}"], d[f"note_{ind.pk}"]) for ind in self.indicators if d[f"ind_{ind.pk}"]}


class FixedChoiceField(forms.ChoiceField):
    """A choice field whose choices are the same for every form: copies share them.

    Each form deep-copies its fields; ChoiceField's copy deep-copies its choices, lazy labels and
    all. The grid builds one form per member with three such lists: copying them was a quarter of
    the grid's time. Nothing changes these choices per form, so the copies share one list."""

    def __deepcopy__(self, memo):
        result = copy.copy(self)
        memo[id(self)] = result
        result.widget = copy.copy(self.widget)  # sharing the choices (Select's own copy normalises them again)
        result.widget.attrs = self.widget.attrs.copy()
        result.error_messages = self.error_messages.copy()
        result.validators = self.validators[:]
        return result


class GridRowForm(forms.Form):
    """One row of the cell grid; plain inputs so Tab walks the table row by row."""

    score = _score_field(_("Điểm"))
    grade = FixedChoiceField(label=_("Chi bộ đề xuất"), choices=GRADE_CHOICES, required=False)
    reason = FixedChoiceField(label=_("Lý do không xếp loại"), choices=REASON_CHOICES, required=False)
    reason_note = forms.CharField(label=_("Ghi rõ lý do"), required=False, max_length=255)
    sick_leave_months = forms.DecimalField(
        label=_("Tháng nghỉ ốm"),
        required=False,
        min_value=0,
        max_value=12,
        max_digits=4,
        decimal_places=2,  # what is validated is what is stored (model field: 2 decimals)
        localize=True,
        error_messages={
            key: _("Số tháng nghỉ ốm là số từ 0 đến 12, tối đa 2 chữ số thập phân (ví dụ 2,75).")
            for key in ("invalid", "min_value", "max_value", "max_digits", "max_decimal_places", "max_whole_digits")
        },
    )
    civil_service_grade = FixedChoiceField(label=_("Xếp loại công chức"), choices=GRADE_CHOICES, required=False)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=255)

    def to_input(self) -> GridInput:
        d = self.cleaned_data
        return GridInput(
            grade=d["grade"],
            score=d["score"],
            note=d["note"],
            reason=d["reason"],
            reason_note=d["reason_note"],
            sick_leave_months=d["sick_leave_months"],
            civil_service_grade=d["civil_service_grade"],
        )

    @staticmethod
    def initial_for(review) -> dict:
        if review is None:
            return {}
        return {
            "score": review.proposed_score if review.proposed_score is not None else review.self_score,
            "grade": review.proposed_grade or review.self_grade,
            "reason": review.not_graded_reason,
            "reason_note": review.not_graded_note,
            "sick_leave_months": review.sick_leave_months,
            "civil_service_grade": review.civil_service_grade,
            "note": review.cell_note,
        }


class SharedFields(dict):
    """A form's `base_fields` that its instances share instead of deep-copying.

    Django copies every field for every form instance, because a form may change its fields. The grid
    builds one GridRowForm per member (60 × 7 fields per request) and nothing changes a row form's
    fields, so the copies were pure cost (10 % of a grid GET)."""

    def __deepcopy__(self, memo):
        return self


GridRowForm.base_fields = SharedFields(GridRowForm.base_fields)


class CellGradeForm(forms.Form):
    org_grade = forms.ChoiceField(label=_("Chi bộ tự đề xuất xếp loại tổ chức"), choices=GRADE_CHOICES, required=False)
    org_score = _score_field(_("Điểm tự đánh giá của chi bộ"))


class CollectiveForm(forms.Form):
    collective_note = forms.CharField(
        label=_("Tóm tắt kết quả kiểm điểm tập thể chi bộ"),
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        max_length=5000,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=255)


class OrgGradeForm(forms.Form):
    grade = forms.ChoiceField(label=_("Xếp loại tổ chức"), choices=Grade.choices)
    reason = forms.CharField(label=_("Lý do (nếu khác đề xuất)"), required=False, max_length=255)


class DisciplineForm(forms.ModelForm):
    class Meta:
        model = DisciplineRecord
        fields = ["kind", "decided_on", "decision_number", "violation", "counts_for_year", "self_remedied"]
        widgets = {
            "decided_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "violation": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = DisciplineKind.choices
        self.fields["counts_for_year"].required = False
        self.fields["counts_for_year"].help_text = _(
            "Để trống: năm của ngày quyết định (một vi phạm chỉ tính một lần)."
        )
        self.fields["decided_on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


# --- Query and POST parameters (one parser each; bad values become 400/404 or a field message) ----

ASCII_DIGITS = RegexValidator(r"^[0-9]+$", _("Chỉ nhập chữ số 0–9."))


class AsciiIntegerField(forms.IntegerField):
    """An integer typed in ASCII digits only (int() would also take "٢٠٢٦"; "²" would crash it)."""

    def to_python(self, value):
        if value not in self.empty_values:
            value = str(value).strip()
            ASCII_DIGITS(value)
        return super().to_python(value)


def _id_field(**kwargs):
    return AsciiIntegerField(min_value=1, max_value=2**31 - 1, **kwargs)


class YearForm(forms.Form):
    """`?nam=` (or a hidden `nam`): a plausible grading year in ASCII digits."""

    nam = AsciiIntegerField(required=False, min_value=2000, max_value=2100)

    @classmethod
    def year_of(cls, request) -> int | None:
        """The requested year, None when absent; Http404 when malformed."""
        from django.http import Http404

        raw = request.GET.get("nam") or request.POST.get("nam") or ""
        form = cls({"nam": raw.strip()})
        if not form.is_valid():
            raise Http404(_("Năm không hợp lệ."))
        return form.cleaned_data["nam"]


class RowCheckForm(forms.Form):
    dong = _id_field()


class GridActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(a, a) for a in ("save", "check", "submit", "collective", "transfer_comment", "discard_draft")],
        required=False,
    )
    version = AsciiIntegerField(required=False, min_value=0, max_value=2**31 - 1)


class DecisionActionForm(forms.Form):
    """The common part of every decisions-page POST: what to do, to which organisation, at which version."""

    action = forms.ChoiceField(
        choices=[
            (a, a) for a in ("decide", "approve_all", "return", "reopen", "org_grade", "org_reopen", "leader_decide")
        ]
    )
    org = _id_field()
    review = _id_field(required=False)
    version = AsciiIntegerField(required=False, min_value=0, max_value=2**31 - 1)
    reason = forms.CharField(required=False, max_length=255)
    override_reason = forms.CharField(required=False, max_length=2000)
    decision_record = forms.CharField(required=False, max_length=255)


class CellDecisionForm(forms.Form):
    """The decided grade (and the reason for a change) of every reviewed member of one cell."""

    def __init__(self, *args, reviews=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.reviews = [r for r in reviews if not r.not_graded_reason]
        for r in self.reviews:
            self.fields[f"grade_{r.pk}"] = forms.ChoiceField(
                choices=GRADE_CHOICES,
                required=False,
                initial=r.proposed_grade,
                error_messages={"invalid_choice": _("Mức xếp loại không hợp lệ.")},
            )
            self.fields[f"reason_{r.pk}"] = forms.CharField(required=False, max_length=255)
        # issue 10: "not graded: other" needs the deciding body's explicit approval
        self.others = [r for r in reviews if r.not_graded_reason == "OTHER"]
        for r in self.others:
            self.fields[f"approve_{r.pk}"] = forms.BooleanField(required=False)

    def approved_other(self) -> list[int]:
        return [r.pk for r in self.others if self.cleaned_data.get(f"approve_{r.pk}")]

    def grades(self) -> dict[int, tuple[str, str]]:
        d = self.cleaned_data
        return {
            r.pk: (d[f"grade_{r.pk}"], d[f"reason_{r.pk}"])
            for r in self.reviews
            if f"grade_{r.pk}" in self.data or f"reason_{r.pk}" in self.data
        }

    def row_errors(self) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for r in self.reviews:
            for name in (f"grade_{r.pk}", f"reason_{r.pk}"):
                if name in self.errors:
                    out.setdefault(r.member_id, []).extend(self.errors[name])
        return out


class TransferCommentForm(forms.Form):
    member = _id_field()
    transfer_comment = forms.CharField(max_length=5000, required=False)
