"""Journeys: a committee imports members (dry run, progress, apply); a province merges two communes."""

import pytest

from organizations.models import Member, Organization
from tests.browser.conftest import login
from tests.onboarding.conftest import csv_bytes, member_row


@pytest.mark.django_db(transaction=True)
def test_committee_uploads_dry_runs_and_applies_through_real_worker(
    page, live_server, cast, celery_worker_thread, tmp_path
):
    good = [member_row(**{"Mã chi bộ": cast.tree.cell.code, "Số thẻ đảng viên": f"44{i:08d}"}) for i in range(5)]
    bad = member_row(**{"Mã chi bộ": cast.tree.gcell.code, "Số thẻ đảng viên": "4499999999"})
    login(page, live_server, "dangbo")
    page.get_by_role("link", name="Nhập dữ liệu").click()
    page.get_by_role("heading", name="Nhập dữ liệu tổ chức và đảng viên").wait_for()

    # First a file with a bad row: reported with its line, nothing can be applied.
    path = tmp_path / "co-loi.csv"
    path.write_bytes(csv_bytes([*good, bad]))
    page.get_by_label("Tệp dữ liệu (.xlsx hoặc .csv)").set_input_files(str(path))
    page.get_by_role("button", name="Tải lên và chạy thử").click()
    page.locator("[data-testid=job-progress][data-status=VALIDATED]").wait_for()  # htmx polled until done
    errors = page.locator("[data-testid=errors] tbody tr")
    assert errors.count() == 1 and "7" in errors.first.inner_text()
    assert "nằm ngoài phạm vi được giao" in errors.first.inner_text()
    assert page.get_by_role("button", name="Ghi dữ liệu").count() == 0

    # Then the corrected file: dry run, then apply.
    page.get_by_role("link", name="← Nhập dữ liệu").click()
    path = tmp_path / "dung.csv"
    path.write_bytes(csv_bytes(good))
    page.get_by_label("Tệp dữ liệu (.xlsx hoặc .csv)").set_input_files(str(path))
    page.get_by_role("button", name="Tải lên và chạy thử").click()
    page.get_by_role("button", name="Ghi dữ liệu").click()
    page.locator("[data-testid=applied]").wait_for()
    assert Member.objects.filter(party_card_number__startswith="44").count() == 5


@pytest.mark.django_db(transaction=True)
def test_province_previews_and_merges_two_communes(page, live_server, cast):
    tree = cast.tree
    login(page, live_server, "tinhuy")
    page.goto(f"{live_server.url}/nhap-du-lieu/sap-xep/")
    page.get_by_label("Hình thức").select_option("MERGE")
    page.get_by_label("Có hiệu lực từ ngày").fill("01/07/2025")
    page.get_by_label("Mã tổ chức cũ").fill(f"{tree.commune.code}, {tree.commune2.code}")
    page.get_by_label("Mã tổ chức cấp trên mới").fill(tree.province.code)
    page.get_by_label("Tên tổ chức mới").fill("Đảng bộ xã An Minh")
    page.get_by_label("Mã tổ chức mới").fill("X-AN-MINH")
    page.get_by_role("button", name="Xem trước").click()
    preview = page.locator("[data-testid=preview]")
    assert "Đảng bộ xã An Minh" in preview.inner_text()
    assert not Organization.objects.filter(code="X-AN-MINH").exists()
    page.get_by_role("button", name="Thực hiện").click()
    page.locator("[data-testid=reorganisations]").wait_for()
    assert "Hợp nhất" in page.locator("[data-testid=reorganisations]").inner_text()
    assert Organization.objects.get(code="X-AN-MINH").predecessors.count() == 2
