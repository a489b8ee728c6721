"""`make run`: the web server and the django-q2 clusters together; Ctrl-C stops all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from portal.demo import COORDINATORS, DEMO_PASSWORD, DEMO_VOLUNTEER, EDITOR, NATIONAL_STAFF
from portal.management.commands.runserver import address_of, check_listen_address


def extra_cluster_names() -> list[str]:
    """The django-q2 clusters besides the site's own: one per queue in ALT_CLUSTERS
    (the newsletter's, docs/mail.md)."""
    return list(settings.Q_CLUSTER.get("ALT_CLUSTERS", {}))


class Command(BaseCommand):
    help = "Start the web server and the django-q2 clusters together (Ctrl-C stops all)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport: str, **options):
        # Before any cluster starts: demo mode listens on this machine only.
        check_listen_address(address_of(addrport))
        self.print_banner(addrport)
        clusters = [subprocess.Popen([sys.executable, "manage.py", "qcluster"])]
        for name in extra_cluster_names():
            clusters.append(
                subprocess.Popen(
                    [sys.executable, "manage.py", "qcluster"],
                    env={**os.environ, "Q_CLUSTER_NAME": name},
                )
            )
        # A plain `kill` of this process must stop the clusters too, as Ctrl-C does.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            # No autoreloader: it would fork the server into a second process that
            # outlives this one on Ctrl-C.
            call_command("runserver", addrport, use_reloader=False)
        finally:
            for cluster in clusters:
                if cluster.poll() is None:
                    cluster.send_signal(signal.SIGTERM)
            for cluster in clusters:
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
        write("Ctrl-C stopt de webserver en de taakverwerkers (ook die van de nieuwsbrief) samen.")
        write("")
