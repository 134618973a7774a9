"""Exports of the summary tables: Excel in the layout sent upward (tables A and B, indicators), PDF.

Number formats are fixed strings, never the active locale's (Excel shows them in the user's locale).
"""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from core.spreadsheet import xlsx_append
from reviews.indicator_data import INDICATORS
from reviews.models import NotGradedReason

from . import definitions as d

GRADE_ABBR = {"EXCELLENT": "HTXSNV", "GOOD": "HTTNV", "COMPLETED": "HTNV", "NOT_COMPLETED": "KHTNV"}
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
PCT = "0.0"


def _title(ws, board, title: str, width: int) -> int:
    xlsx_append(ws, [_("ĐẢNG CỘNG SẢN VIỆT NAM")])
    xlsx_append(ws, [board.org.name])
    xlsx_append(ws, [title % {"year": board.year}])
    xlsx_append(ws, [_("Số liệu tính đến: %(time)s") % {"time": _as_of(board)}])
    for row in range(1, 5):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        ws.cell(row=row, column=1).alignment = Alignment(horizontal="center")
    ws.cell(row=3, column=1).font = Font(bold=True, size=13)
    xlsx_append(ws, [])
    return 6


def _as_of(board) -> str:
    # The stored instant is UTC; the sheet must show the same local time as the dashboard.
    return timezone.localtime(board.as_of).strftime("%d/%m/%Y %H:%M") if board.as_of else "—"


def _grid(ws, header: list[str], rows: list[list], first_row: int) -> None:
    xlsx_append(ws, header)
    for row in rows:
        xlsx_append(ws, row)
    for r in ws.iter_rows(min_row=first_row, max_row=ws.max_row, max_col=len(header)):
        for cell in r:
            cell.border = BOX
            if cell.row == first_row:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            elif isinstance(cell.value, float):
                cell.number_format = PCT
    ws.column_dimensions["B"].width = 42
    for col in range(3, len(header) + 1):
        ws.column_dimensions[get_column_letter(col)].width = 11


def _pct(value) -> float | str:
    return value if value is not None else ""


def _members_row(index, name, line) -> list:
    row = [index, name, line.members, line.get("graded")]
    row += [n for _r, n in line.reasons]
    for _g, n, share in line.grades:
        row += [n, _pct(share)]
    return row + [_pct(line.excellent_over_good_pct)]


def _members_sheet(ws, board) -> None:
    header = [_("STT"), _("Tổ chức đảng"), _("Tổng số đảng viên"), _("Số được xếp loại")]
    header += [_("Không xếp loại: %(reason)s") % {"reason": NotGradedReason(r).label} for r in d.REASONS]
    for grade in d.GRADES:
        header += [
            _("%(grade)s: số lượng") % {"grade": GRADE_ABBR[grade]},
            _("%(grade)s: tỷ lệ %%") % {"grade": GRADE_ABBR[grade]},
        ]
    header.append(_("Tỷ lệ HTXSNV / HTTNV (%)"))
    first = _title(ws, board, _("BIỂU TỔNG HỢP KẾT QUẢ XẾP LOẠI ĐẢNG VIÊN NĂM %(year)s"), len(header))
    rows = [_members_row(i, line.org.name, line) for i, line in enumerate(board.children, 1)]
    rows.append(_members_row("", _("Tổng cộng"), board.total))
    _grid(ws, header, rows, first)


def _orgs_row(index, name, line) -> list:
    row = [index, name, line.get("orgs"), line.get("orgs_graded")]
    for _g, n, share in line.org_grades:
        row += [n, _pct(share)]
    return row


def _orgs_sheet(ws, board) -> None:
    header = [_("STT"), _("Tổ chức đảng"), _("Số tổ chức trực thuộc"), _("Số được xếp loại")]
    for grade in d.GRADES:
        header += [
            _("%(grade)s: số lượng") % {"grade": GRADE_ABBR[grade]},
            _("%(grade)s: tỷ lệ %%") % {"grade": GRADE_ABBR[grade]},
        ]
    first = _title(ws, board, _("BIỂU TỔNG HỢP KẾT QUẢ XẾP LOẠI TỔ CHỨC ĐẢNG NĂM %(year)s"), len(header))
    rows = [_orgs_row(i, line.org.name, line) for i, line in enumerate(board.children, 1)]
    rows.append(_orgs_row("", _("Tổng cộng"), board.total))
    _grid(ws, header, rows, first)


def _indicators_sheet(ws, board) -> None:
    header = [_("STT"), _("Biểu hiện suy thoái")] + [line.org.name for line in board.children] + [_("Tổng cộng")]
    first = _title(ws, board, _("SỐ ĐẢNG VIÊN TỰ NHẬN BIỂU HIỆN SUY THOÁI NĂM %(year)s"), len(header))
    rows = []
    for n, indicator in enumerate(INDICATORS):
        counts = [line.indicators[n] for line in board.children]
        rows.append([indicator["number"], indicator["label_vi"], *counts, board.total.indicators[n]])
    _grid(ws, header, rows, first)


def xlsx_response(board) -> HttpResponse:
    wb = Workbook()
    _members_sheet(wb.active, board)
    wb.active.title = _("Đảng viên")
    _orgs_sheet(wb.create_sheet(_("Tổ chức đảng")), board)
    _indicators_sheet(wb.create_sheet(_("Biểu hiện")), board)
    buffer = BytesIO()
    wb.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="tong-hop-{board.org.pk}-{board.year}.xlsx"'
    return response


def pdf_response(request, template: str, context: dict) -> HttpResponse:
    from weasyprint import HTML  # heavy import, only when a PDF is asked for

    html = render_to_string(template, context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="tong-hop-{context["org"].pk}-{context["board"].year}.pdf"'
    return response
