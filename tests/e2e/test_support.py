"""The volunteer's family on a phone: at 390 px, Mijn Home-Start shows "Mijn gezin"
with the family's details while the match runs; logging a visit is one tap, another
time is chosen in quarter hours, and "Ik maak me zorgen, bel mij" reaches the
coordinator. The pages fit without sideways scrolling and pass axe. Screenshots of
Mijn gezin at 1280 and 390 px go to test-results/screenshots/."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from support.models import Concern, Visit
from tests.e2e.helpers import (
    assert_accessible,
    assert_no_horizontal_overflow,
    log_in,
    save_screenshots,
)
from tests.portal.factories import BranchFactory, make_admin_user
from tests.support.conftest import (
    FAMILY_ADDRESS,
    FAMILY_FIRST_NAME,
    active_volunteer_of,
    ready_referral,
    start_new_match,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}


def test_volunteer_logs_a_visit_and_raises_a_worry_on_a_phone(page, live_server):
    branch = BranchFactory(
        name="Home-Start Utrecht", slug="utrecht", ranges=[(3500, 3585)], phone="030 1234567"
    )
    coordinator = make_admin_user("coordinator", branches=[branch], email="coord@example.org")
    volunteer = active_volunteer_of(branch, user__first_name="Anouk")
    match = start_new_match(ready_referral(), volunteer, started_days_ago=30, by=coordinator)

    page.set_viewport_size(PHONE)
    log_in(page, live_server, volunteer.email)
    page.wait_for_url(re.compile(r"/mijn/$"))
    section = page.get_by_role("region", name="Mijn gezin")
    assert FAMILY_FIRST_NAME in section.inner_text() and FAMILY_ADDRESS in section.inner_text()
    assert_no_horizontal_overflow(page)
    assert_accessible(page)

    # One tap: today, a half-day.
    section.get_by_role("button", name="Bezoek gedaan vandaag (3 uur)").click()
    page.wait_for_url(re.compile(r"/mijn/$"))
    expect(page.get_by_text("Genoteerd. Dank je wel!")).to_be_visible()
    visit = Visit.objects.get(match=match)
    assert (visit.date, visit.minutes) == (timezone.localdate(), 180)

    # Another day, three and a quarter hours.
    page.goto(f"{live_server.url}/gezin/")
    page.get_by_text("Andere tijd, andere dag, of ging niet door").click()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page.get_by_label("Datum").fill(yesterday.isoformat())
    page.get_by_label("Tijd bij het gezin").select_option(label="3 uur 15")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    page.wait_for_url(re.compile(r"/gezin/$"))
    assert Visit.objects.get(match=match, date=yesterday).minutes == 195
    assert page.get_by_text("Dit jaar").first.inner_text().startswith("Dit jaar 6,25 uur")
    assert_no_horizontal_overflow(page)
    assert_accessible(page)
    save_screenshots(page, "mijn-gezin")

    page.get_by_role("button", name="Ik maak me zorgen, bel mij").click()
    page.wait_for_url(re.compile(r"/gezin/$"))
    expect(page.get_by_text("Je coördinator heeft bericht gekregen")).to_be_visible()
    assert Concern.objects.filter(match=match, closed_at__isnull=True).count() == 1
    assert_accessible(page)
