"""Forms for the commitment (crispy, Bootstrap 5). A draft checks only formats; a submission also
requires every area, the pledge, the plan and at least one complete action."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.models import Indicator

from .models import AREA_FIELDS, RESULT_MAX_LENGTH, Commitment, CommitmentAction, ProgressStatus
from .services import MSG_AREA_REQUIRED, ActionInput

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class IndicatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Indicator) -> str:
        return f"{obj.number}. {obj.label}"


class CommitmentForm(forms.ModelForm):
    watched_indicators = IndicatorChoiceField(
        queryset=Indicator.objects.order_by("number"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Những biểu hiện tôi tự đặt ra để chú ý phòng ngừa nhất"),
    )

    class Meta:
        model = Commitment
        fields = [*AREA_FIELDS, "pledge_27", "watched_indicators", "plan", "exemplary_registration"]
        widgets = {name: TEXTAREA for name in (*AREA_FIELDS, "plan", "exemplary_registration")}

    def __init__(self, *args, submitting: bool = False, leader: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        if not leader:
            del self.fields["exemplary_registration"]
        if submitting:
            for name in (*AREA_FIELDS, "plan", "exemplary_registration"):
                if name in self.fields:
                    self.fields[name].required = True
                    self.fields[name].error_messages["required"] = MSG_AREA_REQUIRED
            self.fields["pledge_27"].required = True
            self.fields["pledge_27"].error_messages["required"] = _(
                "Cần đánh dấu cam kết không để xảy ra 27 biểu hiện suy thoái."
            )
            self.fields["watched_indicators"].required = True
            self.fields["watched_indicators"].error_messages["required"] = _(
                "Chọn ít nhất một biểu hiện để tự chú ý phòng ngừa."
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(_("1. Cam kết theo từng nội dung"), *AREA_FIELDS),
            Fieldset(
                _("2. Cam kết không để xảy ra 27 biểu hiện suy thoái"),
                "pledge_27",
                HTML('<div class="indicator-list">'),
                "watched_indicators",
                HTML("</div>"),
            ),
            # Section 3 is the actions formset, rendered in place from the page context.
            HTML('{% include "commitments/_actions_formset.html" %}'),
            Fieldset(_("4. Kế hoạch tu dưỡng, rèn luyện"), "plan"),
            *([Fieldset(_("5. Đăng ký nêu gương"), "exemplary_registration")] if leader else []),
        )

    def content(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "watched_indicators"}


class ActionForm(forms.ModelForm):
    class Meta:
        model = CommitmentAction
        fields = ["description", "expected_result", "due_on"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "expected_result": forms.Textarea(attrs={"rows": 2}),
            "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        error_messages = {
            "expected_result": {
                "max_length": _("Kết quả đo được tối đa %(limit_value)d ký tự (đang có %(show_value)d).")
            },
            "due_on": {"invalid": _("Ngày không hợp lệ.")},
        }

    def __init__(self, *args, year: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        # No maxlength attribute: the browser would silently cut pasted text; the server explains instead.
        self.fields["expected_result"].widget.attrs.pop("maxlength", None)
        self.fields["description"].widget.attrs.pop("maxlength", None)
        self.fields["expected_result"].help_text = _("Tối đa %(n)d ký tự.") % {"n": RESULT_MAX_LENGTH}

    def clean_due_on(self):
        due_on = self.cleaned_data.get("due_on")
        if due_on and self.year and due_on.year != self.year:
            raise forms.ValidationError(_("Thời hạn phải nằm trong năm %(year)s.") % {"year": self.year})
        return due_on


class BaseActionFormSet(forms.BaseInlineFormSet):
    submitting = False

    def clean(self):
        super().clean()
        if not self.submitting:
            return
        kept = 0
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            data = getattr(form, "cleaned_data", {})
            if data.get("DELETE"):
                continue
            kept += 1
            for name in ("description", "expected_result", "due_on"):
                if name not in form.errors and not data.get(name):
                    form.add_error(name, _("Vui lòng nhập nội dung này."))
        if kept == 0:
            raise forms.ValidationError(_("Cần đăng ký ít nhất một việc làm cụ thể theo Chỉ thị 05."))

    def action_inputs(self) -> list[ActionInput]:
        items = []
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            data = form.cleaned_data
            items.append(
                ActionInput(
                    id=form.instance.pk,
                    description=data.get("description") or "",
                    expected_result=data.get("expected_result") or "",
                    due_on=data.get("due_on"),
                    delete=bool(data.get("DELETE")),
                )
            )
        return items


ActionFormSet = forms.inlineformset_factory(
    Commitment, CommitmentAction, form=ActionForm, formset=BaseActionFormSet, extra=3, can_delete=True
)


def action_formset(*, data=None, commitment: Commitment, submitting: bool = False) -> BaseActionFormSet:
    formset = ActionFormSet(data, instance=commitment, prefix="actions", form_kwargs={"year": commitment.year})
    formset.submitting = submitting
    return formset


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vui lòng ghi lý do để đảng viên biết cần sửa gì.")},
    )


class ProgressForm(forms.ModelForm):
    class Meta:
        model = CommitmentAction
        fields = ["progress", "progress_note"]
        widgets = {"progress_note": forms.TextInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["progress"].choices = ProgressStatus.choices
        self.fields["progress_note"].widget.attrs.pop("maxlength", None)


MSG_FOREIGN_ACTION = _("Việc làm này không thuộc bản cam kết của đồng chí; không có gì được lưu.")


class BaseProgressFormSet(forms.BaseModelFormSet):
    """Only the rows of the given queryset (the member's own actions) can be posted: a foreign or
    made-up id, or a row beyond the list, marks the whole formset as tampered (`foreign_rows`)."""

    foreign_rows = False

    def add_fields(self, form, index):
        super().add_fields(form, index)
        pk_name = self.model._meta.pk.name
        if pk_name in form.fields:
            form.fields[pk_name].queryset = self.get_queryset()
            form.fields[pk_name].error_messages["invalid_choice"] = MSG_FOREIGN_ACTION

    def clean(self):
        super().clean()
        pk_name = self.model._meta.pk.name
        for form in self.forms:
            if form.instance.pk is None or pk_name in form.errors:
                self.foreign_rows = True
        if self.foreign_rows:
            raise forms.ValidationError(MSG_FOREIGN_ACTION, code="foreign_row")


ProgressFormSet = forms.modelformset_factory(
    CommitmentAction, form=ProgressForm, formset=BaseProgressFormSet, extra=0, edit_only=True
)


class OnBehalfForm(forms.Form):
    """Entry on the member's behalf: the signed paper must exist; a scan of it is optional."""

    paper_signed = forms.BooleanField(
        label=_("Đã có bản cam kết trên giấy do đảng viên ký (chi bộ lưu giữ)"),
        required=False,
    )
    scan = forms.FileField(
        label=_("Bản quét bản giấy (PDF, JPEG hoặc PNG, không bắt buộc)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label=_("Nội dung cần sửa"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vui lòng ghi cần sửa nội dung gì.")},
    )
