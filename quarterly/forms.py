from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.models import Grade

GRADES = [("", "—"), *Grade.choices]


class QuarterForm(forms.Form):
    nam = forms.IntegerField(min_value=2000, max_value=2100, required=False)
    quy = forms.IntegerField(min_value=1, max_value=4, required=False)


class SelfForm(forms.Form):
    tasks = forms.CharField(
        label=_("Nhiệm vụ được giao trong quý"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    results = forms.CharField(label=_("Kết quả thực hiện"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    self_score = forms.DecimalField(
        label=_("Tự chấm điểm (thang 100)"), min_value=0, max_value=100, decimal_places=2, required=False
    )
    self_grade = forms.ChoiceField(label=_("Tự xếp loại"), choices=GRADES, required=False)


class DecideForm(forms.Form):
    evaluation = forms.IntegerField()
    action = forms.ChoiceField(choices=[("decide", "decide"), ("return", "return")])
    grade = forms.ChoiceField(choices=GRADES, required=False)
    score = forms.DecimalField(min_value=0, max_value=100, decimal_places=2, required=False)
    note = forms.CharField(max_length=500, required=False)
