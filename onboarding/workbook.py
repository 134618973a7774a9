"""The downloadable .xlsx template: an instructions sheet, an organisations sheet and a members sheet."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from core.spreadsheet import xlsx_append
from organizations.models import OrgKind, PositionKind

from .columns import MEMBER_COLUMNS, MEMBER_SHEET, ORG_COLUMNS, ORG_SHEET, Column


def template_workbook() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    guide = wb.active
    guide.title = "Hướng dẫn"
    xlsx_append(guide, [_("Mẫu nhập dữ liệu Tự soi")])
    guide["A1"].font = Font(bold=True, size=14)
    xlsx_append(
        guide,
        [
            _(
                "Trang “Tổ chức” (không bắt buộc) tạo hoặc đổi tên tổ chức; trang “Đảng viên” tạo hoặc cập nhật đảng viên."
            )
        ],
    )
    xlsx_append(guide, [_("Luôn chạy thử trước; chỉ ghi khi không có dòng lỗi. Nhập lại cùng tệp không thay đổi gì.")])
    xlsx_append(guide, [])
    xlsx_append(guide, [_("Trang"), _("Cột"), _("Bắt buộc"), _("Ví dụ"), _("Ghi chú")])
    for sheet, columns in ((ORG_SHEET, ORG_COLUMNS), (MEMBER_SHEET, MEMBER_COLUMNS)):
        for column in columns:
            xlsx_append(
                guide, [sheet, column.header, _("có") if column.required else "", column.example, str(column.help)]
            )
    xlsx_append(guide, [])
    xlsx_append(guide, [_("Loại tổ chức")] + [str(label) for _v, label in OrgKind.choices])
    xlsx_append(guide, [_("Chức vụ đảng")] + [str(label) for _v, label in PositionKind.choices])
    for ws_title, columns in ((ORG_SHEET, ORG_COLUMNS), (MEMBER_SHEET, MEMBER_COLUMNS)):
        _data_sheet(wb.create_sheet(ws_title), columns, Font)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _data_sheet(ws, columns: tuple[Column, ...], font) -> None:
    xlsx_append(ws, [c.header for c in columns])
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = font(bold=True, color="C00000" if column.required else "000000")
        ws.column_dimensions[cell.column_letter].width = max(14, len(column.header) + 4)
        # Text format so card numbers keep their leading zeros and dates are not reinterpreted.
        for row in range(2, 1002):
            ws.cell(row=row, column=index).number_format = "@"
    ws.freeze_panes = "A2"
