"""`make run`: the web server and a django-q2 cluster together; Ctrl-C stops both."""

from __future__ import annotations

import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from portal.demo import COORDINATORS, DEMO_PASSWORD, DEMO_VOLUNTEER, EDITOR, NATIONAL_STAFF


class Command(BaseCommand):
    help = "Start the web server and a django-q2 cluster together (Ctrl-C stops both)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport: str, **options):
        self.print_banner(addrport)
        cluster = subprocess.Popen([sys.executable, "manage.py", "qcluster"])
        # A plain `kill` of this process must stop the cluster too, as Ctrl-C does.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            # No autoreloader: it would fork the server into a second process that
            # outlives this one on Ctrl-C.
            call_command("runserver", addrport, use_reloader=False)
        finally:
            if cluster.poll() is None:
                cluster.send_signal(signal.SIGTERM)
                try:
                    cluster.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    cluster.kill()

    def print_banner(self, addrport: str) -> None:
        host, _, port = addrport.rpartition(":")
        url = f"http://{host or '127.0.0.1'}:{port}/"
        write = self.stdout.write
        write("")
        write(self.style.SUCCESS(f"Home-Start portal: {url}   (beheer: {url}admin/)"))
        if settings.DEMO_MODE:
            write(f"Demo-accounts, wachtwoord: {DEMO_PASSWORD}")
            write(f"  vrijwilliger        {DEMO_VOLUNTEER[0]}")
            for email, _first, _last, branches in COORDINATORS:
                write(f"  coördinator         {email}  ({', '.join(branches)})")
            write(f"  landelijk steunpunt {NATIONAL_STAFF[0]}")
            write(f"  redacteur           {EDITOR[0]}")
            write(
                "  Beheerders loggen in met tweestapsverificatie: de code van dit moment "
                "geeft `make demo-code`."
            )
        write("Ctrl-C stopt de webserver en de taakverwerker samen.")
        write("")
