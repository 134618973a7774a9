import time

from django.core.management.base import BaseCommand

from rollups.services import rollups_rebuild


class Command(BaseCommand):
    help = "Recompute every roll-up row from the source rows (all years with a cycle, or --year)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None)

    def handle(self, *args, year: int | None, **options):
        started = time.monotonic()
        written = rollups_rebuild(year=year)
        elapsed = time.monotonic() - started
        for y, rows in written.items():
            self.stdout.write(f"{y}: {rows} rows")
        self.stdout.write(f"Rebuilt in {elapsed:.2f} s.")
