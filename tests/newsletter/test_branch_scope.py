"""A coordinator cannot touch another branch's newsletter through any of Wagtail's
routes: single and bulk unpublish, delete, move, privacy, view_draft, revisions, copy,
page chooser and admin search.

Each branch's newsletters live in its own archive, where only that branch's coordinator
group (and national staff) has page rights; the page's permission tester adds the one
rule Wagtail cannot express (a newsletter for branches A and B: coordinators of both).
The coordinator of the newsletter's branch is the positive control of every route.
"""

from __future__ import annotations

import pytest
from wagtail.models import PageViewRestriction

from newsletter.models import Audience, NewsletterPage
from newsletter.page_permissions import branch_archive
from portal.services.roles import make_coordinator
from tests.matrix import DENIED, LOGIN, assert_access
from tests.newsletter.factories import make_newsletter

pytestmark = pytest.mark.django_db

ALLOWED = {"coordinator", "staff"}


@pytest.fixture
def newsletter(branch, other_branch):
    page = make_newsletter(audience=Audience.BRANCHES, branches=[branch], title="Utrecht nieuws")
    page.save_revision(log_action=True)
    page.title = "Utrecht nieuws (bijgewerkt)"
    page.save_revision(log_action=True)
    return page


SURFACES = [
    "/admin/pages/{pk}/edit/",
    "/admin/pages/{pk}/unpublish/",
    "/admin/pages/{pk}/delete/",
    "/admin/pages/{pk}/move/",
    "/admin/pages/{pk}/privacy/",
    "/admin/pages/{pk}/view_draft/",
    "/admin/pages/{pk}/revisions/compare/earliest...latest/",
    "/admin/pages/{pk}/copy/",
    "/admin/pages/{pk}/history/",
]


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize(
    "role", ["anonymous", "volunteer", "coordinator", "other_coordinator", "staff"]
)
def test_wagtails_page_routes_follow_the_branch(client_for, newsletter, surface, role):
    expected = {
        "anonymous": LOGIN,
        "volunteer": 403,
        "coordinator": 200,
        "other_coordinator": DENIED,
        "staff": 200,
    }[role]
    assert_access(client_for(role), surface.format(pk=newsletter.pk), expected, role=role)


@pytest.mark.parametrize("action", ["unpublish", "delete"])
@pytest.mark.parametrize("role", ["other_coordinator", "coordinator"])
def test_bulk_actions(client_for, newsletter, role, action):
    client_for(role).post(f"/admin/bulk/wagtailcore/page/{action}/?id={newsletter.pk}")
    untouched = NewsletterPage.objects.filter(pk=newsletter.pk, live=True).exists()
    assert untouched is (role not in ALLOWED)


@pytest.mark.parametrize("role", ["other_coordinator", "coordinator"])
def test_single_unpublish_and_privacy(client_for, newsletter, role):
    client = client_for(role)
    client.post(
        f"/admin/pages/{newsletter.pk}/privacy/", {"restriction_type": "login", "password": ""}
    )
    assert PageViewRestriction.objects.filter(page=newsletter).exists() is (role in ALLOWED)
    client.post(f"/admin/pages/{newsletter.pk}/unpublish/")
    assert NewsletterPage.objects.get(pk=newsletter.pk).live is (role not in ALLOWED)


@pytest.mark.parametrize("role", ["other_coordinator", "coordinator", "staff"])
def test_bulk_move(client_for, newsletter, branch, other_branch, role):
    """Nobody moves it into another archive the mover has no rights on; national staff
    may (rights on every archive)."""
    origin = newsletter.get_parent().pk
    target = branch_archive(other_branch)
    client_for(role).post(
        f"/admin/bulk/wagtailcore/page/move/?id={newsletter.pk}", {"chooser": target.pk}
    )
    moved_to = NewsletterPage.objects.get(pk=newsletter.pk).get_parent().pk
    assert moved_to == (target.pk if role == "staff" else origin)


@pytest.mark.parametrize("role", ["other_coordinator", "coordinator"])
def test_bulk_publish_of_a_draft(client_for, newsletter, role):
    newsletter.unpublish()
    client_for(role).post(f"/admin/bulk/wagtailcore/page/publish/?id={newsletter.pk}")
    assert NewsletterPage.objects.get(pk=newsletter.pk).live is (role in ALLOWED)


@pytest.mark.parametrize("role", ["anonymous", "coordinator", "other_coordinator", "staff"])
def test_admin_search_chooser_and_explorer_list_own_newsletters_only(client_for, newsletter, role):
    client = client_for(role)
    sees = role in ALLOWED
    for url in (
        "/admin/pages/search/?q=Utrecht",
        "/admin/choose-page/search/?q=Utrecht",
        f"/admin/pages/{newsletter.get_parent().pk}/",
    ):
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302, url
            continue
        body = response.content.decode()
        assert ("Utrecht nieuws (bijgewerkt)" in body or "Utrecht nieuws" in body) is sees, (
            role,
            url,
            response.status_code,
        )


@pytest.fixture
def shared_newsletter(branch, other_branch, coordinator):
    """A newsletter for Utrecht and Zwolle, written in Utrecht's archive."""
    return make_newsletter(branches=[branch, other_branch], title="Utrecht en Zwolle samen")


@pytest.mark.parametrize("surface", SURFACES)
def test_a_newsletter_for_two_branches_is_for_coordinators_of_both(
    client, shared_newsletter, coordinator, other_branch, surface
):
    """Wagtail gives Utrecht's coordinators rights on Utrecht's archive; a coordinator
    of Utrecht alone may not change what goes to Zwolle's volunteers."""
    url = surface.format(pk=shared_newsletter.pk)
    archive = shared_newsletter.get_parent().specific
    assert archive.branch_id == coordinator.coordinated_branches.get().pk
    client.force_login(coordinator)
    assert_access(client, url, DENIED, role="coordinator of Utrecht only")
    make_coordinator(user=coordinator, branches=[other_branch])
    assert_access(client, url, 200, role="coordinator of both")


def test_a_newsletter_for_two_branches_bulk_and_privacy(client, shared_newsletter, coordinator):
    client.force_login(coordinator)
    client.post(f"/admin/bulk/wagtailcore/page/unpublish/?id={shared_newsletter.pk}")
    client.post(f"/admin/bulk/wagtailcore/page/delete/?id={shared_newsletter.pk}")
    client.post(
        f"/admin/pages/{shared_newsletter.pk}/privacy/",
        {"restriction_type": "login", "password": ""},
    )
    assert NewsletterPage.objects.filter(pk=shared_newsletter.pk, live=True).exists()
    assert not PageViewRestriction.objects.filter(page=shared_newsletter).exists()


# Editors (Redactie) maintain the public pages; the newsletter archives are not theirs.
# A newsletter itself turns them away (its permission tester), but the branch's
# archive, which holds it, must too: its privacy covers every newsletter in it.

ARCHIVE_SURFACES = [
    "/admin/pages/{pk}/edit/",
    "/admin/pages/{pk}/unpublish/",
    "/admin/pages/{pk}/privacy/",
    "/admin/pages/{pk}/view_draft/",
    "/admin/pages/{pk}/revisions/compare/earliest...latest/",
    "/admin/pages/add/newsletter/newsletterpage/{pk}/",
]


@pytest.fixture
def archive(newsletter):
    archive = newsletter.get_parent().specific
    archive.save_revision(log_action=True)
    archive.title = "Nieuwsbrieven Utrecht (bijgewerkt)"
    archive.save_revision(log_action=True)
    return archive


@pytest.mark.parametrize("surface", ARCHIVE_SURFACES)
@pytest.mark.parametrize("role", ["editor", "other_coordinator", "coordinator"])
def test_the_branchs_archive_is_not_the_editors(client_for, archive, surface, role):
    expected = 200 if role == "coordinator" else DENIED
    assert_access(client_for(role), surface.format(pk=archive.pk), expected, role=role)


@pytest.mark.parametrize("role", ["editor", "staff"])
def test_editors_cannot_restrict_unpublish_or_bulk_the_archive(client_for, archive, role):
    from wagtail.models import Page

    client = client_for(role)
    client.post(f"/admin/pages/{archive.pk}/privacy/", {"restriction_type": "login"})
    assert PageViewRestriction.objects.filter(page=archive).exists() is (role == "staff")
    PageViewRestriction.objects.filter(page=archive).delete()
    client.post(f"/admin/bulk/wagtailcore/page/unpublish/?id={archive.pk}")
    assert Page.objects.get(pk=archive.pk).live is (role != "staff")


@pytest.mark.parametrize("action", ["unpublish", "delete"])
def test_editors_bulk_actions_on_a_newsletter(client_for, newsletter, action):
    client_for("editor").post(f"/admin/bulk/wagtailcore/page/{action}/?id={newsletter.pk}")
    assert NewsletterPage.objects.filter(pk=newsletter.pk, live=True).exists()


def test_editors_do_not_find_the_newsletters_in_admin_search(client_for, newsletter):
    client = client_for("editor")
    for url in ("/admin/pages/search/?q=Utrecht", f"/admin/pages/{newsletter.get_parent().pk}/"):
        body = client.get(url).content.decode()
        assert "Utrecht nieuws" not in body, url


def test_editors_do_not_move_a_newsletter(client_for, newsletter, other_branch):
    origin = newsletter.get_parent().pk
    target = branch_archive(other_branch)
    client_for("editor").post(
        f"/admin/bulk/wagtailcore/page/move/?id={newsletter.pk}", {"chooser": target.pk}
    )
    assert NewsletterPage.objects.get(pk=newsletter.pk).get_parent().pk == origin
