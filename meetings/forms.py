"""Forms of the review round: every POST value is parsed here (typed values are kept on error)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.models import Grade

from .models import Fulfilment, ResidenceExemption, VoteMethod

GRADE_CHOICES = [("", "—"), *Grade.choices]


class ResidenceRowForm(forms.Form):
    """One member's row; the residence organisation is checked by the service (kind, existence)."""

    residence_org = forms.IntegerField(label=_("Nơi cư trú"), required=False, min_value=1)
    exemption = forms.ChoiceField(
        label=_("Không lấy nhận xét"), required=False, choices=[("", "—"), *ResidenceExemption.choices]
    )
    send = forms.BooleanField(label=_("Gửi đề nghị"), required=False)

    def __init__(self, *args, org_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.org_choices = [("", "—"), *org_choices]


class ResidenceCommentForm(forms.Form):
    fulfilment = forms.ChoiceField(label=_("Thực hiện nhiệm vụ ở nơi cư trú"), choices=[("", "—"), *Fulfilment.choices])
    text = forms.CharField(label=_("Nội dung nhận xét"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MinutesHeaderForm(forms.Form):
    held_on = forms.DateField(label=_("Ngày họp"), widget=_date_widget(), input_formats=DATE_FORMATS)
    place = forms.CharField(label=_("Địa điểm"), max_length=255)
    chair = forms.CharField(label=_("Chủ trì"), max_length=120)
    recorder = forms.CharField(label=_("Thư ký hội nghị"), max_length=120)
    vote_method = forms.ChoiceField(label=_("Hình thức biểu quyết"), choices=VoteMethod.choices)
    content = forms.CharField(label=_("Diễn biến, ý kiến"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = (
                "form-select form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)


class DecisionMinutesForm(MinutesHeaderForm):
    invited = forms.IntegerField(label=_("Số cấp ủy viên được triệu tập"), min_value=1)
    present = forms.IntegerField(label=_("Số có mặt"), min_value=0)
    absent_note = forms.CharField(label=_("Vắng mặt, lý do"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    agree = forms.IntegerField(label=_("Số tán thành"), min_value=0, required=False)
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=64)
    decision_date = forms.DateField(label=_("Ngày quyết định"), widget=_date_widget(), input_formats=DATE_FORMATS)


class AttendanceRowForm(forms.Form):
    present = forms.BooleanField(label=_("Có mặt"), required=False)
    absence_reason = forms.CharField(label=_("Lý do vắng mặt"), max_length=255, required=False)
    voted_grade = forms.ChoiceField(label=_("Mức biểu quyết"), choices=GRADE_CHOICES, required=False)
    agree = forms.IntegerField(label=_("Số tán thành"), min_value=0, required=False)


class CollectiveNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Tóm tắt kết quả kiểm điểm tập thể lãnh đạo"), widget=forms.Textarea(attrs={"rows": 2})
    )


class OpinionForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput)
    opinion = forms.CharField(label=_("Ý kiến của tập thể"), widget=forms.Textarea(attrs={"rows": 2}))
    suggested_grade = forms.ChoiceField(label=_("Mức đề nghị"), choices=GRADE_CHOICES, required=False)
