"""BasePage.route finds pages in two queries; it must route exactly as Wagtail does,
and Wagtail's view restrictions must still hold."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.test import RequestFactory
from wagtail.models import Page, PageViewRestriction
from wagtail.url_routing import RouteResult

from portal.pages.models import StandardPage
from tests.pages.factories import add

pytestmark = pytest.mark.django_db


def wagtail_route(page, components):
    """Wagtail's own routing, one level at a time."""
    if not components:
        return Page.route(page, None, components)
    try:
        child = page.get_children().get(slug=components[0]).specific
    except Page.DoesNotExist:
        return "404"
    if type(child).route is not type(page).route:
        return route(child, components[1:])
    return wagtail_route(child, components[1:])


def route(page, components):
    try:
        return page.route(RequestFactory().get("/"), components)
    except Http404:
        return "404"


def described(args):
    """Route arguments with a routable page's view named rather than bound."""
    return [getattr(arg, "__name__", arg) for arg in args]


@pytest.mark.parametrize(
    "path",
    [
        [],
        ["voor-ouders"],
        ["voor-ouders", "folder"],
        ["voor-ouders", "aanmelden"],
        ["voor-ouders", "aanmelden", "bedankt"],  # a route of a routable page
        ["voor-ouders", "aanmelden", "bestaat-niet"],
        ["voor-ouders", "bestaat-niet"],
        ["bestaat-niet"],
        ["bestaat-niet", "folder"],
        ["afdelingen", "utrecht"],
        ["nieuws", "nieuws-1"],
        ["folder"],  # exists deeper down, not here
    ],
)
def test_routes_like_wagtail(public_site, path):
    ours = route(public_site.home, path)
    theirs = wagtail_route(public_site.home, path)
    if theirs == "404":
        assert ours == "404"
        return
    if not isinstance(theirs, RouteResult):
        pytest.fail(f"unexpected {theirs!r}")
    assert isinstance(ours, RouteResult)
    assert ours.page.pk == theirs.page.pk
    assert type(ours.page) is type(theirs.page)
    assert described(ours.args) == described(theirs.args)


def test_a_draft_is_not_served_but_its_live_children_are(client, public_site):
    draft = add(public_site.home, StandardPage(title="Concept", slug="concept"), live=False)
    child = add(draft, StandardPage(title="Kind", slug="kind"))
    assert client.get("/concept/").status_code == 404
    assert client.get("/concept/kind/").status_code == 200
    assert child.url == "/concept/kind/"


def test_routing_costs_the_same_at_any_depth(client, public_site, django_assert_num_queries):
    parent = public_site.home
    for depth in range(4):
        parent = add(parent, StandardPage(title=f"Niveau {depth}", slug=f"niveau-{depth}"))
    client.get("/niveau-0/")
    client.get("/")
    from portal.pages.cache import clear_page_cache

    clear_page_cache()
    with django_assert_num_queries(7) as shallow:
        client.get("/niveau-0/")
    clear_page_cache()
    with django_assert_num_queries(len(shallow.captured_queries)):
        client.get("/niveau-0/niveau-1/niveau-2/niveau-3/")


def test_password_protected_page_still_asks_for_the_password(client, public_site):
    secret = add(public_site.home, StandardPage(title="Intern", slug="intern"))
    child = add(secret, StandardPage(title="Dieper", slug="dieper"))
    PageViewRestriction.objects.create(
        page=secret, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    response = client.get(child.url)
    assert 'name="password"' in response.content.decode()
    assert "Dieper" not in response.content.decode().split("<main")[0]


def test_login_restricted_page_sends_anonymous_visitors_to_log_in(client, public_site, volunteer):
    secret = add(public_site.home, StandardPage(title="Leden", slug="leden"))
    PageViewRestriction.objects.create(page=secret, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(secret.url)
    assert response.status_code == 302
    client.force_login(volunteer.user)
    assert client.get(secret.url).status_code == 200


def test_restricted_pages_are_left_out_of_listings_and_the_sitemap(client, public_site):
    PageViewRestriction.objects.create(
        page=public_site.news_items[0], restriction_type=PageViewRestriction.LOGIN
    )
    assert "Nieuwsbericht 1" not in client.get(public_site.news.url).content.decode()
    assert "nieuws-1" not in client.get("/sitemap.xml").content.decode()
