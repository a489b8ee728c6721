"""`make run`: the default site's host and port follow WAGTAILADMIN_BASE_URL."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.errors import ServiceError
from portal.pages.site_address import point_default_site_at


class Command(BaseCommand):
    help = "Give the default Wagtail site the host and port of WAGTAILADMIN_BASE_URL."

    def handle(self, *args, **options):
        try:
            changed = point_default_site_at(base_url=settings.WAGTAILADMIN_BASE_URL)
        except ServiceError as error:
            raise CommandError(error.message) from error
        if changed:
            self.stdout.write(f"Site-adres: {settings.WAGTAILADMIN_BASE_URL}")
