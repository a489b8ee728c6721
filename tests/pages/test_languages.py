"""Languages of the public site.

The interface speaks Dutch and English. Pages may also be translated into Arabic and
Farsi: such a page is `lang="ar" dir="rtl"` as a whole, while the interface around its
content (menus, footer, form labels) stays Dutch and says so with its own lang/dir.
Other addresses under /ar/ or /fa/ are sent to their Dutch address.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from tests.pages.factories import translate

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def test_interface_and_content_languages():
    assert settings.PORTAL_INTERFACE_LANGUAGES == ["nl", "en"]
    content = dict(settings.WAGTAIL_CONTENT_LANGUAGES)
    assert {"nl", "en", "ar", "fa"} <= set(content)
    assert set(content) <= {code for code, _name in settings.LANGUAGES}  # Wagtail's rule
    assert dict(settings.WAGTAILADMIN_PERMITTED_LANGUAGES).keys() == {"nl", "en"}


def test_dutch_page_is_dutch_and_left_to_right(client, public_site):
    content = html(client.get(public_site.parents.url))
    assert '<html lang="nl" dir="ltr">' in content
    assert '<header class="site-header">' in content  # nothing to mark: same language


def test_english_translation_is_english_with_an_english_interface(client, public_site):
    english = translate(public_site.parents, "en", title="For parents", slug="for-parents")
    response = client.get(english.url)
    assert english.url == "/en/for-parents/"
    content = html(response)
    assert '<html lang="en" dir="ltr">' in content
    assert "Skip to content" in content
    assert '<header class="site-header">' in content


@pytest.mark.parametrize(("language", "title"), [("ar", "للآباء والأمهات"), ("fa", "برای والدین")])
def test_arabic_and_farsi_translations_are_right_to_left(client, public_site, language, title):
    translated = translate(public_site.parents, language, title=title, slug=f"ouders-{language}")
    response = client.get(translated.url)
    assert response.status_code == 200
    content = html(response)
    assert f'<html lang="{language}" dir="rtl">' in content
    assert f"<h1>{title}</h1>" in content
    # The interface has no Arabic or Farsi: it is Dutch, and marked as such.
    assert '<header class="site-header" lang="nl" dir="ltr">' in content
    assert '<footer class="site-footer" lang="nl" dir="ltr">' in content
    assert re.search(
        r'<a class="skip-link" href="#main" lang="nl" dir="ltr">Naar de inhoud</a>', content
    )
    # Page titles inside the Dutch menu and breadcrumbs carry their own language.
    assert re.search(
        rf'<a href="{translated.url}" lang="{language}" dir="rtl" aria-current="page">{title}</a>',
        content,
    )


def test_language_switch_offers_the_translations_of_this_page(client, public_site):
    translate(public_site.parents, "en", title="For parents", slug="for-parents")
    arabic = translate(public_site.parents, "ar", title="للآباء والأمهات", slug="lil-aba")
    content = html(client.get(public_site.parents.url))
    switch = re.search(r'<nav class="language-switch".*?</nav>', content, re.S).group(0)
    links = re.findall(r'<a href="([^"]+)" lang="(\w+)" hreflang="\w+" dir="(\w+)"', switch)
    assert links == [
        ("/voor-ouders/", "nl", "ltr"),
        ("/en/for-parents/", "en", "ltr"),
        (arabic.url, "ar", "rtl"),
    ]
    assert re.search(r'lang="nl"[^>]*aria-current="true">Nederlands</a>', switch)
    assert ">العربية</a>" in switch


def test_language_switch_without_a_translation_goes_to_that_language_home(client, public_site):
    content = html(client.get(public_site.referrers.url))
    switch = re.search(r'<nav class="language-switch".*?</nav>', content, re.S).group(0)
    assert re.findall(r'<a href="([^"]+)" lang="(\w+)"', switch) == [
        ("/voor-verwijzers/", "nl"),
        ("/en/", "en"),
    ]
    assert "العربية" not in switch  # content languages only where a translation exists


def test_language_switch_on_other_pages_follows_the_address(client, volunteer):
    client.force_login(volunteer.user)
    content = html(client.get("/mijn/"))
    assert 'href="/en/mijn/" lang="en"' in content


def test_english_address_without_an_english_page_shows_the_dutch_content_as_dutch(
    client, public_site
):
    # No English home page: Wagtail serves the Dutch one under /en/. The content is
    # Dutch, so the page says lang="nl"; the interface around it is English.
    content = html(client.get("/en/"))
    assert '<html lang="nl" dir="ltr">' in content
    assert '<header class="site-header" lang="en" dir="ltr">' in content
    assert "Skip to content" in content


@pytest.mark.parametrize(
    ("address", "dutch"),
    [
        ("/ar/accounts/login/", "/accounts/login/"),
        ("/fa/mijn/", "/mijn/"),
        ("/ar/zoeken/?q=folder", "/zoeken/?q=folder"),
        ("/ar//elsewhere.example/", "/elsewhere.example/"),  # never off the site
        ("/fa", "/"),
    ],
)
def test_content_only_languages_have_no_interface_of_their_own(client, address, dutch):
    response = client.get(address)
    assert response.status_code == 302
    assert response["Location"] == dutch


def test_arabic_address_of_a_page_without_arabic_translation_is_a_404(client, public_site):
    translate(public_site.home, "ar", title="هوم ستارت")
    response = client.get("/ar/voor-verwijzers/")
    assert response.status_code == 404
    assert '<html lang="nl" dir="ltr">' in html(response)


def test_form_on_a_translated_page_keeps_its_dutch_labels_marked_dutch(client, public_site):
    arabic = translate(public_site.registration, "ar", title="التسجيل", slug="tasjil")
    content = html(client.get(arabic.url))
    assert '<html lang="ar" dir="rtl">' in content
    assert re.search(
        r'<form method="post" [^>]*class="form referral-form" novalidate lang="nl" dir="ltr">',
        content,
    )


def test_leaflet_and_menu_names_in_english_interface(client, public_site):
    english = translate(public_site.leaflets, "en", title="The leaflet in your language")
    content = html(client.get(english.url))
    assert "Arabic · PDF" in content
    assert ">العربية</a>" in content
