"""Imports and reorganisations tell the roll-ups what they changed: verify_rollups is clean right after.

The listeners queue Celery tasks on commit; here they run in-process (eager), so "right after" is
the moment the writer's transaction commits, before any nightly rebuild.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from onboarding.services import imports, reorg
from organizations.models import Member, Organization
from rollups import services
from rollups.models import OrgRollup
from tests.factories import MemberFactory
from tests.onboarding.conftest import ORG_HEADERS, csv_bytes, eager_celery, member_row, xlsx_bytes  # noqa: F401

pytestmark = pytest.mark.django_db


def _run(user, name, content, capture):
    with capture(execute=True):
        job = imports.import_job_create(user=user, file_name=name, content=content, queue=False)
    imports.import_job_validate(job_id=job.pk)
    job.refresh_from_db()
    assert job.can_apply, job.report.get("errors")
    with capture(execute=True):
        imports.import_job_request_apply(job=job, user=user, queue=False)
    with capture(execute=True):
        imports.import_job_apply(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "APPLIED", job.message
    return job


def _assert_clean(years):
    for year in years:
        assert services.rollups_compare(year=year) == [], year
    call_command("verify_rollups")  # raises CommandError on any difference


@pytest.mark.usefixtures("eager_celery")
def test_import_of_new_orgs_and_members_is_clean_in_every_year(populated, django_capture_on_commit_callbacks):
    tree, years = populated.tree, populated.years
    services.rollups_rebuild()
    _assert_clean([years.last, years.this])
    orgs = [
        # a new commune with a committee and two cells; one of them stays empty (it still needs rows)
        {
            "Mã tổ chức": "X-MOI",
            "Tên tổ chức": "Đảng bộ xã Mới",
            "Loại tổ chức": "COMMUNE",
            "Mã tổ chức cấp trên": tree.province.code,
            "Hiệu lực từ": "01/01/2010",
        },
        {
            "Mã tổ chức": "DB-MOI",
            "Tên tổ chức": "Đảng bộ Trường Mới",
            "Loại tổ chức": "GRASSROOTS_COMMITTEE",
            "Mã tổ chức cấp trên": "X-MOI",
            "Hiệu lực từ": "01/01/2010",
        },
        {
            "Mã tổ chức": "CB-MOI-1",
            "Tên tổ chức": "Chi bộ Mới 1",
            "Loại tổ chức": "CELL",
            "Mã tổ chức cấp trên": "DB-MOI",
            "Hiệu lực từ": "01/01/2010",
        },
        {
            "Mã tổ chức": "CB-MOI-2",
            "Tên tổ chức": "Chi bộ Mới 2 (trống)",
            "Loại tổ chức": "CELL",
            "Mã tổ chức cấp trên": "DB-MOI",
            "Hiệu lực từ": "01/01/2010",
        },
        {
            "Mã tổ chức": "CB-MOI-3",
            "Tên tổ chức": "Chi bộ lập năm nay",
            "Loại tổ chức": "GRASSROOTS_CELL",
            "Mã tổ chức cấp trên": tree.commune2.code,
            "Hiệu lực từ": f"01/03/{years.this}",
        },
    ]
    existing = Member.objects.filter(cell=tree.cell).first()
    members = [
        # joined long ago: counts in last year's roll-up too
        member_row(
            **{"Mã chi bộ": "CB-MOI-1", "Số thẻ đảng viên": "5500000001", "Ngày bắt đầu sinh hoạt": "01/01/2015"}
        ),
        # joined this year: only this year's roll-up changes
        member_row(
            **{
                "Mã chi bộ": tree.cell.code,
                "Số thẻ đảng viên": "5500000002",
                "Ngày bắt đầu sinh hoạt": f"02/01/{years.this}",
            }
        ),
        member_row(**{"Mã chi bộ": "CB-MOI-3", "Số thẻ đảng viên": "5500000003"}),
        # an update of an existing member's status (past years read the current status)
        member_row(
            **{
                "Mã chi bộ": tree.cell.code,
                "Số thẻ đảng viên": existing.party_card_number,
                "Họ và tên": existing.full_name,
                "Ngày sinh": existing.date_of_birth.strftime("%d/%m/%Y"),
                "Ngày vào Đảng": existing.admitted_on.strftime("%d/%m/%Y"),
                "Ngày chính thức": "",
                "Giới tính": existing.get_sex_display(),
                "Tình trạng": "EXEMPT",
            }
        ),
    ]
    from tests.onboarding.conftest import MEMBER_HEADERS

    content = xlsx_bytes({"Tổ chức": (ORG_HEADERS, orgs), "Đảng viên": (MEMBER_HEADERS, members)})
    _run(populated.cast.province.user, "du_lieu.xlsx", content, django_capture_on_commit_callbacks)
    empty = Organization.objects.get(code="CB-MOI-2")
    assert OrgRollup.objects.filter(organization=empty, year=years.last).exists()
    assert OrgRollup.objects.filter(organization=empty, year=years.this).exists()
    assert not OrgRollup.objects.filter(organization__code="CB-MOI-3", year=years.last).exists()
    _assert_clean([years.last, years.this])


@pytest.mark.usefixtures("eager_celery")
@pytest.mark.parametrize("kind", ["merge", "split", "move", "close", "remove_level"])
def test_each_reorganisation_kind_is_clean_right_after(populated, django_capture_on_commit_callbacks, kind):
    tree, years = populated.tree, populated.years
    for _ in range(2):
        MemberFactory(cell=tree.gcell)
    services.rollups_rebuild()
    _assert_clean([years.last, years.this])
    on = dt.date(years.this, 7, 1)
    org = lambda o: Organization.objects.get(pk=o.pk)  # noqa: E731 - fresh paths after each change
    with django_capture_on_commit_callbacks(execute=True):
        if kind == "merge":
            reorg.organization_merge(
                sources=[org(tree.commune), org(tree.commune2)],
                parent=org(tree.province),
                name="Đảng bộ xã An Minh",
                code="X-AM",
                on=on,
            )
        elif kind == "split":
            members = list(Member.objects.filter(cell=tree.gcell).order_by("pk"))
            reorg.organization_split(
                source=org(tree.gcell),
                parts=[("Chi bộ Thôn Đông A", "CB-DA"), ("Chi bộ Thôn Đông B", "CB-DB")],
                on=on,
                assignments={m.pk: 1 for m in members[::2]},
            )
        elif kind == "move":
            reorg.organization_move(org=org(tree.committee), new_parent=org(tree.commune2), on=on)
        elif kind == "close":
            reorg.organization_close(org=org(tree.cell2), on=on, transfer_to=org(tree.cell))
        else:
            reorg.organization_remove_level(org=org(tree.commune2), on=on)
    _assert_clean([years.last, years.this])


def test_streamed_apply_is_all_or_nothing_across_batches(populated, monkeypatch):
    """Rows are written in batches while the file is checked again; an error found after a batch
    was written still leaves nothing behind."""
    from onboarding.models import ImportJob, ImportStatus
    from onboarding.services import import_types

    monkeypatch.setattr(import_types, "STREAM_BATCH", 2)
    tree = populated.tree
    rows = [member_row(**{"Mã chi bộ": tree.cell.code, "Số thẻ đảng viên": f"44000000{i:02d}"}) for i in range(7)]
    user = populated.cast.province.user
    job = imports.import_job_create(user=user, file_name="dv.csv", content=csv_bytes(rows), queue=False)
    imports.import_job_validate(job_id=job.pk)
    job.refresh_from_db()
    assert job.can_apply and job.counts["members"]["create"] == 7
    # Meanwhile the last card turns up in another cell: the second check must refuse the file.
    MemberFactory(cell=tree.cell2, party_card_number="4400000006")
    imports.import_job_request_apply(job=job, user=user, queue=False)
    job = imports.import_job_apply(job_id=job.pk)
    assert job.status == ImportStatus.VALIDATED and job.error_count == 1
    assert Member.objects.filter(party_card_number__startswith="44000000").count() == 1  # only the intruder
    # Without the conflict the same batches all go in.
    Member.objects.filter(party_card_number="4400000006").delete()
    job = imports.import_job_create(user=user, file_name="dv.csv", content=csv_bytes(rows), queue=False)
    imports.import_job_validate(job_id=job.pk)
    imports.import_job_request_apply(job=ImportJob.objects.get(pk=job.pk), user=user, queue=False)
    job = imports.import_job_apply(job_id=job.pk)
    assert job.status == ImportStatus.APPLIED
    assert Member.objects.filter(party_card_number__startswith="44000000", cell=tree.cell).count() == 7
