"""The newsletter in the browser: a volunteer reads the archive and a newsletter, then
unsubscribes through the footer link's page and subscribes again in Mijn Home-Start."""

import re

import pytest
from django.utils import timezone

from newsletter.models import Send, SendStatus, Subscription
from newsletter.rendering import unsubscribe_urls
from portal.models import VolunteerStatus
from tests.e2e.helpers import assert_accessible, assert_lang_and_dir
from tests.newsletter.factories import make_newsletter
from tests.portal.factories import TEST_PASSWORD, BranchFactory, VolunteerFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_volunteer_reads_the_archive_unsubscribes_and_subscribes_again(page, live_server):
    branch = BranchFactory(name="Home-Start Utrecht")
    volunteer = VolunteerFactory(
        branch=branch, status=VolunteerStatus.ACTIVE, user__email="anouk@example.org"
    )
    newsletter = make_newsletter(branches=[branch], title="Nieuws uit Utrecht")
    Send.objects.create(
        page=newsletter,
        subject=newsletter.subject,
        status=SendStatus.DONE,
        scheduled_at=timezone.now(),
        started_at=timezone.now(),
    )

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill("anouk@example.org")
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/mijn/$"))

    page.goto(f"{live_server.url}/nieuwsbrief/archief/")
    assert_lang_and_dir(page, "nl")
    assert page.get_by_role("heading", name="Nieuwsbrieven", exact=True).is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Nieuws uit Utrecht").click()
    assert page.get_by_role("heading", name="Nieuws van de afdeling").is_visible()
    assert_accessible(page)

    _, footer_link = unsubscribe_urls(volunteer.user.pk)
    page.goto(re.sub(r"^https?://[^/]+", live_server.url, footer_link))
    assert page.get_by_role("heading", name="Afmelden voor de nieuwsbrief").is_visible()
    assert_accessible(page)
    page.get_by_label("Nee, meld mij af").check()
    page.get_by_role("button", name="Opslaan").click()
    assert page.get_by_role("heading", name="Je bent afgemeld").is_visible()
    assert_accessible(page)
    assert Subscription.objects.get(user=volunteer.user).subscribed is False

    page.goto(f"{live_server.url}/mijn/")
    page.get_by_role("button", name="Weer aanmelden voor de nieuwsbrief").click()
    page.wait_for_url(re.compile(r"/mijn/$"))
    assert page.get_by_text("Je ontvangt de nieuwsbrief weer.").is_visible()
    assert_accessible(page)
    assert Subscription.objects.get(user=volunteer.user).subscribed is True
