"""A volunteer's own pages as they look on a phone: the login page, Mijn Home-Start and
Mijn agenda at 390 px wide fit without sideways scrolling and pass axe; answering an
invitation and copying the feed address work in the agenda itself. Screenshots of the
login page and Mijn agenda at 1280 and 390 px go to test-results/screenshots/."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from intervision.models import Rsvp
from intervision.services import cancel_session, regenerate_sessions
from tests.e2e.helpers import (
    assert_accessible,
    assert_no_horizontal_overflow,
    log_in,
    save_screenshots,
)
from tests.intervision.factories import IntervisionGroupFactory, MonthlySeriesFactory
from tests.portal.factories import BranchFactory, VolunteerFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}


def test_login_mijn_home_start_and_mijn_agenda_on_a_phone(page, live_server):
    branch = BranchFactory(name="Home-Start Utrecht", slug="utrecht", ranges=[(3500, 3585)])
    # Long words are what push a narrow page sideways.
    volunteer = VolunteerFactory(
        branch=branch,
        user__first_name="Anouk",
        user__email="anouk.vandenberg-oosterhuis@gemeente-voorbeeldstad.example.org",
    )
    group = IntervisionGroupFactory(
        branch=branch, name="Dinsdagochtendintervisiegroep", members=[volunteer]
    )
    MonthlySeriesFactory(group=group, start_date=timezone.localdate())
    regenerate_sessions(group=group)
    first, second = group.sessions.order_by("start")[:2]
    cancel_session(session=second, reason="De begeleider is met vakantie.")

    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    assert_accessible(page)
    save_screenshots(page, "login")
    page.set_viewport_size(PHONE)
    assert_no_horizontal_overflow(page)
    log_in(page, live_server, volunteer.email)
    page.wait_for_url(re.compile(r"/mijn/$"))

    assert_no_horizontal_overflow(page)
    assert_accessible(page)
    page.get_by_role("link", name="Naar mijn agenda").click()
    page.wait_for_url(re.compile(r"/mijn/agenda/$"))
    assert_no_horizontal_overflow(page)
    assert_accessible(page)
    day = timezone.localtime(first.start)
    heading = page.get_by_role("heading", level=2).first
    assert heading.inner_text().startswith("Dinsdag ") and str(day.day) in heading.inner_text()
    cancelled = page.locator(f"li.agenda-item[data-uid^='session-{second.pk}@']")
    assert cancelled.inner_text().count("Afgelast") == 1
    assert "line-through" in cancelled.locator(".agenda-title").evaluate(
        "element => getComputedStyle(element).textDecorationLine"
    )
    save_screenshots(page, "mijn-agenda")

    # Answering from the agenda comes back to the same meeting, now marked.
    item = page.locator(f"li.agenda-item[data-uid^='session-{first.pk}@']")
    item.get_by_role("button", name="Ik kom", exact=True).click()
    page.wait_for_url(re.compile(r"/mijn/agenda/#session-"))
    expect(page.get_by_text("Je antwoord is opgeslagen.")).to_be_visible()
    item = page.locator(f"li.agenda-item[data-uid^='session-{first.pk}@']")
    assert item.locator("button[value=yes]").get_attribute("aria-pressed") == "true"
    assert Rsvp.objects.get(session=first, volunteer=volunteer).answer == "yes"
    assert_accessible(page)

    # The feed address is copied with the button.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Kopieer").click()
    expect(page.locator("#feed-url-status")).to_have_text("Het adres is gekopieerd.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#feed-url").input_value() and copied.endswith("/mijn.ics")
    assert_no_horizontal_overflow(page)
