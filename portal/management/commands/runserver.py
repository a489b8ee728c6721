"""Django's `runserver` (also under `make run`), with room for a burst of connections,
and in demo mode on this machine only.

Django's development server lets at most 10 connections wait to be accepted; in a
burst of 50 sign-ups the others were reset before Django saw them. In demo mode
(settings.DEMO_MODE) the demo accounts' passwords and TOTP secret are published, so
the server refuses an address other people can reach (`0.0.0.0`, a network address)
unless DEMO_ALLOW_REMOTE is on. Everything else is the `runserver` of
`django.contrib.staticfiles`, which this replaces (portal comes first in
INSTALLED_APPS).
"""

from __future__ import annotations

import ipaddress
import re

from django.conf import settings
from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand
from django.core.management.base import CommandError
from django.core.management.commands.runserver import naiveip_re
from django.core.servers.basehttp import WSGIServer


class PortalWSGIServer(WSGIServer):
    request_queue_size = 128


def is_loopback(addr: str) -> bool:
    """`127.0.0.1`, `::1`, `localhost`: only this machine can connect."""
    addr = addr.strip("[]")
    if addr == "localhost":
        return True
    try:
        return ipaddress.ip_address(addr).is_loopback
    except ValueError:
        return False  # a host name: whatever it resolves to, not known to be local


def address_of(addrport: str) -> str:
    """The address part of runserver's `addrport` (`8000` alone means 127.0.0.1)."""
    match = re.match(naiveip_re, addrport or "")
    if match is None or not match.group("addr"):
        return "127.0.0.1"
    addr = match.group("addr")
    return "0.0.0.0" if addr == "0" else addr  # noqa: S104 (runserver's own shorthand)


def check_listen_address(addr: str) -> None:
    if settings.DEMO_MODE and not settings.DEMO_ALLOW_REMOTE and not is_loopback(addr):
        raise CommandError(
            "Demomodus luistert alleen op dit apparaat (127.0.0.1): de wachtwoorden van "
            f"de demo-accounts zijn openbaar. Wil je toch op {addr} luisteren, zet dan "
            "DEMO_ALLOW_REMOTE=true."
        )


class Command(RunserverCommand):
    server_cls = PortalWSGIServer

    def run(self, **options):
        check_listen_address(self.addr)
        super().run(**options)
