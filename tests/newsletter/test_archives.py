"""The newsletter archives: one per branch under the national one, created for a new
branch, the old shared archive's newsletters moved into them (migration 0005) with their
old addresses still working, and "Nieuwsbrief schrijven" writing in the right one."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from wagtail.models import GroupPagePermission, Page

from newsletter.models import Audience, NewsletterIndexPage, NewsletterPage
from newsletter.page_permissions import branch_archive
from portal.services.roles import make_coordinator
from tests.newsletter.factories import make_newsletter, newsletter_index
from tests.newsletter.test_pages import _form
from tests.portal.factories import BranchFactory

pytestmark = pytest.mark.django_db


def test_every_branch_has_its_archive_with_its_coordinators_rights(branch, other_branch):
    national = newsletter_index()
    archives = NewsletterIndexPage.objects.child_of(national)
    assert {archive.branch_id for archive in archives} == {branch.pk, other_branch.pk}
    utrecht = archives.get(branch=branch)
    assert utrecht.url == "/nieuwsbrieven/utrecht/"
    groups = set(
        GroupPagePermission.objects.filter(page=utrecht).values_list("group__name", flat=True)
    )
    assert groups == {"Landelijk steunpunt", "Coördinatoren Utrecht"}
    national_groups = set(
        GroupPagePermission.objects.filter(page=national).values_list("group__name", flat=True)
    )
    assert national_groups == {"Landelijk steunpunt"}


def test_a_new_branch_gets_its_archive_at_once(client, branch):
    newsletter_index()
    new = BranchFactory(name="Home-Start Deventer", slug="deventer", ranges=[(7400, 7439)])
    archive = NewsletterIndexPage.objects.get(branch=new)
    assert archive.live and archive.get_parent().specific.branch_id is None
    user = make_coordinator_for(new)
    client.force_login(user)
    response = client.get(reverse("newsletter_admin:write"))
    assert response["Location"] == reverse(
        "wagtailadmin_pages:add", args=("newsletter", "newsletterpage", archive.pk)
    )


def make_coordinator_for(branch):
    from tests.portal.factories import make_admin_user

    return make_admin_user("coordinator", branches=[branch], email="new@example.org")


def test_write_goes_to_the_writers_archive(client, coordinator, staff, branch, other_branch):
    national = newsletter_index()
    client.force_login(coordinator)
    response = client.get(reverse("newsletter_admin:write"))
    assert response["Location"] == reverse(
        "wagtailadmin_pages:add", args=("newsletter", "newsletterpage", branch_archive(branch).pk)
    )
    # Another branch asked for: not theirs, so no archive to write in.
    response = client.get(reverse("newsletter_admin:write") + "?afdeling=zwolle")
    assert response["Location"] == reverse("newsletter_admin:sends")
    make_coordinator(user=coordinator, branches=[other_branch])
    response = client.get(reverse("newsletter_admin:write") + "?afdeling=zwolle")
    assert response["Location"].endswith(f"/{branch_archive(other_branch).pk}/")
    client.force_login(staff)
    response = client.get(reverse("newsletter_admin:write"))
    assert response["Location"].endswith(f"/newsletterpage/{national.pk}/")


def test_a_coordinator_cannot_add_to_another_branchs_or_the_national_archive(
    client, coordinator, branch, other_branch
):
    national = newsletter_index()
    client.force_login(coordinator)
    for archive in (national, branch_archive(other_branch)):
        url = reverse("wagtailadmin_pages:add", args=("newsletter", "newsletterpage", archive.pk))
        assert client.get(url).status_code in (302, 403)
        client.post(url, _form([branch.pk]))
    assert not NewsletterPage.objects.filter(slug="zomer").exists()


def test_a_newsletter_in_a_branch_archive_goes_to_that_branch(client, staff, branch, other_branch):
    client.force_login(staff)
    archive = branch_archive(branch, national=newsletter_index())
    url = reverse("wagtailadmin_pages:add", args=("newsletter", "newsletterpage", archive.pk))
    page = client.get(url).content.decode()
    assert f'value="{branch.pk}"' in page  # the branch is ticked to begin with
    for data in (_form([other_branch.pk]), _form([branch.pk], audience=Audience.ALL_VOLUNTEERS)):
        response = client.post(url, data)
        assert response.status_code in (200, 400)
        assert "gaat in elk geval naar die afdeling" in response.content.decode()
    assert not NewsletterPage.objects.filter(slug="zomer").exists()
    assert client.post(url, _form([branch.pk, other_branch.pk])).status_code == 302
    assert NewsletterPage.objects.get(slug="zomer").get_parent().pk == archive.pk


def test_only_one_national_archive_and_branch_archives_only_under_it(branch):
    national = newsletter_index()
    home = national.get_parent()
    assert not NewsletterIndexPage.can_create_at(home)
    assert NewsletterIndexPage.can_create_at(national)
    assert not NewsletterIndexPage.can_create_at(branch_archive(branch))


def _old_state(branch, other_branch):
    """The archive as it was before migration 0005: every newsletter directly under the
    one national archive, no branch archives."""
    national = newsletter_index()
    for archive in NewsletterIndexPage.objects.child_of(national):
        archive.delete()
    pages = {
        "utrecht": make_newsletter(branches=[branch], title="Utrecht", index=national),
        "both": make_newsletter(
            branches=[other_branch, branch], title="Beide", slug="beide", index=national
        ),
        "national": make_newsletter(
            audience=Audience.ALL_VOLUNTEERS, title="Landelijk", index=national
        ),
        "coordinators": make_newsletter(
            audience=Audience.COORDINATORS,
            branches=[other_branch],
            title="Leiding",
            index=national,
        ),
    }
    return national, pages


def test_migration_moves_each_newsletter_into_its_branch_archive(client, branch, other_branch):
    national, pages = _old_state(branch, other_branch)
    old_urls = {name: page.url for name, page in pages.items()}
    migration = importlib.import_module("newsletter.migrations.0005_branch_archives")
    state = MigrationLoader(connection).project_state(("newsletter", "0005_branch_archives"))
    migration.move_into_branch_archives(state.apps, None)
    migration.move_into_branch_archives(state.apps, None)  # twice: nothing more to do

    problems = Page.find_problems()
    assert all(not found for found in problems), problems
    parents = {
        name: NewsletterPage.objects.get(pk=page.pk).get_parent().specific
        for name, page in pages.items()
    }
    lowest = min(branch, other_branch, key=lambda item: item.pk)
    assert parents["utrecht"].branch_id == branch.pk
    assert parents["both"].branch_id == lowest.pk
    assert parents["coordinators"].branch_id == other_branch.pk
    assert parents["national"].pk == national.pk
    assert NewsletterIndexPage.objects.child_of(national).count() == 2

    # The old addresses in sent e-mails lead to the moved newsletters.
    client.force_login(make_coordinator_for(branch))
    for name, page in pages.items():
        moved = NewsletterPage.objects.get(pk=page.pk)
        if name == "national":
            assert moved.url == old_urls[name]
            continue
        assert moved.url != old_urls[name]
        response = client.get(old_urls[name])
        assert response.status_code == 301, name
        assert response["Location"] == moved.url
    assert client.get("/nieuwsbrieven/bestaat-niet/").status_code == 404


def test_an_archives_branch_stays_and_a_second_archive_for_it_is_refused(
    client, staff, branch, other_branch
):
    from wagtail.test.utils.form_data import nested_form_data, rich_text

    national = newsletter_index()
    utrecht = branch_archive(branch)
    client.force_login(staff)
    data = nested_form_data({"title": "Nieuwsbrieven Utrecht", "slug": "utrecht"})
    data.update({"intro": rich_text(""), "branch": other_branch.pk})
    response = client.post(reverse("wagtailadmin_pages:edit", args=[utrecht.pk]), data)
    assert response.status_code in (200, 400)
    assert "De afdeling van een nieuwsbriefarchief blijft" in response.content.decode()
    assert NewsletterIndexPage.objects.get(pk=utrecht.pk).branch_id == branch.pk
    add = reverse("wagtailadmin_pages:add", args=("newsletter", "newsletterindexpage", national.pk))
    data.update({"slug": "utrecht-twee", "branch": branch.pk})
    response = client.post(add, data)
    assert "heeft al een nieuwsbriefarchief" in response.content.decode()
    data["branch"] = ""
    response = client.post(add, data)
    assert "Kies de afdeling van dit nieuwsbriefarchief" in response.content.decode()
    assert NewsletterIndexPage.objects.child_of(national).count() == 2
