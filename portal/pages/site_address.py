"""The default site's address follows the portal's base address.

Wagtail builds page addresses (sitemap, canonical links, "view live" in the admin) from
the Site record, everything else (e-mails, calendar feeds, .ics files) from
WAGTAILADMIN_BASE_URL through `portal.emails.absolute_url`. `make run` calls
`manage.py set_site_address` so that both say the address the portal runs on.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.db import transaction
from wagtail.models import Site

from portal.errors import ServiceError


def host_and_port(base_url: str) -> tuple[str, int]:
    parts = urlsplit(base_url)
    if not parts.hostname:
        raise ServiceError(f"Geen geldig adres: {base_url!r}.", code="bad_base_url")
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


@transaction.atomic
def point_default_site_at(*, base_url: str) -> bool:
    """Give the default site the host and port of `base_url`; True when it changed.

    Saving the site clears Wagtail's cached site roots and the public page cache, so no
    page keeps showing the old address."""
    hostname, port = host_and_port(base_url)
    site = Site.objects.select_for_update().filter(is_default_site=True).first()
    if site is None or (site.hostname, site.port) == (hostname, port):
        return False
    if Site.objects.filter(hostname=hostname, port=port).exclude(pk=site.pk).exists():
        raise ServiceError(f"Een andere site gebruikt {hostname}:{port} al.", code="address_taken")
    site.hostname, site.port = hostname, port
    site.save()
    return True
