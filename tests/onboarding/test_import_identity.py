"""Import: a party card that belongs to another person is a bad row; real updates show old → new."""

from __future__ import annotations

import pytest
from django.urls import reverse

from onboarding.models import ImportStatus
from organizations.models import Member
from tests.onboarding.conftest import csv_bytes
from tests.onboarding.test_import import good_rows, run

pytestmark = pytest.mark.django_db


def test_card_of_a_different_person_is_a_bad_row_with_a_clear_reason(cast):
    tree = cast.tree
    run(cast.province.user, "dv.csv", csv_bytes(good_rows(tree, 1)))
    row = good_rows(tree, 1)[0] | {"Họ và tên": "Hoàng Thị Lan", "Ngày sinh": "02/09/1991"}
    job = run(cast.province.user, "dv.csv", csv_bytes([row]), apply=False)
    assert job.status == ImportStatus.VALIDATED and job.error_count == 1
    message = job.report["errors"][0]["message"]
    assert "đã cấp cho đồng chí Nguyễn Văn Số 1" in message and "khác cả họ tên và ngày sinh" in message
    assert Member.objects.get(party_card_number="0000000001").full_name == "Nguyễn Văn Số 1"


def test_dry_run_shows_every_change_old_to_new(client, cast):
    tree = cast.tree
    run(cast.province.user, "dv.csv", csv_bytes(good_rows(tree, 2)))
    rows = good_rows(tree, 2)
    rows[0] = rows[0] | {"Họ và tên": "Nguyễn Văn Đổi"}  # same card and date of birth: a real update
    job = run(cast.province.user, "dv.csv", csv_bytes(rows), apply=False)
    assert job.counts["members"]["update"] == 1 and job.error_count == 0
    update = next(r for r in job.report["rows"] if r[2] == "update")
    assert update[5] == [["họ và tên", "Nguyễn Văn Số 1", "Nguyễn Văn Đổi"]]
    client.force_login(cast.province.user)
    page = client.get(reverse("onboarding:job", args=[job.pk])).content.decode()
    assert "<del>Nguyễn Văn Số 1</del> → <strong>Nguyễn Văn Đổi</strong>" in page
