"""Newsletter pages: the blocks (the events block lists what the parts provide), who may
read a newsletter on the site, and the editor's form (the audience rule on the server)."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from newsletter.models import Audience, NewsletterPage
from newsletter.page_permissions import branch_archive
from newsletter.rendering import render_newsletter
from portal.models import Volunteer
from tests.matrix import DENIED, assert_access
from tests.newsletter.factories import make_newsletter, newsletter_index, stream

pytestmark = pytest.mark.django_db

EVENTS = stream(("events", {"heading": "Binnenkort", "kind": "", "limit": 5}))


def test_events_block_lists_what_the_registered_provider_gives(
    client, staff, branch, events_provider
):
    page = make_newsletter(branches=[branch], body=EVENTS, public=True)
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Themabijeenkomst: hechting" in html
    assert "Introductiecursus najaar" in html
    assert events_provider.calls == [[branch.pk]]  # the branch's events (plus national ones)


def test_events_block_of_a_national_newsletter_asks_for_every_branch(branch, events_provider):
    page = make_newsletter(audience=Audience.ALL_VOLUNTEERS, body=EVENTS)
    render_newsletter(page)
    assert events_provider.calls[-1] is None


def test_events_block_filters_on_kind_and_limit(branch, events_provider):
    body = stream(("events", {"heading": "Cursussen", "kind": "course", "limit": 1}))
    rendered = render_newsletter(make_newsletter(branches=[branch], body=body))
    assert "Introductiecursus najaar" in rendered.html
    assert "hechting" not in rendered.html
    assert "Introductiecursus najaar" in rendered.text


def test_events_block_without_events_says_so(branch):
    rendered = render_newsletter(make_newsletter(branches=[branch], body=EVENTS))
    assert "geen bijeenkomsten of cursussen gepland" in rendered.html


def test_email_has_inlined_css_absolute_links_and_markers(branch):
    rendered = render_newsletter(make_newsletter(branches=[branch]))
    assert "<style" not in rendered.html
    assert 'style="' in rendered.html
    assert 'href="http://testserver/over-home-start/"' in rendered.html
    assert 'href="/' not in rendered.html and 'src="/' not in rendered.html
    assert "%%recipient_name%%" in rendered.html and "%%recipient_name%%" in rendered.text
    assert "meer over ons (http://testserver/over-home-start/)" in rendered.text
    assert "Doe mee: https://example.org/doe-mee" in rendered.text
    assert "“Het was een mooi jaar.”" in rendered.text


def test_private_newsletter_is_for_its_readers_only(
    client, branch, other_branch, volunteer, other_volunteer, coordinator
):
    page = make_newsletter(branches=[branch], statuses=["active"])
    response = client.get(page.url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(other_volunteer.user)
    assert client.get(page.url).status_code == 403
    client.force_login(volunteer.user)
    assert client.get(page.url).status_code == 403  # "applied": not in the audience
    Volunteer.objects.filter(pk=volunteer.pk).update(status="active")
    assert client.get(page.url).status_code == 200
    client.force_login(coordinator)
    assert client.get(page.url).status_code == 200


def test_public_newsletter_is_for_everyone(client, branch):
    page = make_newsletter(branches=[branch], public=True)
    assert client.get(page.url).status_code == 200


def _form(branch_ids, audience="branches"):
    data = nested_form_data(
        {
            "title": "Zomer",
            "slug": "zomer",
            "subject": "Zomernieuws",
            "preheader": "",
            "body": streamfield([("paragraph", rich_text("<p>Hallo</p>"))]),
            "audience": audience,
            "is_public": "",
        }
    )
    data["branches"] = branch_ids
    data["volunteer_statuses"] = ["active"]
    return data


def test_coordinator_editing_the_posted_branch_ids_is_refused(
    client, coordinator, branch, other_branch
):
    index = branch_archive(branch, national=newsletter_index())
    client.force_login(coordinator)
    url = reverse("wagtailadmin_pages:add", args=("newsletter", "newsletterpage", index.pk))
    assert client.get(url).status_code == 200
    response = client.post(url, _form([other_branch.pk]))
    assert response.status_code in (200, 400)
    assert not NewsletterPage.objects.filter(slug="zomer").exists()
    response = client.post(url, _form([branch.pk], audience="all"))
    assert not NewsletterPage.objects.filter(slug="zomer").exists()
    response = client.post(url, _form([branch.pk]))
    assert response.status_code == 302, response.content.decode()[:3000]
    page = NewsletterPage.objects.get(slug="zomer")
    assert list(page.branches.all()) == [branch]


def test_coordinator_cannot_open_another_branches_newsletter_in_the_admin(
    client, coordinator, other_branch_coordinator, branch, other_branch
):
    page = make_newsletter(branches=[other_branch], title="Zwolse zomer")
    client.force_login(coordinator)
    assert_access(
        client, reverse("wagtailadmin_pages:edit", args=[page.pk]), DENIED, role="coordinator"
    )
    assert_access(
        client, reverse("wagtailadmin_pages:delete", args=[page.pk]), DENIED, role="coordinator"
    )
    explorer = client.get(reverse("wagtailadmin_explore", args=[newsletter_index().pk]))
    assert page.title not in explorer.content.decode()
    client.force_login(other_branch_coordinator)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200


def test_email_preview_mode_in_the_admin(client, staff, branch):
    page = make_newsletter(branches=[branch])
    client.force_login(staff)
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]) + "?mode=email")
    assert response.status_code == 200
    assert "Beste " in response.content.decode()
