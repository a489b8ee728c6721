"""Every public page type: what it shows, its navigation, titles for sharing, and how
many queries it may cost (at most 10, cached or not; listings flat in their length)."""

from __future__ import annotations

import re

import pytest

from portal.pages.cache import clear_page_cache
from portal.pages.models import StandardPage
from tests.pages.factories import add, branch_page, news_page, translate
from tests.portal.factories import BranchFactory

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10


def html(response) -> str:
    return response.content.decode()


def as_after_a_publish(client) -> None:
    """The state the first visitor after an editor's publish meets: no page and no
    menu or footer in the cache (Wagtail's own site lookups are warm)."""
    client.get("/robots.txt")
    client.get("/")
    clear_page_cache()


def page_urls(site) -> dict[str, str]:
    return {
        "home": "/",
        "parents": site.parents.url,
        "leaflets": site.leaflets.url,
        "registration": site.registration.url,
        "referrers": site.referrers.url,
        "referral_form": site.referral_form.url,
        "volunteering": site.volunteering.url,
        "branches": site.branches.url,
        "branch": site.utrecht.url,
        "news": site.news.url,
        "news_item": site.news_items[0].url,
        "about": site.about.url,
    }


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "parents",
        "leaflets",
        "registration",
        "referrers",
        "referral_form",
        "volunteering",
        "branches",
        "branch",
        "news",
        "news_item",
        "about",
    ],
)
def test_every_page_type_renders_in_ten_queries_or_fewer_even_uncached(
    client, public_site, name, django_assert_max_num_queries
):
    url = page_urls(public_site)[name]
    as_after_a_publish(client)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert '<main id="main"' in html(response)


def test_referrer_page_shows_the_eight_steps_numbered_and_the_way_in(client, public_site):
    content = html(client.get(public_site.referrers.url))
    steps = re.search(r'<ol class="steps">(.*?)</ol>', content, re.S).group(1)
    assert steps.count('<li class="step">') == 8
    assert re.findall(r"Stap (\d)", steps) == [str(n) for n in range(1, 9)]
    assert f'href="{public_site.referral_form.url}"' in content
    assert content.count("Meld een gezin aan") == 2  # at the top and after the steps
    assert f'href="{public_site.leaflets.url}"' in content


def test_parent_page_links_to_self_registration_and_the_leaflet(client, public_site):
    content = html(client.get(public_site.parents.url))
    assert f'href="{public_site.registration.url}"' in content
    assert f'href="{public_site.leaflets.url}"' in content


def test_leaflet_page_names_each_language_in_its_own_script_with_lang_hreflang_and_dir(
    client, public_site
):
    content = html(client.get(public_site.leaflets.url))
    links = re.findall(
        r'<a class="leaflet__link" href="([^"]+)" lang="(\w+)" hreflang="(\w+)" dir="(\w+)" '
        r"download>([^<]+)</a>",
        content,
    )
    assert [
        (lang, hreflang, direction, name) for _href, lang, hreflang, direction, name in links
    ] == [
        ("nl", "nl", "ltr", "Nederlands"),
        ("ar", "ar", "rtl", "العربية"),
        ("en", "en", "ltr", "English"),
        ("fa", "fa", "rtl", "فارسی"),
        ("uk", "uk", "ltr", "Українська"),
        ("pl", "pl", "ltr", "Polski"),
        ("ti", "ti", "ltr", "ትግርኛ"),
        ("tr", "tr", "ltr", "Türkçe"),
    ]
    assert all(href.startswith("/documents/") for href, *_rest in links)
    assert "Arabisch · PDF" in content  # the Dutch name next to it, for the referrer


def test_leaflet_download_is_the_document(client, public_site):
    leaflet = public_site.leaflets.leaflets.get(language="ar")
    response = client.get(leaflet.document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_branch_page_shows_area_and_contact_from_the_branch(client, public_site, branch):
    branch.municipalities = "Utrecht\nNieuwegein"
    branch.phone = "030 123 45 67"
    branch.save()
    content = html(client.get(public_site.utrecht.url))
    assert "<li>Utrecht</li>" in content and "<li>Nieuwegein</li>" in content
    assert 'href="tel:0301234567"' in content
    assert "Sanne de Vries" in content


def test_branch_page_may_exist_once_per_branch_and_language(public_site, branch):
    from django.core.exceptions import ValidationError

    from portal.pages.models import BranchPage

    duplicate = BranchPage(title="Nog eens", slug="nog-eens", branch=branch)
    with pytest.raises(ValidationError):
        public_site.branches.add_child(instance=duplicate)


def test_news_index_lists_newest_first_and_pages_through_them(client, public_site):
    content = html(client.get(public_site.news.url))
    assert content.index("Nieuwsbericht 2") < content.index("Nieuwsbericht 1")
    assert client.get(public_site.news.url + "?page=999").status_code == 200
    assert client.get(public_site.news.url + "?page=abc").status_code == 200


def test_home_page_shows_latest_news(client, public_site):
    assert "Nieuwsbericht 2" in html(client.get("/"))


@pytest.mark.parametrize("extra", [2, 25])
def test_news_index_query_count_does_not_grow_with_news(
    client, public_site, extra, django_assert_max_num_queries
):
    for number in range(3, 3 + extra):
        news_page(public_site.news, number)
    as_after_a_publish(client)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(public_site.news.url).status_code == 200


@pytest.mark.parametrize("extra", [1, 12])
def test_branch_index_query_count_does_not_grow_with_branches(
    client, public_site, extra, django_assert_max_num_queries
):
    for number in range(extra):
        branch_page(public_site.branches, BranchFactory(municipalities=f"Gemeente {number}"))
    as_after_a_publish(client)
    with django_assert_max_num_queries(MAX_QUERIES):
        content = html(client.get(public_site.branches.url))
    assert content.count('class="card"') == extra + 1


def test_main_menu_is_built_from_pages_shown_in_menus(client, public_site):
    hidden = add(public_site.home, StandardPage(title="Verborgen", slug="verborgen"))
    # A page of any type under the home page appears once "show in menus" is on.
    shown = add(public_site.home, StandardPage(title="Agenda", slug="agenda", show_in_menus=True))
    content = html(client.get("/"))
    menu = re.search(r'<nav class="site-nav".*?</nav>', content, re.S).group(0)
    titles = re.findall(r'<a href="[^"]+"[^>]*>([^<]+)</a>', menu)
    assert titles == [
        "Voor ouders",
        "Voor verwijzers",
        "Vrijwilliger worden",
        "Afdelingen",
        "Nieuws",
        "Over Home-Start",
        shown.title,
    ]
    assert hidden.title not in menu


def test_current_section_is_marked_in_the_menu_and_breadcrumbs(client, public_site):
    content = html(client.get(public_site.leaflets.url))
    assert re.search(r'<a href="/voor-ouders/"[^>]*aria-current="true">Voor ouders</a>', content)
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', content, re.S).group(0)
    assert re.findall(r">([^<>]+)</a>", crumbs) == [
        "Home-Start",
        "Voor ouders",
        "De folder in uw taal",
    ]
    assert 'aria-current="page"' in crumbs


def test_header_keeps_login_mijn_home_start_and_language_switch(client, public_site, volunteer):
    anonymous = html(client.get("/"))
    assert 'href="/accounts/login/"' in anonymous
    assert 'href="/en/"' in anonymous and 'hreflang="en"' in anonymous
    client.force_login(volunteer.user)
    logged_in = html(client.get("/"))
    assert 'href="/mijn/"' in logged_in
    assert "Uitloggen" in logged_in


def test_titles_and_descriptions_for_sharing(client, public_site):
    content = html(client.get(public_site.parents.url))
    assert "<title>" in content and "Voor ouders" in content.split("</title>")[0]
    assert '<meta name="description" content="Steun aan huis voor ouders.">' in content
    assert '<meta property="og:title" content="Voor ouders">' in content
    assert '<meta property="og:description" content="Steun aan huis voor ouders.">' in content
    assert re.search(r'<meta property="og:url" content="http://[^"]+/voor-ouders/">', content)
    assert re.search(r'<link rel="canonical" href="http://[^"]+/voor-ouders/">', content)
    assert '<meta name="twitter:card" content="summary">' in content


def test_translated_page_lists_its_translations_for_search_engines(client, public_site):
    translate(public_site.parents, "en", title="For parents", slug="for-parents")
    content = html(client.get(public_site.parents.url))
    assert re.search(
        r'<link rel="alternate" hreflang="en" href="http://[^"]+/en/for-parents/">', content
    )
    assert re.search(
        r'<link rel="alternate" hreflang="nl" href="http://[^"]+/voor-ouders/">', content
    )


def test_footer_links_to_the_privacy_statement_from_the_site_settings(client, public_site):
    from wagtail.models import Site

    from portal.pages.models import PublicSiteSettings

    settings_ = PublicSiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings_.privacy_page = public_site.privacy
    settings_.contact_email = "info@homestart.example"
    settings_.save()
    content = html(client.get("/"))
    assert f'<a href="{public_site.privacy.url}">Privacyverklaring</a>' in content
    assert "mailto:info@homestart.example" in content


def test_search_finds_pages_in_the_current_language(client, public_site):
    response = client.get("/zoeken/", {"q": "steun aan huis"})
    assert response.status_code == 200
    content = html(response)
    assert f'href="{public_site.about.url}"' in content
    assert '<meta name="robots" content="noindex">' in content


@pytest.mark.parametrize("query", ["", " ", "\x00", "a" * 5000, "<script>", "%", "' OR 1=1 --"])
def test_search_never_fails_on_odd_input(client, public_site, query):
    response = client.get("/zoeken/", {"q": query, "page": "x"})
    assert response.status_code == 200
    assert "<script>" not in html(response).split("<main")[1]


def test_search_query_count(client, public_site, django_assert_max_num_queries):
    client.get("/zoeken/", {"q": "home"})
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get("/zoeken/", {"q": "steun"}).status_code == 200


def test_sitemap_lists_every_language_with_alternates(client, public_site):
    translate(public_site.parents, "en", title="For parents", slug="for-parents")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    content = html(response)
    assert "/voor-ouders/</loc>" in content
    assert "/en/for-parents/</loc>" in content
    assert 'hreflang="en" href="http://' in content
    assert public_site.registration.url in content


def test_sitemap_leaves_out_drafts(client, public_site):
    draft = add(public_site.home, StandardPage(title="Concept", slug="concept"), live=False)
    assert draft.url_path.split("/")[-2] not in html(client.get("/sitemap.xml"))


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_private_areas(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    content = html(response)
    assert "Disallow: /admin/" in content and "Disallow: /mijn/" in content
    assert re.search(r"^Sitemap: http://testserver/sitemap.xml$", content, re.M)


def test_not_found_page_helps_the_visitor_on(client, public_site):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    content = html(response)
    assert "Deze pagina bestaat niet" in content
    assert 'role="search"' in content
    assert f'href="{public_site.referrers.url}"' in content  # the menu's pages as a way on
    assert '<html lang="nl" dir="ltr">' in content


def test_server_error_page_needs_no_database_or_request():
    from django.template.loader import render_to_string

    content = render_to_string("500.html")
    assert '<html lang="nl" dir="ltr">' in content
    assert 'lang="en"' in content and "Something went wrong" in content
    assert "{%" not in content


def test_server_error_is_the_static_page(client, settings):
    from django.db import connection

    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    client.raise_request_exception = False
    with connection.execute_wrapper(_fail):
        response = client.get("/voor-ouders/")
    assert response.status_code == 500
    assert "Er ging iets mis" in html(response)


def _fail(execute, sql, params, many, context):
    raise RuntimeError("the database is down")
