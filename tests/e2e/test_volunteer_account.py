"""A new volunteer creates an account, confirms the e-mail, logs in and edits the profile."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from portal.models import Volunteer
from tests.e2e.helpers import assert_accessible, assert_lang_and_dir
from tests.portal.factories import BranchFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "een-lang-wachtwoord-42"


def test_new_volunteer_signs_up_confirms_logs_in_and_edits_profile(page, live_server):
    BranchFactory(name="Home-Start Utrecht", ranges=[(3500, 3585)])
    mail.outbox.clear()

    page.goto(f"{live_server.url}/")
    assert_lang_and_dir(page, "nl")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Naar de inhoud"
    assert_accessible(page)

    page.get_by_role("link", name="Account aanmaken").click()
    assert_accessible(page)
    page.get_by_label("Voornaam").fill("Lotte")
    page.get_by_label("Achternaam").fill("de Boer")
    page.get_by_label("E-mail").fill("lotte@example.org")
    page.get_by_label("Postcode").fill("3512 ab")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Account aanmaken").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    assert_accessible(page)

    body = mail.outbox[-1].body
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", live_server.url, link))
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Bevestig", re.I)).click()

    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    page.get_by_label("E-mail").fill("lotte@example.org")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/mijn/$"))
    expect(page.get_by_role("heading", name="Mijn Home-Start")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Gegevens wijzigen").click()
    assert_accessible(page)
    page.get_by_label("Telefoon").fill("06 12 34 56 78")
    page.get_by_label("Arabisch").check()
    page.get_by_label("dinsdag ochtend").check()
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(re.compile(r"/mijn/$"))
    expect(page.get_by_text("Je gegevens zijn opgeslagen.")).to_be_visible()
    assert_accessible(page)

    volunteer = Volunteer.objects.get(user__email="lotte@example.org")
    assert volunteer.phone == "06 12 34 56 78"
    assert volunteer.languages == ["ar"]
    assert volunteer.availability == ["tue_morning"]
    assert volunteer.branch.name == "Home-Start Utrecht"


def test_bad_profile_input_shows_dutch_errors_in_the_browser(page, live_server):
    from tests.portal.factories import TEST_PASSWORD, VolunteerFactory

    volunteer = VolunteerFactory(user__email="anouk@example.org")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill("anouk@example.org")
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/mijn/$"))
    page.goto(f"{live_server.url}/mijn/gegevens/")
    page.get_by_label("Postcode").fill("12345")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_text("Vul een Nederlandse postcode in").first).to_be_visible()
    assert_accessible(page)
    volunteer.refresh_from_db()
    assert volunteer.postcode == "3511 AB"
