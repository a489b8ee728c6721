"""The newsletter's demo content: two sent newsletters in the archive and a draft."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from newsletter.models import DeliveryStatus, NewsletterPage, Send, SendStatus
from portal.models import User

pytestmark = pytest.mark.django_db


def test_demo_content_has_two_sent_newsletters_and_a_draft(client):
    call_command("demo_content")
    call_command("demo_content")  # a second run adds nothing
    assert NewsletterPage.objects.count() == 3
    assert Send.objects.filter(status=SendStatus.DONE).count() == 2
    assert NewsletterPage.objects.filter(live=False).count() == 1
    national = Send.objects.get(page__slug="voorjaar")
    assert national.deliveries.filter(status=DeliveryStatus.SENT).count() > 0
    public = NewsletterPage.objects.get(slug="voorjaar")
    assert client.get(public.url).status_code == 200  # marked public
    private = NewsletterPage.objects.get(slug="utrecht-zomer")
    assert client.get(private.url).status_code == 302  # log in first

    reader = User.objects.filter(
        volunteer__branch__slug="utrecht", volunteer__status="active"
    ).first()
    client.force_login(reader)
    archive = client.get(reverse("newsletter:archive")).content.decode()
    assert archive.index("Nieuws uit Utrecht") < archive.index("Nieuwsbrief voorjaar")
    assert "najaar" not in archive
