"""Absolute links follow the address the site runs on: `ADDR=127.0.0.1:8201 make run`
gives e-mails, calendar feeds, .ics files and the sitemap that address, port included."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from wagtail.models import Site

from intervision.tasks import send_invitation
from portal.settings.base import base_url_for_address
from tests.courses.factories import make_course
from tests.intervision.factories import IntervisionGroupFactory, MonthlySeriesFactory
from tests.pages.factories import home_page
from tests.portal.test_settings import run_manage

BASE = "http://127.0.0.1:8201"


@pytest.mark.parametrize(
    ("addr", "url"),
    [
        ("127.0.0.1:8201", "http://127.0.0.1:8201"),
        ("8000", "http://127.0.0.1:8000"),
        ("0.0.0.0:8000", "http://localhost:8000"),
        ("[::1]:8000", "http://[::1]:8000"),
        ("localhost:8000", "http://localhost:8000"),
    ],
)
def test_the_base_address_is_the_one_the_server_listens_on(addr, url):
    assert base_url_for_address(addr) == url


def test_make_run_passes_its_address_to_the_settings():
    show = "from django.conf import settings as s; print(s.WAGTAILADMIN_BASE_URL, s.ALLOWED_HOSTS)"
    derived = run_manage(
        "shell",
        "-v",
        "0",
        "-c",
        show,
        PORTAL_ADDR="192.168.1.20:8201",
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        WAGTAILADMIN_BASE_URL="",
    )
    assert derived.returncode == 0, derived.stderr
    assert derived.stdout.split(" ", 1)[0] == "http://192.168.1.20:8201"
    assert "'192.168.1.20'" in derived.stdout  # and the server answers on it
    chosen = run_manage(
        "shell",
        "-v",
        "0",
        "-c",
        show,
        PORTAL_ADDR="127.0.0.1:8201",
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        WAGTAILADMIN_BASE_URL="https://portal.homestart.example/",
    )
    assert chosen.stdout.split(" ", 1)[0] == "https://portal.homestart.example"


@pytest.fixture
def base_url(settings, db):
    settings.WAGTAILADMIN_BASE_URL = BASE
    home_page()  # the default site, also after a transactional test emptied the database
    return BASE


@pytest.mark.django_db
def test_the_sitemap_names_the_address_with_its_port(client, base_url):
    call_command("set_site_address")
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8201)
    body = client.get("/sitemap.xml").content.decode()
    locations = re.findall(r"<loc>([^<]+)</loc>", body)
    assert locations and all(loc.startswith(f"{BASE}/") for loc in locations)
    call_command("set_site_address")  # unchanged: nothing to do
    assert Site.objects.get(is_default_site=True).port == 8201


@pytest.mark.django_db
def test_set_site_address_refuses_the_address_of_another_site(base_url):
    default = Site.objects.get(is_default_site=True)
    Site.objects.create(hostname="127.0.0.1", port=8201, root_page=default.root_page)
    with pytest.raises(CommandError, match="andere site"):
        call_command("set_site_address")


@pytest.mark.django_db
def test_feed_addresses_and_ics_links_use_the_address(client, volunteer, branch, base_url):
    client.force_login(volunteer.user)
    page = client.get(reverse("portal:agenda")).content.decode()
    assert re.search(rf'value="{BASE}/agenda/[^"]+/mijn\.ics"', page)
    assert re.search(r'href="webcal://127\.0\.0\.1:8201/agenda/[^"]+/mijn\.ics"', page)
    course = make_course(branch)
    ics = client.get(reverse("courses:ics", args=[course.pk])).content.decode()
    assert f"URL:{BASE}/" in ics.replace("\r\n ", "")


@pytest.mark.django_db
def test_e_mail_links_use_the_address(volunteer, branch, base_url):
    group = IntervisionGroupFactory(branch=branch, members=[volunteer])
    MonthlySeriesFactory(group=group)
    from intervision.services import regenerate_sessions

    regenerate_sessions(group=group)
    session = group.sessions.order_by("start").first()
    send_invitation(session.pk, volunteer.pk)
    body = mail.outbox[-1].body
    links = re.findall(r"https?://\S+", body)
    assert links and all(link.startswith(f"{BASE}/") for link in links)
