import time

from django.core.management.base import BaseCommand, CommandError

from core.db_router import replica_reads
from rollups.services import rollup_years, rollups_compare


class Command(BaseCommand):
    help = "Recount in memory (Python/ORM), compare with the stored rows, print differing nodes; exit 1 on any."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None)
        parser.add_argument("--limit", type=int, default=50, help="differences printed at most")

    def handle(self, *args, year: int | None, limit: int, **options):
        with replica_reads(fresh=True):  # a read-only recount: the replica when DATABASE_REPLICA_URL is set
            self._verify(year, limit)

    def _verify(self, year: int | None, limit: int) -> None:
        started = time.monotonic()
        total = 0
        for y in [year] if year is not None else rollup_years():
            diffs = rollups_compare(year=y)
            total += len(diffs)
            for diff in diffs[:limit]:
                self.stdout.write(
                    f"{y} org={diff['org']} stage={diff['stage']} {diff['field']}: "
                    f"stored={diff['stored']} expected={diff['expected']}"
                )
            self.stdout.write(f"{y}: {len(diffs)} difference(s)")
        self.stdout.write(f"Verified in {time.monotonic() - started:.2f} s.")
        if total:
            raise CommandError(f"{total} difference(s) between the roll-ups and a fresh recount")
