import time

from django.core.management.base import BaseCommand

from organizations.models import Member
from organizations.seeding import DEMO_PASSWORD, seed_province_data
from rollups.services import rollups_rebuild


class Command(BaseCommand):
    help = "Create a realistic demo province (tree, members, logins); deterministic for a seed."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--year", type=int, default=None)
        parser.add_argument("--if-empty", action="store_true", help="do nothing when members already exist")

    def handle(self, *args, members: int, seed: int, year: int | None, if_empty: bool, **options):
        if if_empty and Member.objects.exists():
            self.stdout.write("Demo data already loaded; nothing to do.")
            return
        started = time.monotonic()
        result = seed_province_data(members=members, seed=seed, year=year)
        # Seeded rows bypass the services' change events: rebuild every year's roll-ups so the
        # dashboards show the seeded figures at once (not "not rolled up yet" until a decision).
        rebuild_started = time.monotonic()
        rollups_rebuild()
        result.timings["roll-ups"] = time.monotonic() - rebuild_started
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Seeded {result.members} members in {result.cells} cells, {result.organizations} organisations "
            f"({len(result.provinces)} province(s)) in {elapsed:.1f} s."
        )
        self.stdout.write("Steps: " + ", ".join(f"{name} {secs:.1f} s" for name, secs in result.timings.items()))
        if result.demo_users:
            self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
            for username, label in result.demo_users.items():
                self.stdout.write(f"  {username:10s} {label}")
