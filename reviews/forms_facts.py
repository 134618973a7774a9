"""Forms for the recorded facts of issue 10: an official conclusion of manifestations."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ExemptionKind, Indicator, OrgDisciplineKind


class ConclusionForm(forms.Form):
    """Kết luận của cấp ủy / ủy ban kiểm tra: the member shows manifestations of degradation."""

    concluded_by = forms.ModelChoiceField(label=_("Cơ quan kết luận"), queryset=None, empty_label=None)
    concluded_on = forms.DateField(
        label=_("Ngày kết luận"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    document_number = forms.CharField(label=_("Số văn bản kết luận"), max_length=64)
    indicators = forms.ModelMultipleChoiceField(
        label=_("Biểu hiện được kết luận"),
        queryset=Indicator.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Chọn ít nhất một biểu hiện được kết luận.")},
    )
    content = forms.CharField(label=_("Nội dung kết luận"), widget=forms.Textarea(attrs={"rows": 3}))
    year = forms.IntegerField(
        label=_("Tính vào xếp loại năm"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("Để trống: năm của ngày kết luận."),
    )

    def __init__(self, *args, bodies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["concluded_by"].queryset = bodies
        self.fields["concluded_on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class ExemptionForm(forms.Form):
    """Quyết định miễn công tác và sinh hoạt đảng / miễn sinh hoạt tạm thời / đình chỉ sinh hoạt đảng."""

    decided_by = forms.ModelChoiceField(label=_("Cấp quyết định"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("Loại quyết định"), choices=ExemptionKind.choices)
    valid_from = forms.DateField(label=_("Từ ngày"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    valid_to = forms.DateField(
        label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=64)
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, bodies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_by"].queryset = bodies
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class OrgDisciplineForm(forms.Form):
    """Kỷ luật tổ chức đảng (khiển trách, cảnh cáo, giải tán)."""

    decided_by = forms.ModelChoiceField(label=_("Cấp quyết định"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("Hình thức kỷ luật"), choices=OrgDisciplineKind.choices)
    decided_on = forms.DateField(
        label=_("Ngày quyết định"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=64)
    violation = forms.CharField(label=_("Nội dung vi phạm"), widget=forms.Textarea(attrs={"rows": 2}))
    counts_for_year = forms.IntegerField(
        label=_("Tính vào xếp loại năm"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("Để trống: năm của ngày quyết định (một vi phạm chỉ tính một lần)."),
    )

    def __init__(self, *args, bodies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_by"].queryset = bodies
        self.fields["decided_on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
