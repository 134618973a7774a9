import time

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection


class Command(BaseCommand):
    help = "Wait until the database accepts connections (container start-up); exit 1 after --timeout seconds."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=60)

    def handle(self, *args, **options):
        deadline = time.monotonic() + options["timeout"]
        while True:
            try:
                connection.ensure_connection()
                connection.close()
                return
            except OperationalError as exc:
                if time.monotonic() > deadline:
                    raise CommandError(f"database not reachable after {options['timeout']:.0f} s: {exc}") from exc
                self.stderr.write("waiting for the database…")
                time.sleep(1)
