"""Pages: who may see them, upload → dry run → apply through the web, the template, reorganisation form."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onboarding.models import ImportJob, ImportStatus, Reorganisation
from organizations.models import Member, Organization
from tests.onboarding.conftest import csv_bytes, member_row

pytestmark = pytest.mark.django_db


def upload(client, content: bytes, name="dv.csv"):
    return client.post(reverse("onboarding:import"), {"file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize("who", ["member", "secretary", "other_secretary", "inspector", "outsider"])
def test_import_page_forbidden_without_import_right(client, cast, who):
    client.force_login(getattr(cast, who).user)
    assert client.get(reverse("onboarding:import")).status_code == 403
    assert client.get(reverse("onboarding:reorganise")).status_code == 403
    assert client.get(reverse("onboarding:template")).status_code == 403


def test_anonymous_redirected_to_login(client):
    response = client.get(reverse("onboarding:import"))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_committee_sees_page_nav_link_and_template(client, cast):
    client.force_login(cast.committee.user)
    page = client.get(reverse("onboarding:import"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Số thẻ đảng viên" in html and reverse("onboarding:import") in html  # column layout + nav link
    response = client.get(reverse("onboarding:template"))
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Hướng dẫn", "Tổ chức", "Đảng viên"]
    assert wb["Đảng viên"]["C1"].value == "Số thẻ đảng viên"


def test_upload_dry_run_then_apply_through_the_web(client, cast, eager_celery, django_capture_on_commit_callbacks):
    client.force_login(cast.committee.user)
    rows = [member_row(**{"Mã chi bộ": cast.tree.cell.code, "Số thẻ đảng viên": f"77{i:08d}"}) for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, csv_bytes(rows))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("onboarding:job", args=[job.pk])
    page = client.get(response["Location"])
    assert "Ghi dữ liệu" in page.content.decode()
    assert not Member.objects.filter(party_card_number__startswith="77").exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("onboarding:apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED
    assert Member.objects.filter(party_card_number__startswith="77").count() == 3
    report = client.get(reverse("onboarding:report_csv", args=[job.pk])).content.decode("utf-8-sig")
    assert "tạo mới" in report


def test_bad_rows_shown_with_line_and_reason(client, cast, eager_celery, django_capture_on_commit_callbacks):
    client.force_login(cast.committee.user)
    rows = [member_row(**{"Mã chi bộ": cast.tree.gcell.code})]
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, csv_bytes(rows))
    html = client.get(response["Location"]).content.decode()
    assert "nằm ngoài phạm vi được giao" in html
    assert "Tệp có dòng lỗi nên không thể ghi" in html


def test_wrong_extension_is_a_form_error(client, cast):
    client.force_login(cast.committee.user)
    response = upload(client, b"x", name="dv.pdf")
    assert response.status_code == 200
    assert "Chỉ nhận tệp .xlsx hoặc .csv." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_other_users_job_is_404(client, cast):
    job = ImportJob.objects.create(created_by=cast.province.user, file_name="a.csv", content=b"")
    client.force_login(cast.committee.user)
    for name in ("onboarding:job", "onboarding:progress", "onboarding:report_csv"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("onboarding:apply", args=[job.pk])).status_code == 404


def test_progress_partial_polls_while_running_and_refreshes_when_done(client, cast):
    job = ImportJob.objects.create(
        created_by=cast.committee.user,
        file_name="a.csv",
        content=b"",
        status=ImportStatus.APPLYING,
        progress_done=50,
        progress_total=200,
    )
    client.force_login(cast.committee.user)
    url = reverse("onboarding:progress", args=[job.pk])
    html = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" in html and "25%" in html
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.APPLIED)
    response = client.get(url, headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true"


def test_job_page_query_count_does_not_grow_with_rows(client, cast, django_assert_max_num_queries):
    report = {"rows": [["Đảng viên", i, "create", f"{i}", "A"] for i in range(2, 5000)], "errors": []}
    job = ImportJob.objects.create(
        created_by=cast.committee.user, file_name="a.csv", content=b"", report=report, status=ImportStatus.VALIDATED
    )
    client.force_login(cast.committee.user)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("onboarding:job", args=[job.pk])).status_code == 200


def test_reorganise_preview_then_apply(client, cast):
    tree = cast.tree
    client.force_login(cast.province.user)
    data = {
        "kind": "MERGE",
        "on": "01/07/2025",
        "sources": f"{tree.commune.code}, {tree.commune2.code}",
        "parent": tree.province.code,
        "name": "Đảng bộ xã An Minh",
        "code": "X-AN-MINH",
    }
    page = client.post(reverse("onboarding:reorganise"), data | {"action": "preview"})
    html = page.content.decode()
    assert 'data-testid="preview"' in html and "Đảng bộ xã An Minh" in html
    assert not Organization.objects.filter(code="X-AN-MINH").exists()
    response = client.post(reverse("onboarding:reorganise"), data | {"action": "apply"})
    assert response.status_code == 302
    assert Organization.objects.filter(code="X-AN-MINH", valid_to__isnull=True).exists()
    record = Reorganisation.objects.get()
    assert record.performed_by == cast.province.user
    assert "Hợp nhất" in client.get(reverse("onboarding:reorganisations")).content.decode()


def test_reorganise_form_rejects_codes_outside_scope(client, cast):
    client.force_login(cast.committee.user)
    data = {"kind": "CLOSE", "on": "01/07/2025", "sources": cast.tree.gcell.code, "action": "preview"}
    html = client.post(reverse("onboarding:reorganise"), data).content.decode()
    assert "trong phạm vi được giao" in html


def test_lineage_panel_links_predecessors_and_successors(client, cast):
    import datetime as dt

    from onboarding.services import reorg

    tree = cast.tree
    reorg.organization_merge(
        sources=[tree.commune, tree.commune2],
        parent=tree.province,
        name="Đảng bộ xã An Minh",
        code="X-AM",
        on=dt.date(2025, 7, 1),
    )
    merged = Organization.objects.get(code="X-AM")
    client.force_login(cast.province.user)
    html = client.get(reverse("organizations:detail", args=[merged.pk])).content.decode()
    assert "Tổ chức tiền thân" in html and "Đảng bộ xã An Hòa" in html
    html = client.get(reverse("organizations:detail", args=[tree.commune.pk])).content.decode()
    assert "Tổ chức kế tục" in html and "Đảng bộ xã An Minh" in html and "30/06/2025" in html
