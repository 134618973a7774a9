"""Forms for the commitment (crispy, Bootstrap 5). A draft checks only formats; a submission also
requires every area, the pledge, the plan and at least one complete action."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from core.form_required import SubmitRequiredMixin
from reviews.models import Indicator

from .models import AREA_FIELDS, RESULT_MAX_LENGTH, Commitment, CommitmentAction, ProgressStatus
from .services import MSG_AREA_REQUIRED, ActionInput

TEXTAREA = forms.Textarea(attrs={"rows": 3})
# Dates are typed and shown day/month/year whatever the browser's language (ISO still accepted).
DATE_FORMAT = "%d/%m/%Y"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATE_ATTRS = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off", "maxlength": "10"}
MSG_BAD_DATE = _("Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 31/12/2026.")


class IndicatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Indicator) -> str:
        return f"{obj.number}. {obj.label}"


class CommitmentForm(SubmitRequiredMixin, forms.ModelForm):
    """Every section is marked required from the start (a draft may still leave it empty)."""

    watched_indicators = IndicatorChoiceField(
        queryset=Indicator.objects.order_by("number"),
        # Rendered by commitments/_watched.html: one message for the group, labels not turned red.
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        label=_("Những biểu hiện tôi tự đặt ra để chú ý phòng ngừa nhất"),
        error_messages={"required": _("Chọn ít nhất một biểu hiện để tự chú ý phòng ngừa.")},
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
        for name in (*AREA_FIELDS, "plan", "exemplary_registration"):
            if name in self.fields:
                self.fields[name].required = True
                self.fields[name].error_messages["required"] = MSG_AREA_REQUIRED
        self.fields["pledge_27"].required = True
        self.fields["pledge_27"].error_messages["required"] = _(
            "Cần đánh dấu cam kết không để xảy ra 27 biểu hiện suy thoái."
        )
        self.submit_required = tuple(name for name, field in self.fields.items() if field.required)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(_("1. Cam kết theo từng nội dung"), *AREA_FIELDS),
            Fieldset(
                _("2. Cam kết không để xảy ra 27 biểu hiện suy thoái"),
                "pledge_27",
                HTML('{% include "commitments/_watched.html" with field=form.watched_indicators %}'),
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
            # A text box, not type=date: the browser shows a date input in its own locale's order.
            "due_on": forms.DateInput(format=DATE_FORMAT, attrs=DATE_ATTRS),
        }
        error_messages = {
            "expected_result": {
                "max_length": _("Kết quả đo được tối đa %(limit_value)d ký tự (đang có %(show_value)d).")
            },
            "due_on": {"invalid": MSG_BAD_DATE},
        }

    def __init__(self, *args, year: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        # No maxlength attribute: the browser would silently cut pasted text; the server explains instead.
        self.fields["expected_result"].widget.attrs.pop("maxlength", None)
        self.fields["description"].widget.attrs.pop("maxlength", None)
        self.fields["expected_result"].help_text = _("Tối đa %(n)d ký tự.") % {"n": RESULT_MAX_LENGTH}
        self.fields["due_on"].input_formats = DATE_INPUT_FORMATS

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
            if data.get("DELETE") and not form.instance.pk:
                continue  # a row typed and then ticked "Xóa" before it was ever saved
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
    Commitment, CommitmentAction, form=ActionForm, formset=BaseActionFormSet, extra=1, can_delete=True
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
