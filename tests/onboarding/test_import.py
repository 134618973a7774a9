"""Import: dry run report, all-or-nothing apply, idempotent re-import, scoping, organisations sheet."""

from __future__ import annotations

import datetime as dt

import pytest

from onboarding.models import ImportJob, ImportStatus
from onboarding.services import imports
from organizations.models import Member, Membership, Organization, OrgKind, Position
from tests.onboarding.conftest import ORG_HEADERS, csv_bytes, member_row, xlsx_bytes

pytestmark = pytest.mark.django_db


def run(user, name: str, content: bytes, *, apply: bool = True) -> ImportJob:
    job = imports.import_job_create(user=user, file_name=name, content=content, queue=False)
    imports.import_job_validate(job_id=job.pk)
    job.refresh_from_db()
    if apply and job.can_apply:
        imports.import_job_request_apply(job=job, user=user, queue=False)
        imports.import_job_apply(job_id=job.pk)
        job.refresh_from_db()
    return job


def good_rows(tree, n=3, start=1):
    return [
        member_row(**{"Mã chi bộ": tree.cell.code, "Số thẻ đảng viên": f"{i:010d}", "Họ và tên": f"Nguyễn Văn Số {i}"})
        for i in range(start, start + n)
    ]


def test_mixed_good_and_bad_rows_reports_all_and_saves_nothing(cast):
    tree = cast.tree
    existing = Member.objects.filter(cell=tree.cell2).first()
    rows = good_rows(tree, 2) + [
        member_row(**{"Mã chi bộ": "KHONG-CO", "Số thẻ đảng viên": "0000000010"}),  # line 4
        member_row(**{"Mã chi bộ": tree.cell.code, "Số thẻ đảng viên": "0000000001"}),  # line 5 duplicate
        member_row(**{"Mã chi bộ": tree.cell.code, "Số thẻ đảng viên": "0000000011", "Ngày sinh": "31/02/1980"}),
        member_row(**{"Mã chi bộ": tree.cell.code, "Số thẻ đảng viên": existing.party_card_number}),  # line 7
        member_row(**{"Mã chi bộ": tree.committee.code, "Số thẻ đảng viên": "0000000012"}),  # line 8 not a cell
        member_row(**{"Mã chi bộ": tree.cell.code, "Số thẻ đảng viên": "0000000013", "Giới tính": "X"}),
    ]
    before = Member.objects.count()
    job = run(cast.province.user, "dang_vien.csv", csv_bytes(rows))
    assert job.status == ImportStatus.VALIDATED
    errors = {(e["line"], e["column"]): e["message"] for e in job.report["errors"]}
    assert errors[(4, "Mã chi bộ")] == "Không tìm thấy tổ chức có mã KHONG-CO."
    assert "trùng với dòng 2" in errors[(5, "Số thẻ đảng viên")]
    assert "không hợp lệ" in errors[(6, "Ngày sinh")]
    assert "đang sinh hoạt ở chi bộ khác" in errors[(7, "Số thẻ đảng viên")]
    assert "không phải là chi bộ" in errors[(8, "Mã chi bộ")]
    assert "Nam hoặc Nữ" in errors[(9, "Giới tính")]
    assert job.counts["members"]["create"] == 2
    assert job.error_count == 6
    # Applying is refused, and forcing the apply service writes nothing either.
    with pytest.raises(Exception, match="không có dòng lỗi"):
        imports.import_job_request_apply(job=job, user=cast.province.user, queue=False)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.APPLY_QUEUED)
    imports.import_job_apply(job_id=job.pk)
    assert Member.objects.count() == before


def test_apply_creates_members_memberships_and_reimport_changes_nothing(cast):
    tree = cast.tree
    rows = good_rows(tree, 3)
    rows[0]["Ngày bắt đầu sinh hoạt"] = "01/02/2020"
    content = csv_bytes(rows)
    job = run(cast.province.user, "dv.csv", content)
    assert job.status == ImportStatus.APPLIED, job.report["errors"]
    assert job.counts["written"]["members_created"] == 3
    member = Member.objects.get(party_card_number="0000000001")
    assert member.cell == tree.cell
    assert member.sort_key and member.search_name == "nguyen van so 1"
    assert member.history.count() == 1
    membership = Membership.objects.get(member=member)
    assert (membership.cell_id, membership.valid_from) == (tree.cell.id, dt.date(2020, 2, 1))
    counts = (Member.objects.count(), Membership.objects.count(), Member.history.count())

    again = run(cast.province.user, "dv.csv", content)
    assert again.status == ImportStatus.APPLIED
    assert again.counts["members"] == {"create": 0, "update": 0, "unchanged": 3}
    assert (Member.objects.count(), Membership.objects.count(), Member.history.count()) == counts


def test_changed_row_updates_member_with_history(cast):
    tree = cast.tree
    run(cast.province.user, "dv.csv", csv_bytes(good_rows(tree, 1)))
    row = good_rows(tree, 1)[0] | {"Họ và tên": "Nguyễn Văn Đổi"}
    job = run(cast.province.user, "dv.csv", csv_bytes([row]))
    assert job.counts["members"]["update"] == 1
    member = Member.objects.get(party_card_number="0000000001")
    assert member.full_name == "Nguyễn Văn Đổi"
    assert member.history.count() == 2


def test_commune_cannot_import_into_another_commune(cast):
    tree = cast.tree
    rows = [member_row(**{"Mã chi bộ": tree.gcell.code})]  # cell of commune2, outside `committee`
    job = run(cast.committee.user, "dv.csv", csv_bytes(rows))
    assert job.error_count == 1
    assert "ngoài phạm vi" in job.report["errors"][0]["message"]
    assert not Member.objects.filter(party_card_number="0000000001").exists()


def test_secretary_and_inspector_may_not_import(cast):
    from django.core.exceptions import PermissionDenied

    for who in (cast.secretary, cast.inspector, cast.member, cast.outsider):
        with pytest.raises(PermissionDenied):
            imports.import_job_create(user=who.user, file_name="a.csv", content=b"x", queue=False)


def test_xlsx_with_organisations_sheet_and_name_paths_and_positions(cast):
    tree = cast.tree
    orgs = [
        {
            "Mã tổ chức": "CB-MOI",
            "Tên tổ chức": "Chi bộ Thôn Mới",
            "Loại tổ chức": "Chi bộ cơ sở",
            "Mã tổ chức cấp trên": tree.commune2.code,
            "Hiệu lực từ": dt.datetime(2025, 7, 1),
        },
    ]
    members = [
        member_row(
            **{
                "Mã chi bộ": "CB-MOI",
                "Ngày sinh": dt.datetime(1980, 3, 15),
                "Chức vụ đảng": "Bí thư chi bộ",
                "Tên đăng nhập": "bithumoi",
            }
        ),
        member_row(
            **{
                "Đường dẫn chi bộ": "Đảng bộ xã An Hòa / Đảng bộ Trường THPT An Hòa / Chi bộ Tổ 2",
                "Số thẻ đảng viên": "0000000002",
            }
        ),
    ]
    from tests.onboarding.conftest import MEMBER_HEADERS

    content = xlsx_bytes({"Tổ chức": (ORG_HEADERS, orgs), "Đảng viên": (MEMBER_HEADERS, members)})
    job = run(cast.province.user, "mau.xlsx", content)
    assert job.status == ImportStatus.APPLIED, job.report["errors"]
    new = Organization.objects.get(code="CB-MOI")
    assert (new.kind, new.valid_from, Organization.objects.get_parent(new)) == (
        OrgKind.GRASSROOTS_CELL,
        dt.date(2025, 7, 1),
        tree.commune2,
    )
    assert Member.objects.get(party_card_number="0000000001").cell == new
    assert Member.objects.get(party_card_number="0000000002").cell == tree.cell2
    position = Position.objects.get(user__username="bithumoi")
    assert position.organization == new
    assert Member.objects.get(party_card_number="0000000001").user.username == "bithumoi"
    again = run(cast.province.user, "mau.xlsx", content)
    assert again.counts["organizations"]["unchanged"] == 1
    assert again.counts["positions"] == 0
    assert Position.objects.filter(user__username="bithumoi").count() == 1


def test_csv_without_bom_semicolons_and_ascii_headers(cast):
    text = "ma chi bo;so the dang vien;ho va ten;ngay sinh;gioi tinh;ngay vao dang\n"
    text += f"{cast.tree.cell.code};0000000005;Lê Thị Hoa;2/3/1990;Nữ;2015-01-01\n"
    job = run(cast.province.user, "ascii.csv", text.encode())
    assert job.status == ImportStatus.APPLIED, job.report["errors"]
    assert Member.objects.get(party_card_number="0000000005").sex == "F"


def test_unreadable_file_fails_clearly(cast):
    job = run(cast.province.user, "hong.xlsx", b"not a zip")
    assert job.status == ImportStatus.FAILED
    assert "Không đọc được tệp Excel" in job.message


def test_organisation_tree_import_nested_levels_in_one_file(cast):
    tree = cast.tree
    orgs = [
        {
            "Mã tổ chức": "X-MOI",
            "Tên tổ chức": "Đảng bộ xã Mới",
            "Loại tổ chức": "COMMUNE",
            "Mã tổ chức cấp trên": tree.province.code,
        },
        {
            "Mã tổ chức": "DB-TRUONG",
            "Tên tổ chức": "Đảng bộ Trường Mới",
            "Loại tổ chức": "Đảng bộ cơ sở",
            "Mã tổ chức cấp trên": "X-MOI",
        },
        {
            "Mã tổ chức": "CB-1",
            "Tên tổ chức": "Chi bộ 1",
            "Loại tổ chức": "Chi bộ trực thuộc",
            "Mã tổ chức cấp trên": "DB-TRUONG",
        },
        {"Mã tổ chức": "CB-2", "Tên tổ chức": "Chi bộ 2", "Loại tổ chức": "CELL", "Mã tổ chức cấp trên": "DB-TRUONG"},
        {
            "Mã tổ chức": "CB-THON",
            "Tên tổ chức": "Chi bộ Thôn",
            "Loại tổ chức": "GRASSROOTS_CELL",
            "Mã tổ chức cấp trên": "X-MOI",
        },
        {
            "Mã tổ chức": "CB-X",
            "Tên tổ chức": "Chi bộ con",
            "Loại tổ chức": "CELL",
            "Mã tổ chức cấp trên": "CB-1",
        },  # bad
        {
            "Mã tổ chức": "Q" * 60,
            "Tên tổ chức": "Quá dài",
            "Loại tổ chức": "CELL",
            "Mã tổ chức cấp trên": "X-MOI",
        },  # bad
    ]
    job = run(cast.province.user, "to_chuc.csv", csv_bytes(orgs, ORG_HEADERS))
    assert [(e["line"], e["column"]) for e in job.report["errors"]] == [(7, "Mã tổ chức cấp trên"), (8, "Mã tổ chức")]
    job = run(cast.province.user, "to_chuc.csv", csv_bytes(orgs[:5], ORG_HEADERS))
    assert job.status == ImportStatus.APPLIED, job.report["errors"]
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    school = Organization.objects.get(code="DB-TRUONG")
    assert [c.code for c in Organization.objects.get_children(school)] == ["CB-1", "CB-2"]
    assert Organization.objects.get_parent(Organization.objects.get(code="CB-THON")).code == "X-MOI"
    assert Organization.history.filter(code="CB-2").count() == 1
    again = run(cast.province.user, "to_chuc.csv", csv_bytes(orgs[:5], ORG_HEADERS))
    assert again.counts["organizations"] == {"create": 0, "update": 0, "unchanged": 5}
