"""The newsletter in the browser: a volunteer reads the archive and a newsletter, then
unsubscribes through the footer link's page and subscribes again in Mijn Home-Start."""

import re
from email.utils import parseaddr

import pytest
from django.utils import timezone
from playwright.sync_api import expect

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
    expect(page.get_by_role("heading", name="Nieuwsbrieven", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Nieuws uit Utrecht").click()
    expect(page.get_by_role("heading", name="Nieuws van de afdeling")).to_be_visible()
    assert_accessible(page)

    _, footer_link = unsubscribe_urls(volunteer.user.pk)
    page.goto(re.sub(r"^https?://[^/]+", live_server.url, footer_link))
    expect(page.get_by_role("heading", name="Afmelden voor de nieuwsbrief")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Nee, meld mij af").check()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name="Je bent afgemeld")).to_be_visible()
    assert_accessible(page)
    assert Subscription.objects.get(user=volunteer.user).subscribed is False

    page.goto(f"{live_server.url}/mijn/")
    page.get_by_role("button", name="Weer aanmelden voor de nieuwsbrief").click()
    page.wait_for_url(re.compile(r"/mijn/$"))
    expect(page.get_by_text("Je ontvangt de nieuwsbrief weer.")).to_be_visible()
    assert_accessible(page)
    assert Subscription.objects.get(user=volunteer.user).subscribed is True


def test_coordinator_sees_uncertain_deliveries_and_resends_them(page, live_server):
    from django.core import mail
    from playwright.sync_api import expect

    from newsletter import services
    from newsletter.models import Delivery, DeliveryStatus
    from tests.e2e.helpers import log_in, save_screenshots
    from tests.newsletter.factories import make_volunteers
    from tests.portal.factories import make_admin_user

    branch = BranchFactory(name="Home-Start Utrecht")
    coordinator = make_admin_user("coordinator", branches=[branch], email="coord@example.org")
    make_volunteers(branch, 4)
    newsletter = make_newsletter(branches=[branch], owner=coordinator, title="Nieuws december")
    send = services.schedule_send(page_id=newsletter.pk, user=coordinator)  # sent inline
    assert Send.objects.get(pk=send.pk).status == SendStatus.DONE
    killed = list(Delivery.objects.filter(send=send).order_by("pk")[:2])
    Delivery.objects.filter(pk__in=[d.pk for d in killed]).update(
        status=DeliveryStatus.UNCERTAIN,
        answer="onderbroken tijdens het versturen (Connection reset by peer)",
        finished_at=timezone.now(),
    )
    mail.outbox.clear()

    log_in(page, live_server, coordinator.email, totp=True)
    page.goto(f"{live_server.url}/admin/nieuwsbrief/verzending/{send.pk}/")
    expect(page.get_by_role("heading", name="Onzeker")).to_be_visible()
    table = page.get_by_role("table", name="Onzeker")
    for delivery in killed:
        expect(table.get_by_role("row", name=re.compile(re.escape(delivery.email)))).to_be_visible()
    expect(table.get_by_text("Connection reset by peer").first).to_be_visible()
    expect(page.get_by_role("link", name="Terug naar de nieuwsbrief")).to_be_visible()
    assert_accessible(page)
    save_screenshots(page, "newsletter-uncertain")

    page.get_by_role("button", name="2 onzekere opnieuw versturen").click()
    expect(page.get_by_text("2 onzekere bezorgingen worden opnieuw verstuurd.")).to_be_visible()
    expect(page.get_by_role("table", name="Onzeker")).to_have_count(0)
    received = sorted(parseaddr(m.to[0])[1] for m in mail.outbox)
    assert received == sorted(d.email for d in killed)
    assert Delivery.objects.filter(send=send, status=DeliveryStatus.SENT).count() == 4
    assert_accessible(page)
    save_screenshots(page, "newsletter-resent")
