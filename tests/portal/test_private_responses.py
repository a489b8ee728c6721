"""Responses to a logged-in person are never stored; a new password renews the
calendar feed address."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.agenda.models import CalendarFeedToken
from tests.portal.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/mijn/", "/mijn/agenda/"])
def test_logged_in_responses_are_private_and_not_stored(client_for, url):
    response = client_for("volunteer").get(url)
    assert response.status_code == 200
    control = response["Cache-Control"]
    assert "private" in control and "no-store" in control


def test_admin_responses_are_private_and_not_stored(client_for):
    control = client_for("coordinator").get("/admin/")["Cache-Control"]
    assert "private" in control and "no-store" in control


def test_anonymous_public_pages_keep_their_caching(client):
    assert "no-store" not in client.get("/").get("Cache-Control", "")


def test_a_new_password_renews_the_feed_address(client_for, volunteer):
    client = client_for("volunteer")
    client.get("/mijn/agenda/")
    old = CalendarFeedToken.objects.get(user=volunteer.user).token
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": TEST_PASSWORD,
            "password1": "een-nieuw-lang-wachtwoord-7",
            "password2": "een-nieuw-lang-wachtwoord-7",
        },
    )
    assert response.status_code == 302
    new = CalendarFeedToken.objects.get(user=volunteer.user).token
    assert new != old
    assert client.get(f"/agenda/{old}/mijn.ics").status_code == 404


def test_a_password_reset_by_e_mail_renews_the_feed_address_too(
    client, volunteer, mailoutbox, django_capture_on_commit_callbacks
):
    import re

    from django.test import Client

    feed_client = Client()
    feed_client.force_login(volunteer.user)
    feed_client.get("/mijn/agenda/")
    old = CalendarFeedToken.objects.get(user=volunteer.user).token
    with django_capture_on_commit_callbacks(execute=True):  # e-mail goes out on commit
        response = client.post(reverse("account_reset_password"), {"email": volunteer.user.email})
    assert response.status_code == 302
    link = re.search(r"https?://[^/\s]+(/\S*/password/reset/key/\S+/)", mailoutbox[-1].body)
    response = client.get(link.group(1), follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link.group(1)
    new_password = "een-nieuw-lang-wachtwoord-8"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    new = CalendarFeedToken.objects.get(user=volunteer.user).token
    assert new != old
    assert client.get(f"/agenda/{old}/mijn.ics").status_code == 404
