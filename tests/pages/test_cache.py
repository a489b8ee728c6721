"""The public page cache: anonymous visitors get pages from the shared cache; publishing,
unpublishing, moving or deleting a page clears it; logged-in visitors and pages with a
form are never served from it (nor stored in it)."""

from __future__ import annotations

import pytest
from wagtail.models import PageViewRestriction

from portal.pages.models import StandardPage
from tests.pages.factories import add, publish

pytestmark = pytest.mark.django_db


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def test_anonymous_page_is_stored_then_served_without_queries(
    client, public_site, django_assert_num_queries
):
    assert get(client, public_site.about.url)["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        response = get(client, public_site.about.url)
    assert response["X-Page-Cache"] == "hit"
    assert "Home-Start biedt steun aan huis." in response.content.decode()


def test_cached_page_keeps_its_headers(client, public_site):
    first = get(client, public_site.about.url)
    second = get(client, public_site.about.url)
    for header in ("Content-Type", "Content-Language", "X-Frame-Options"):
        assert second[header] == first[header]
    assert not second.cookies


@pytest.mark.parametrize("change", ["publish", "unpublish", "move", "delete"])
def test_editor_changes_clear_the_cache_at_once(
    client, public_site, change, django_capture_on_commit_callbacks
):
    page = public_site.about
    get(client, page.url)
    get(client, "/")
    assert get(client, "/")["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        if change == "publish":
            page.title = "Over ons"
            publish(page)
        elif change == "unpublish":
            page.unpublish()
        elif change == "move":
            page.move(public_site.parents, pos="last-child")
        else:
            page.delete()
    home = get(client, "/")
    assert home["X-Page-Cache"] == "miss"  # the menu on the home page changed with it
    menu = home.content.decode().split('<nav class="site-nav"')[1].split("</nav>")[0]
    if change == "publish":
        assert "Over ons" in menu
        assert "Over ons" in get(client, page.url).content.decode()
    else:
        assert "Over Home-Start" not in menu


def test_page_rendered_during_a_publish_is_never_served_afterwards(client, public_site):
    """A page rendered from the old content while an editor publishes is stored under
    the generation it started in, which the publish has made stale."""
    from portal.pages import cache as page_cache

    page = public_site.about
    original = page_cache._is_cacheable_response

    def publish_after_rendering(request, response):
        page.title = "Nieuw"
        publish(page)  # lands after this response was rendered from the old page
        return original(request, response)

    page_cache._is_cacheable_response = publish_after_rendering
    try:
        stale = get(client, page.url)
    finally:
        page_cache._is_cacheable_response = original
    assert "Over Home-Start" in stale.content.decode()
    fresh = get(client, page.url)
    assert fresh["X-Page-Cache"] == "miss"
    assert "<h1>Nieuw</h1>" in fresh.content.decode()


def test_logged_in_visitors_are_never_served_from_the_cache(client, public_site, volunteer):
    get(client, public_site.about.url)
    assert get(client, public_site.about.url)["X-Page-Cache"] == "hit"
    client.force_login(volunteer.user)
    response = get(client, public_site.about.url)
    assert "X-Page-Cache" not in response
    assert "Uitloggen" in response.content.decode()
    client.logout()
    # ...and what they saw was not stored for the next anonymous visitor.
    anonymous = get(client, public_site.about.url)
    assert "Uitloggen" not in anonymous.content.decode()


@pytest.mark.parametrize("form_page", ["referral_form", "registration", "volunteering"])
def test_pages_with_a_form_are_never_cached(client, public_site, form_page):
    # (not named "page": that is pytest-playwright's browser page fixture)
    url = getattr(public_site, form_page).url
    first, second = get(client, url), get(client, url)
    assert "X-Page-Cache" not in first and "X-Page-Cache" not in second
    assert 'name="csrfmiddlewaretoken"' in second.content.decode()
    assert "csrftoken" in second.cookies


def test_visitor_with_a_message_waiting_gets_a_fresh_page(client, public_site):
    get(client, public_site.about.url)
    client.cookies["messages"] = "something"
    assert "X-Page-Cache" not in get(client, public_site.about.url)


@pytest.mark.parametrize("query", ["?utm_source=nieuwsbrief", "?q=1", "?page=1&x=2"])
def test_addresses_with_other_query_parameters_are_not_cached(client, public_site, query):
    url = public_site.about.url + query
    get(client, url)
    assert "X-Page-Cache" not in get(client, url)


def test_page_numbers_are_cached_apart(client, public_site):
    get(client, public_site.news.url + "?page=1")
    assert get(client, public_site.news.url + "?page=1")["X-Page-Cache"] == "hit"
    assert get(client, public_site.news.url + "?page=2")["X-Page-Cache"] == "miss"


def test_other_hosts_and_languages_are_cached_apart(client, public_site):
    get(client, "/")
    assert get(client, "/")["X-Page-Cache"] == "hit"
    assert get(client, "/en/")["X-Page-Cache"] == "miss"


def test_not_found_and_redirects_are_not_cached(client, public_site):
    client.get("/bestaat-niet/")
    assert "X-Page-Cache" not in client.get("/bestaat-niet/")


def test_protected_pages_are_not_cached(client, public_site):
    secret = add(public_site.home, StandardPage(title="Intern", slug="intern"))
    PageViewRestriction.objects.create(
        page=secret, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    first = client.get(secret.url)
    second = client.get(secret.url)
    assert "X-Page-Cache" not in second
    assert 'name="password"' in second.content.decode()
    assert first.status_code == second.status_code == 200


def test_branch_details_changes_clear_the_cache(client, public_site, branch):
    get(client, public_site.utrecht.url)
    branch.phone = "030 999 99 99"
    branch.save()
    response = get(client, public_site.utrecht.url)
    assert response["X-Page-Cache"] == "miss"
    assert "030 999 99 99" in response.content.decode()


def test_sitemap_is_cached_and_cleared_with_the_pages(
    client, public_site, django_capture_on_commit_callbacks
):
    get(client, "/sitemap.xml")
    assert get(client, "/sitemap.xml")["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        public_site.about.unpublish()
    response = get(client, "/sitemap.xml")
    assert response["X-Page-Cache"] == "miss"
    assert "over-home-start" not in response.content.decode()
