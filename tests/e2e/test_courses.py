"""A volunteer signs up for the introduction course (by keyboard), sees their place and
downloads the dates; on a full course another lands on the waitlist; the coordinator
marks attendance in the admin."""

import datetime
import re

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from icalendar import Calendar
from playwright.sync_api import expect

from courses import services
from courses.models import Attendance
from tests.courses.factories import make_course
from tests.e2e.helpers import assert_accessible
from tests.portal.factories import (
    TEST_PASSWORD,
    BranchFactory,
    VolunteerFactory,
    current_totp_code,
    make_admin_user,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def log_in(page, live_server, email):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.keyboard.press("Enter")


def test_volunteer_signs_up_sees_place_and_coordinator_marks_attendance(page, live_server):
    branch = BranchFactory(name="Home-Start Utrecht", slug="utrecht", ranges=[(3500, 3585)])
    today = timezone.localdate()
    course = make_course(branch, title="Introductiecursus voorjaar", capacity=1)
    full = make_course(branch, title="Training in gesprek", capacity=1, kind="training")
    services.enrol_volunteer(offering=full, volunteer=VolunteerFactory(branch=branch))
    volunteer = VolunteerFactory(branch=branch, user__email="lotte@example.org")

    # Anyone sees the overview and the course, with places left.
    page.goto(f"{live_server.url}{course.get_parent().url}")
    expect(page.get_by_text("Nog 1 plaats vrij")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Introductiecursus voorjaar").click()
    expect(page.get_by_role("link", name="Inloggen om je aan te melden")).to_be_visible()
    assert_accessible(page)

    log_in(page, live_server, volunteer.email)
    page.wait_for_url(re.compile(r"/mijn/$"))
    page.goto(f"{live_server.url}{course.url}")

    # The browser itself refuses a sign-up without the confirmation.
    page.get_by_role("button", name="Aanmelden", exact=True).click()
    assert page.locator("input[name=confirm]").evaluate("box => box.validity.valueMissing")
    assert not course.enrolments.exists()

    # By keyboard: tick the confirmation, move to the button, press it.
    page.get_by_label(re.compile("Ik kan bij alle bijeenkomsten zijn")).focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Aanmelden"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#mijn-plaats$"))
    expect(
        page.get_by_text("Je bent ingeschreven. Je krijgt een bevestiging per e-mail.")
    ).to_be_visible()
    expect(page.get_by_text("Je bent ingeschreven voor deze cursus.")).to_be_visible()
    expect(page.get_by_text("Nog 0 van de 1 plaatsen vrij")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"Alle bijeenkomsten in je agenda")).click()
    with open(download_info.value.path(), "rb") as file:
        calendar = Calendar.from_ical(file.read())
    assert len(calendar.walk("VEVENT")) == 6

    # The full training puts them on the waitlist, with their place in line.
    page.goto(f"{live_server.url}{full.url}")
    page.get_by_label(re.compile("Ik kan bij alle bijeenkomsten zijn")).check()
    page.get_by_role("button", name="Op de wachtlijst").click()
    page.wait_for_url(re.compile(r"#mijn-plaats$"))
    expect(page.get_by_text("Je staat op de wachtlijst, op plaats 1.").first).to_be_visible()
    assert_accessible(page)

    # Leaving the waitlist asks one question first.
    page.get_by_text("Van de wachtlijst af", exact=True).click()
    expect(page.get_by_text("Je verliest je plaats op de wachtlijst.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Ja, haal me van de wachtlijst").click()
    page.wait_for_url(re.compile(r"#mijn-plaats$"))
    expect(page.get_by_text("Je bent afgemeld.")).to_be_visible()
    # The coordinator marks the first session, held today, in the admin.
    past = make_course(
        branch, title="Lopende cursus", kind="training", first_date=today, sessions=2
    )
    services.enrol_volunteer(
        offering=past,
        volunteer=volunteer,
        now=past.offering_starts_at() - datetime.timedelta(days=1),
    )
    coordinator = make_admin_user("coordinator", branches=[branch], email="coord@example.org")
    page.context.clear_cookies()
    log_in(page, live_server, coordinator.email)
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.get_by_label("Code", exact=False).fill(current_totp_code())
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/$"))
    page.goto(f"{live_server.url}/admin/courses/{past.pk}/aanwezigheid/")
    assert_accessible(page)  # the grid itself (Wagtail's own success message fails contrast)
    # One label per cell: the participant and the day, as a screen reader reads it.
    with translation.override("nl"):
        cell = f"{volunteer.full_name}, {date_format(today, 'l j F')}"
    page.get_by_label(cell, exact=True).select_option("present")
    page.get_by_role("button", name="Aanwezigheid opslaan").click()
    expect(page.get_by_text(re.compile("Aanwezigheid opgeslagen"))).to_be_visible()
    assert Attendance.objects.filter(
        enrolment__volunteer=volunteer, session__date=today, status="present"
    ).exists()
