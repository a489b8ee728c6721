import pytest
from django.utils import translation

from portal.pages.models import HomePage

pytestmark = pytest.mark.django_db


def test_home_page_is_the_site_root_and_dutch(client):
    response = client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="nl" dir="ltr">' in content
    assert 'href="#main"' in content and '<main id="main"' in content
    assert HomePage.objects.count() == 1


def test_english_interface_under_en(client):
    # The home page has no English translation here: its content stays Dutch (and is
    # marked so), the interface around it is English.
    content = client.get("/en/").content.decode()
    assert '<html lang="nl" dir="ltr">' in content
    assert '<header class="site-header" lang="en" dir="ltr">' in content
    assert "Skip to content" in content


def test_english_home_page_translation_is_english(client):
    from wagtail.models import Locale

    home = HomePage.objects.get()
    english = home.copy_for_translation(Locale.objects.create(language_code="en"))
    english.save_revision().publish()
    content = client.get("/en/").content.decode()
    assert '<html lang="en" dir="ltr">' in content
    assert "Skip to content" in content


def test_language_switch_works_without_javascript(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_right_to_left_languages_set_dir_rtl(rf):
    """A page in Arabic is rtl; interface text without a page stays in an interface
    language (there is no Arabic interface), and says so. See tests/pages/."""
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = AnonymousUser()
    with translation.override("ar"):
        page_html = render_to_string("base.html", {"content_language": "ar"}, request=request)
        other_html = render_to_string("base.html", {}, request=request)
    assert '<html lang="ar" dir="rtl">' in page_html
    assert '<header class="site-header" lang="nl" dir="ltr">' in page_html
    assert '<html lang="nl" dir="ltr">' in other_html


def test_home_page_query_count(client, django_assert_max_num_queries):
    client.get("/")
    with django_assert_max_num_queries(10):
        client.get("/")
