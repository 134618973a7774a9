"""python manage.py import_members FILE [--user NAME] [--apply] — the same dry run and apply as the web page."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from onboarding.models import ImportStatus
from onboarding.services import imports


class Command(BaseCommand):
    help = "Import organisations and members from .xlsx or .csv (dry run unless --apply)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", default=None, help="Importing account (default: the first superuser).")
        parser.add_argument("--apply", action="store_true", help="Write the data when the dry run has no errors.")
        parser.add_argument("--show", type=int, default=50, help="How many bad rows to print.")

    def handle(self, *args, file: Path, user: str | None, apply: bool, show: int, **options):
        account = self._user(user)
        if not file.exists():
            raise CommandError(f"No such file: {file}")
        try:
            job = imports.import_job_create(user=account, file_name=file.name, content=file.read_bytes(), queue=False)
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError(f"Cannot import: {exc}") from exc
        job = imports.import_job_validate(job_id=job.pk)
        if job.status == ImportStatus.FAILED:
            raise CommandError(job.message)
        self._print_report(job, show)
        if not apply:
            self.stdout.write("Dry run only: nothing written (use --apply).")
            return
        if job.error_count:
            raise CommandError(f"{job.error_count} bad rows: nothing written.")
        imports.import_job_request_apply(job=job, user=account, queue=False)
        job = imports.import_job_apply(job_id=job.pk)
        if job.status != ImportStatus.APPLIED:
            raise CommandError(job.message or "Import failed: nothing written.")
        self.stdout.write(self.style.SUCCESS(f"Applied: {job.counts.get('written')}"))

    def _user(self, username: str | None):
        User = get_user_model()
        account = (
            User.objects.filter(username=username).first()
            if username
            else User.objects.filter(is_superuser=True).order_by("id").first()
        )
        if account is None:
            raise CommandError("No such user (pass --user, or create a superuser).")
        return account

    def _print_report(self, job, show: int) -> None:
        counts = job.counts
        self.stdout.write(f"Rows: {job.rows_total}")
        for label in ("organizations", "members"):
            c = counts.get(label, {})
            self.stdout.write(
                f"{label}: create {c.get('create', 0)}, update {c.get('update', 0)}, unchanged {c.get('unchanged', 0)}"
            )
        self.stdout.write(f"positions: {counts.get('positions', 0)}; bad rows: {counts.get('bad_lines', 0)}")
        for e in job.report.get("errors", [])[:show]:
            self.stdout.write(f"  {e['sheet']} line {e['line']} [{e['column']}]: {e['message']}")
