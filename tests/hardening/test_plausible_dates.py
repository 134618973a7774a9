"""Dates outside their plausible range are refused with a message next to the field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.dates import plausible_error
from onboarding.models import Reorganisation
from onboarding.services import imports
from organizations import services
from organizations.models import Member, PositionKind
from tests.factories import MemberFactory, UserFactory
from tests.onboarding.conftest import ORG_HEADERS, csv_bytes, member_row

pytestmark = pytest.mark.django_db
CENTURIES = (dt.date(1900, 1, 1), dt.date(2100, 1, 1))


@pytest.mark.parametrize("kind", ["birth", "admission", "full_member", "validity", "reorganisation"])
def test_both_centuries_are_implausible_for_every_kind(kind):
    for day in CENTURIES:
        assert plausible_error(kind, day)
    assert plausible_error(kind, None) is None


def test_plausible_days_pass():
    assert plausible_error("birth", dt.date(1975, 5, 19)) is None
    assert plausible_error("admission", dt.date(2010, 5, 19)) is None
    assert plausible_error("validity", dt.date(2000, 1, 1)) is None


@pytest.mark.parametrize("day", CENTURIES)
def test_member_dates_checked_in_the_model(tree, day):
    member = MemberFactory.build(cell=tree.cell, date_of_birth=day, admitted_on=day, full_member_on=day)
    with pytest.raises(ValidationError) as exc:
        member.full_clean()
    assert {"date_of_birth", "admitted_on", "full_member_on"} <= set(exc.value.message_dict)
    assert "không hợp lý" in exc.value.message_dict["date_of_birth"][0]


@pytest.mark.parametrize("day", CENTURIES)
def test_position_and_membership_dates_checked_by_the_services(tree, day):
    user = UserFactory()
    with pytest.raises(ValidationError) as exc:
        services.position_assign(user=user, organization=tree.cell, kind=PositionKind.CELL_SECRETARY, valid_from=day)
    assert "valid_from" in exc.value.message_dict


@pytest.mark.parametrize("day", ["01/01/1900", "01/01/2100"])
def test_import_rows_with_implausible_dates_are_bad_rows(cast, day):
    rows = [
        member_row(**{"Mã chi bộ": cast.tree.cell.code, "Số thẻ đảng viên": "6600000001", "Ngày sinh": day}),
        member_row(**{"Mã chi bộ": cast.tree.cell.code, "Số thẻ đảng viên": "6600000002", "Ngày vào Đảng": day}),
        member_row(
            **{"Mã chi bộ": cast.tree.cell.code, "Số thẻ đảng viên": "6600000003", "Ngày bắt đầu sinh hoạt": day}
        ),
    ]
    job = imports.import_job_create(user=cast.committee.user, file_name="dv.csv", content=csv_bytes(rows), queue=False)
    imports.import_job_validate(job_id=job.pk)
    job.refresh_from_db()
    columns = {(e["line"], e["column"]) for e in job.report["errors"]}
    assert {(2, "Ngày sinh"), (3, "Ngày vào Đảng"), (4, "Ngày bắt đầu sinh hoạt")} <= columns
    plausibility = [e for e in job.report["errors"] if "không hợp lý" in e["message"]]
    assert {(e["line"], e["column"]) for e in plausibility} >= {(2, "Ngày sinh"), (4, "Ngày bắt đầu sinh hoạt")}
    assert not job.can_apply
    assert not Member.objects.filter(party_card_number__startswith="66").exists()


def test_import_org_valid_from_in_2100_is_a_bad_row(cast):
    orgs = [
        {
            "Mã tổ chức": "CB-2100",
            "Tên tổ chức": "Chi bộ tương lai",
            "Loại tổ chức": "CELL",
            "Mã tổ chức cấp trên": cast.tree.committee.code,
            "Hiệu lực từ": "01/01/2100",
        }
    ]
    job = imports.import_job_create(
        user=cast.committee.user, file_name="tc.csv", content=csv_bytes(orgs, ORG_HEADERS), queue=False
    )
    imports.import_job_validate(job_id=job.pk)
    job.refresh_from_db()
    assert [(e["line"], e["column"]) for e in job.report["errors"]] == [(2, "Hiệu lực từ")]


@pytest.mark.parametrize("day", ["01/01/1900", "01/01/2100"])
def test_reorganisation_date_message_next_to_the_field(client, cast, day):
    client.force_login(cast.committee.user)
    data = {"kind": "CLOSE", "on": day, "sources": cast.tree.cell2.code, "transfer_to": cast.tree.cell.code}
    resp = client.post(reverse("onboarding:reorganise"), data)
    assert resp.status_code == 200
    assert "không hợp lý" in resp.content.decode()
    assert not Reorganisation.objects.exists()
