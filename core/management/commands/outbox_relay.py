from django.core.management.base import BaseCommand

from core.outbox import outbox_relay_forever, outbox_relay_once


class Command(BaseCommand):
    help = "Publish the outbox to the broker: runs until stopped (SIGTERM), or once with --once."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="relay what is waiting now, then exit")
        parser.add_argument("--poll", type=float, default=1.0, help="seconds between checks without a NOTIFY")

    def handle(self, *args, **options):
        if options["once"]:
            self.stdout.write(f"Relayed {outbox_relay_once()} events.")
            return
        import signal
        import threading

        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write("Outbox relay running.")
        self.stdout.flush()
        outbox_relay_forever(stop=stop, poll=options["poll"])
