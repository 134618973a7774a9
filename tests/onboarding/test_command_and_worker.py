"""The management command, and one import through a real Celery worker (Redis broker)."""

from __future__ import annotations

import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from onboarding.models import ImportJob, ImportStatus
from onboarding.services import imports
from organizations.models import Member
from tests.factories import UserFactory
from tests.onboarding.conftest import csv_bytes, member_row


@pytest.mark.django_db
def test_command_dry_run_then_apply(tmp_path, cast, capsys):
    path = tmp_path / "dv.csv"
    path.write_bytes(csv_bytes([member_row(**{"Mã chi bộ": cast.tree.cell.code, "Số thẻ đảng viên": "5500000001"})]))
    call_command("import_members", str(path), "--user", "tinhuy")
    assert "Dry run only" in capsys.readouterr().out
    assert not Member.objects.filter(party_card_number="5500000001").exists()
    call_command("import_members", str(path), "--user", "tinhuy", "--apply")
    assert Member.objects.filter(party_card_number="5500000001").exists()


@pytest.mark.django_db
def test_command_refuses_file_with_errors(tmp_path, cast):
    path = tmp_path / "dv.csv"
    path.write_bytes(csv_bytes([member_row(**{"Mã chi bộ": "KHONG"})]))
    with pytest.raises(CommandError, match="bad rows"):
        call_command("import_members", str(path), "--user", "tinhuy", "--apply")


def wait_for(job_id: int, statuses, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = ImportJob.objects.get(pk=job_id)
        if job.status in statuses:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job stayed {job.status}")


@pytest.mark.django_db(transaction=True)
def test_import_runs_through_real_worker(celery_worker_thread, tree):
    user = UserFactory(username="quantri", is_superuser=True)
    rows = [member_row(**{"Mã chi bộ": tree.cell.code, "Số thẻ đảng viên": f"66{i:08d}"}) for i in range(50)]
    job = imports.import_job_create(user=user, file_name="dv.csv", content=csv_bytes(rows))
    job = wait_for(job.pk, {ImportStatus.VALIDATED, ImportStatus.FAILED})
    assert job.status == ImportStatus.VALIDATED and job.error_count == 0 and job.progress_done == 50
    imports.import_job_request_apply(job=job, user=user)
    job = wait_for(job.pk, {ImportStatus.APPLIED, ImportStatus.FAILED})
    assert job.status == ImportStatus.APPLIED, job.message
    assert Member.objects.filter(party_card_number__startswith="66").count() == 50


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_to_other_connections_while_apply_transaction_runs(tree, monkeypatch):
    """The page polls from another connection: progress must not wait for the apply transaction to commit."""
    from django.db import connections

    from onboarding.services import import_write

    seen = {}
    real = import_write.StreamWriter.finish

    def spying(self, plan):
        result = real(self, plan)
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT status, progress_done, progress_total FROM onboarding_importjob")
                seen["row"] = cursor.fetchone()
                cursor.execute("SELECT count(*) FROM organizations_member WHERE party_card_number LIKE '33%%'")
                seen["members_visible"] = cursor.fetchone()[0]
        finally:
            other.close()
        return result

    monkeypatch.setattr(import_write.StreamWriter, "finish", spying)
    user = UserFactory(username="quantri2", is_superuser=True)
    rows = [member_row(**{"Mã chi bộ": tree.cell.code, "Số thẻ đảng viên": f"33{i:08d}"}) for i in range(20)]
    job = imports.import_job_create(user=user, file_name="dv.csv", content=csv_bytes(rows), queue=False)
    imports.import_job_validate(job_id=job.pk)
    imports.import_job_request_apply(job=ImportJob.objects.get(pk=job.pk), user=user, queue=False)
    job = imports.import_job_apply(job_id=job.pk)
    assert job.status == ImportStatus.APPLIED
    status, done, total = seen["row"]
    # The rows are checked and written in one streamed pass: the bar counts the rows once.
    assert status == ImportStatus.APPLYING and total == 20 and done == 20
    assert seen["members_visible"] == 0  # the writes themselves are not visible before the commit
