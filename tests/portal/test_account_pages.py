"""allauth's pages in the site's layout and words: "Inloggen" for logging in everywhere,
"Account aanmaken" for signing up, "Tweestapsverificatie"; the site's forms and buttons
(templates/allauth/elements/, Dutch wording in portal/locale/nl)."""

from __future__ import annotations

import re

import pytest

from tests.portal.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

# Words that would mean "log in" or "log out" on these pages, where they must not appear.
NOT_FOR_LOGGING_IN = re.compile(r"aanmeld|afmeld|registre|twee-factor", re.IGNORECASE)


def visible_text(response) -> str:
    html = response.content.decode()
    main = re.search(r"<main.*?</main>", html, re.S)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def test_login_page_says_inloggen_in_the_sites_layout(client):
    response = client.get("/accounts/login/")
    html = response.content.decode()
    text = visible_text(response)
    assert '<html lang="nl" dir="ltr">' in html and '<main id="main"' in html
    assert re.search(r"<h1>\s*Inloggen\s*</h1>", html)
    assert re.search(r'<button class="button"[^>]*type="submit">\s*Inloggen\s*</button>', html)
    assert 'class="form"' in html and "Nog geen account?" in text
    assert "Maak een account aan" in text and "Wachtwoord vergeten?" in text
    assert not NOT_FOR_LOGGING_IN.search(text), text


def test_logout_page_says_uitloggen(client, volunteer):
    client.force_login(volunteer.user)
    text = visible_text(client.get("/accounts/logout/"))
    assert "Uitloggen" in text and "Weet je zeker dat je wilt uitloggen?" in text
    assert not NOT_FOR_LOGGING_IN.search(text), text


def test_two_step_page_says_tweestapsverificatie_and_inloggen(client, coordinator):
    response = client.post(
        "/accounts/login/", {"login": coordinator.email, "password": TEST_PASSWORD}
    )
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    text = visible_text(client.get(response["Location"]))
    assert text.startswith("Tweestapsverificatie") and "beveiligd met tweestapsverificatie" in text
    assert "Inloggen" in text  # the button
    assert not NOT_FOR_LOGGING_IN.search(text), text


def test_account_pages_use_the_sites_buttons_and_lead_back_to_mijn(client, volunteer):
    client.force_login(volunteer.user)
    html = client.get("/accounts/email/").content.decode()
    assert '<a href="/mijn/">Mijn Home-Start</a>' in html
    assert re.search(r'<button class="button button--danger" name="action_remove"', html)
    assert re.search(r'<button class="button button--secondary" name="action_send"', html)
    for url in ("/accounts/password/change/", "/accounts/2fa/", "/accounts/email/"):
        text = visible_text(client.get(url))
        assert not NOT_FOR_LOGGING_IN.search(text), (url, text)


def test_english_keeps_allauths_own_words(client):
    html = client.get("/en/accounts/login/").content.decode()
    assert re.search(r"<h1>\s*Sign In\s*</h1>", html)
