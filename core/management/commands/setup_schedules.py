from django.core.management.base import BaseCommand

from core.schedules import schedules_ensure


class Command(BaseCommand):
    help = "Create the periodic jobs (reminders, roll-up rebuild) that do not exist yet; keeps edited ones."

    def handle(self, *args, **options):
        created, kept = schedules_ensure()
        self.stdout.write(f"Schedules: {created} created, {kept} already present (left unchanged).")
