"""Upload and reorganisation forms (crispy, bootstrap5). Organisations are named by code."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.dates import plausible_error
from organizations.models import Member, Organization

from .models import ReorgKind
from .services.import_plan import ImportScope
from .services.imports import MAX_FILE_BYTES


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp dữ liệu (.xlsx hoặc .csv)"),
        help_text=_("Tệp sẽ được chạy thử trước; chưa ghi gì cho đến khi bạn bấm Ghi dữ liệu."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise ValidationError(_("Chỉ nhận tệp .xlsx hoặc .csv."))
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(_("Tệp quá lớn (tối đa 50 MB)."))
        return upload


class ReorganisationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Hình thức"), choices=ReorgKind.choices)
    on = forms.DateField(
        label=_("Có hiệu lực từ ngày"), input_formats=["%d/%m/%Y", "%Y-%m-%d"], help_text=_("Ví dụ 01/07/2025.")
    )
    sources = forms.CharField(
        label=_("Mã tổ chức cũ"),
        help_text=_("Hợp nhất: nhiều mã, cách nhau bởi dấu phẩy. Các hình thức khác: một mã."),
    )
    parent = forms.CharField(
        label=_("Mã tổ chức cấp trên mới"), required=False, help_text=_("Dùng khi hợp nhất, chuyển trực thuộc.")
    )
    name = forms.CharField(
        label=_("Tên tổ chức mới"), required=False, max_length=255, help_text=_("Dùng khi hợp nhất.")
    )
    code = forms.CharField(label=_("Mã tổ chức mới"), required=False, max_length=60, help_text=_("Dùng khi hợp nhất."))
    parts = forms.CharField(
        label=_("Các tổ chức mới khi chia tách"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng: tên | mã."),
    )
    assignments = forms.CharField(
        label=_("Phân bổ khi chia tách"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng: mã tổ chức trực thuộc hoặc số thẻ đảng viên = số thứ tự tổ chức mới (1, 2, …)."),
    )
    transfer_to = forms.CharField(
        label=_("Mã chi bộ tiếp nhận đảng viên"), required=False, help_text=_("Dùng khi giải thể.")
    )
    note = forms.CharField(label=_("Căn cứ, ghi chú"), required=False, max_length=255)

    def __init__(self, *args, scope: ImportScope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.helper = FormHelper()
        self.helper.form_tag = False

    def _org(self, code: str, field: str) -> Organization | None:
        code = code.strip()
        if not code:
            return None
        org = Organization.objects.filter(code=code, valid_to__isnull=True).first()
        if org is None or not self.scope.covers(org.path):
            self.add_error(field, _("Không tìm thấy tổ chức có mã %(code)s trong phạm vi được giao.") % {"code": code})
            return None
        return org

    def clean_on(self):
        on = self.cleaned_data["on"]
        if message := plausible_error("reorganisation", on):
            raise forms.ValidationError(message)
        return on

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        kind = data["kind"]
        sources = [self._org(c, "sources") for c in data["sources"].split(",") if c.strip()]
        parent = self._org(data.get("parent", ""), "parent")
        transfer_to = self._org(data.get("transfer_to", ""), "transfer_to")
        if self.errors:
            return data
        data["kwargs"] = self._kwargs(kind, sources, parent, transfer_to, data)
        return data

    def _kwargs(self, kind, sources, parent, transfer_to, data) -> dict:
        base = {"on": data["on"], "note": data.get("note", ""), "scope": self.scope}
        if kind != ReorgKind.MERGE and len(sources) != 1:
            self.add_error("sources", _("Hình thức này cần đúng một mã tổ chức."))
            return {}
        if kind == ReorgKind.MERGE:
            for key in ("name", "code"):
                if not data.get(key):
                    self.add_error(key, _("Cần nhập khi hợp nhất."))
            if parent is None and not self.scope.is_superuser:  # no parent = a new province
                self.add_error("parent", _("Cần nhập khi hợp nhất."))
            return base | {"sources": sources, "parent": parent, "name": data.get("name"), "code": data.get("code")}
        if kind == ReorgKind.MOVE:
            if parent is None:
                self.add_error("parent", _("Cần nhập khi chuyển trực thuộc."))
            return base | {"org": sources[0], "new_parent": parent}
        if kind == ReorgKind.CLOSE:
            return base | {"org": sources[0], "transfer_to": transfer_to}
        if kind == ReorgKind.REMOVE_LEVEL:
            return base | {"org": sources[0]}
        return base | self._split(sources[0], data)

    def _split(self, source: Organization, data) -> dict:
        parts = []
        for line in data.get("parts", "").splitlines():
            if line.strip():
                name, _sep, code = line.partition("|")
                parts.append((name.strip(), code.strip()))
        if len(parts) < 2 or not all(n and c for n, c in parts):
            self.add_error("parts", _("Cần ít nhất hai dòng dạng tên | mã."))
            return {}
        assignments = {}
        for line in data.get("assignments", "").splitlines():
            if not line.strip():
                continue
            key, _sep, number = line.partition("=")
            key = key.strip()
            target = (
                Organization.objects.filter(code=key, path__startswith=source.path).values_list("pk", flat=True).first()
            )
            target = (
                target or Member.objects.filter(party_card_number=key, cell=source).values_list("pk", flat=True).first()
            )
            if target is None or not number.strip().isdigit() or not 1 <= int(number) <= len(parts):
                self.add_error("assignments", _("Dòng phân bổ không hợp lệ: %(line)s") % {"line": line.strip()})
                continue
            assignments[target] = int(number) - 1
        return {"source": source, "parts": parts, "assignments": assignments}
