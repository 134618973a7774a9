"""The documented column layout of import files (see onboarding/README.md and the .xlsx template).

Headers are matched accent- and case-insensitively ("So the dang vien" works), so files typed on a
keyboard without Vietnamese input still import. Unknown columns are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from core.text import ascii_fold


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Vietnamese header written in the template (also the msgid)
    required: bool = False
    example: str = ""
    help: str = ""


MEMBER_SHEET = "Đảng viên"
ORG_SHEET = "Tổ chức"

MEMBER_COLUMNS: tuple[Column, ...] = (
    Column("org_code", "Mã chi bộ", example="CB-THON-DONG", help=_("Mã chi bộ nơi đảng viên sinh hoạt.")),
    Column(
        "org_path",
        "Đường dẫn chi bộ",
        example="",
        help=_("Dùng khi không có mã: tên các cấp nối bằng dấu /, ví dụ Đảng bộ xã An Hòa / Chi bộ Tổ 1."),
    ),
    Column("card", "Số thẻ đảng viên", True, "0123456789", _("Khóa nhận diện: nhập lại cùng tệp không tạo trùng.")),
    Column("full_name", "Họ và tên", True, "Nguyễn Văn An"),
    Column("date_of_birth", "Ngày sinh", True, "15/03/1980", _("Ngày dạng ngày/tháng/năm.")),
    Column("sex", "Giới tính", True, "Nam", _("Nam hoặc Nữ.")),
    Column("admitted_on", "Ngày vào Đảng", True, "19/05/2010"),
    Column("full_member_on", "Ngày chính thức", False, "19/05/2011", _("Bỏ trống với đảng viên dự bị.")),
    Column("status", "Tình trạng", False, "Chính thức", _("Dự bị, Chính thức, Miễn công tác…; mặc định Chính thức.")),
    Column("joined_on", "Ngày bắt đầu sinh hoạt", False, "01/01/2020", _("Mặc định là ngày vào Đảng.")),
    Column("job_title", "Chức vụ chính quyền, đoàn thể", False, "Giáo viên"),
    Column("email", "Thư điện tử", False, ""),
    Column("position", "Chức vụ đảng", False, "", _("Ví dụ Bí thư chi bộ; cần tên đăng nhập.")),
    Column("position_org", "Mã tổ chức giữ chức vụ", False, "", _("Mặc định là chi bộ của đảng viên.")),
    Column("username", "Tên đăng nhập", False, "", _("Tạo tài khoản (chưa có mật khẩu) nếu chưa có.")),
)

ORG_COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã tổ chức", True, "CB-THON-DONG"),
    Column("name", "Tên tổ chức", True, "Chi bộ Thôn Đông"),
    Column("kind", "Loại tổ chức", True, "Chi bộ cơ sở", _("Tên loại hoặc mã: PROVINCE, COMMUNE, CELL…")),
    Column("parent_code", "Mã tổ chức cấp trên", False, "DB-XA-MINH-QUANG", _("Bỏ trống chỉ với đảng bộ tỉnh.")),
    Column("valid_from", "Hiệu lực từ", False, "01/07/2025", _("Mặc định 01/01/2000.")),
)


def fold(text: str) -> str:
    return " ".join(ascii_fold(str(text or "")).replace("_", " ").split())


def header_map(headers: list, columns: tuple[Column, ...]) -> dict[str, int]:
    """Column key → index in the row, for the headers that were recognised."""
    wanted = {fold(c.header): c.key for c in columns} | {fold(c.key): c.key for c in columns}
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = wanted.get(fold(header))
        if key and key not in found:
            found[key] = index
    return found


def is_org_sheet(headers: list) -> bool:
    keys = header_map(headers, ORG_COLUMNS)
    return "kind" in keys and "card" not in header_map(headers, MEMBER_COLUMNS)
