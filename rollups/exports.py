"""Exports of the summary tables: Excel in the layout sent upward (REFERENCE 7.1: table A with the
full / probationary split, table B with the grassroots and subordinate-cell blocks, table C of
leadership collectives and leaders, the indicators, the narrative summary), PDF.

Number formats are fixed strings, never the active locale's (Excel shows them in the user's locale).
"""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from core.spreadsheet import xlsx_append
from organizations.models import OrgKind, PositionKind
from reviews.indicator_data import INDICATORS
from reviews.models import Grade, NotGradedReason

from . import definitions as d
from . import report

GRADE_ABBR = Grade.abbreviations()
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
    probationary = line.get("members_probationary")
    row = [index, name, line.members, line.members - probationary, probationary, line.get("graded"), line.not_graded]
    row += [n for _r, n in line.reasons]
    for _g, n, share in line.grades:
        row += [n, _pct(share)]
    return row + [_pct(line.excellent_over_good_pct)]


def _members_sheet(ws, board) -> None:
    header = [
        _("STT"),
        _("Tổ chức đảng"),
        _("Tổng số đảng viên"),
        _("Trong đó: chính thức"),
        _("Trong đó: dự bị"),
        _("Số được xếp loại"),
        _("Số không xếp loại"),
    ]
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
    blocks = report.org_blocks(board.org, [line.org for line in board.children], board.year, board.stage)
    for block, title in BLOCK_TITLES.items():
        ws.append([])
        ws.append([str(title)])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
        rows = [_counts_row(i, line.org.name, blocks[line.org.pk][block]) for i, line in enumerate(board.children, 1)]
        rows.append(_counts_row("", _("Tổng cộng"), blocks["total"][block]))
        _grid(ws, _counts_header(_("Tổ chức đảng"), _("Tổng số")), rows, ws.max_row + 1)
    return blocks


BLOCK_TITLES = {
    report.GRASSROOTS: _lazy("Tổ chức cơ sở đảng (đảng bộ cơ sở, chi bộ cơ sở)"),
    report.SUBORDINATE: _lazy("Chi bộ trực thuộc đảng ủy cơ sở, đảng bộ bộ phận"),
}


def _counts_header(first: str, total: str) -> list[str]:
    header = [_("STT"), first, total, _("Số được xếp loại"), _("Số không xếp loại")]
    for grade in d.GRADES:
        header += [
            _("%(grade)s: số lượng") % {"grade": GRADE_ABBR[grade]},
            _("%(grade)s: tỷ lệ %%") % {"grade": GRADE_ABBR[grade]},
        ]
    return header


def _counts_row(index, name, counts: report.Counts) -> list:
    row = [index, name, counts.total, counts.graded, counts.not_graded]
    for grade in d.GRADES:
        row += [counts.grades[grade], _pct(counts.share(grade))]
    return row


def _leaders_sheet(ws, board) -> tuple[dict, dict, report.Counts]:
    """Table C: leadership collectives by level and leaders / managers by post (REFERENCE 7.1)."""
    header = _counts_header(_("Tập thể lãnh đạo, quản lý"), _("Tổng số"))
    first = _title(ws, board, _("BIỂU TỔNG HỢP XẾP LOẠI TẬP THỂ, CÁ NHÂN LÃNH ĐẠO, QUẢN LÝ NĂM %(year)s"), len(header))
    groups = report.collectives(board.org, board.year, board.stage)
    rows = [_counts_row(i, str(OrgKind(kind).label), c) for i, (kind, c) in enumerate(groups.items(), 1)]
    _grid(ws, header, rows, first)
    ws.append([])
    by_post, total = report.leaders(board.org, board.year, board.stage)
    rows = [_counts_row(i, str(PositionKind(kind).label), c) for i, (kind, c) in enumerate(by_post.items(), 1)]
    rows.append(_counts_row("", _("Tổng số cán bộ lãnh đạo, quản lý (mỗi người tính một lần)"), total))
    _grid(ws, _counts_header(_("Cá nhân lãnh đạo, quản lý (chức vụ trong năm)"), _("Tổng số")), rows, ws.max_row + 1)
    return groups, by_post, total


class _Heading(str):
    """A section title of the narrative summary (bold)."""


def _n(value) -> str:
    return f"{value:.1f}".replace(".", ",") if isinstance(value, float) else "—" if value is None else str(value)


def _summary_sheet(ws, board, blocks: dict, removal: int) -> None:
    """Báo cáo tóm tắt: the narrative sections of the report, with the figures filled in."""
    t = board.total
    first = _title(ws, board, _("BÁO CÁO TÓM TẮT KẾT QUẢ KIỂM ĐIỂM, XẾP LOẠI NĂM %(year)s"), 1)
    del first
    grades = {g: (n, share) for g, n, share in t.grades}
    probationary = t.get("members_probationary")
    lines = [
        _Heading(_("1. Tình hình tổ chức kiểm điểm")),
        _("%(s)s/%(c)s chi bộ đã nộp đề xuất xếp loại, %(d)s chi bộ đã được quyết định, %(l)s chi bộ chậm hạn.")
        % {"s": t.get("cells_submitted"), "c": t.get("cells"), "d": t.get("cells_decided"), "l": t.get("cells_late")},
        _Heading(_("2. Kết quả xếp loại đảng viên")),
        _(
            "Tổng số %(m)s đảng viên (chính thức %(f)s, dự bị %(p)s); được xếp loại %(g)s, không xếp loại %(ng)s. "
            "HTXSNV %(e)s (%(ep)s %%), HTTNV %(gd)s (%(gp)s %%), HTNV %(c)s (%(cp)s %%), KHTNV %(nc)s (%(np)s %%); "
            "tỷ lệ HTXSNV / HTTNV: %(q)s %%."
        )
        % {
            "m": t.members,
            "f": t.members - probationary,
            "p": probationary,
            "g": t.get("graded"),
            "ng": t.not_graded,
            "e": grades["EXCELLENT"][0],
            "ep": _n(grades["EXCELLENT"][1]),
            "gd": grades["GOOD"][0],
            "gp": _n(grades["GOOD"][1]),
            "c": grades["COMPLETED"][0],
            "cp": _n(grades["COMPLETED"][1]),
            "nc": grades["NOT_COMPLETED"][0],
            "np": _n(grades["NOT_COMPLETED"][1]),
            "q": _n(t.excellent_over_good_pct),
        },
        _Heading(_("3. Kết quả xếp loại tổ chức đảng")),
    ]
    for block, title in BLOCK_TITLES.items():
        c = blocks["total"][block]
        lines.append(
            _(
                "%(t)s: %(n)s, được xếp loại %(g)s, không xếp loại %(ng)s; HTXSNV %(e)s, HTTNV %(gd)s, HTNV %(c)s, KHTNV %(nc)s."
            )
            % {
                "t": title,
                "n": c.total,
                "g": c.graded,
                "ng": c.not_graded,
                "e": c.grades["EXCELLENT"],
                "gd": c.grades["GOOD"],
                "c": c.grades["COMPLETED"],
                "nc": c.grades["NOT_COMPLETED"],
            }
        )
    excellent_orgs = sum(blocks["total"][b].grades["EXCELLENT"] for b in report.BLOCKS)
    lines += [
        _Heading(_("4. Ưu điểm")),
        _("(Đơn vị bổ sung.)"),
        _Heading(_("5. Hạn chế, khuyết điểm và nguyên nhân")),
        _("(Đơn vị bổ sung.)"),
        _Heading(_("6. Đề xuất khen thưởng")),
        _(
            "%(o)s tổ chức đảng Hoàn thành xuất sắc nhiệm vụ (xem xét công nhận “trong sạch, vững mạnh tiêu biểu”); "
            "%(m)s đảng viên Hoàn thành xuất sắc nhiệm vụ (xem xét khen thưởng, “5 năm liền”)."
        )
        % {"o": excellent_orgs, "m": grades["EXCELLENT"][0]},
        _Heading(_("7. Xử lý đảng viên không hoàn thành nhiệm vụ")),
        _("%(n)s đảng viên Không hoàn thành nhiệm vụ; %(r)s đảng viên hai năm liền — chi bộ xem xét đưa ra khỏi Đảng.")
        % {"n": grades["NOT_COMPLETED"][0], "r": removal},
        _Heading(_("8. Kiến nghị, đề xuất")),
        _("(Đơn vị bổ sung.)"),
    ]
    for text in lines:
        ws.append([str(text)])
        cell = ws.cell(row=ws.max_row, column=1)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if isinstance(text, _Heading):
            cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 120


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
    blocks = _orgs_sheet(wb.create_sheet(_("Tổ chức đảng")), board)
    _leaders_sheet(wb.create_sheet(_("Lãnh đạo, quản lý")), board)
    _indicators_sheet(wb.create_sheet(_("Biểu hiện")), board)
    _summary_sheet(
        wb.create_sheet(_("Báo cáo tóm tắt")), board, blocks, report.removal_candidates(board.org, board.year)
    )
    buffer = BytesIO()
    wb.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="tong-hop-{board.org.pk}-{board.year}.xlsx"'
    return response
