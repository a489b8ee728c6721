"""Editors (Redactie) maintain every public page and the public documents, and nothing
else: their rights are on the public site's sections under the home page and on the
collection "Publiek" (`portal.pages.permissions`). The parts' pages and course material
are refused to them in tests/courses/test_branch_scope.py and
tests/newsletter/test_branch_scope.py."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    PageViewRestriction,
)

from portal.pages.models import HomePage, StandardPage
from portal.pages.permissions import ensure_editor_permissions
from portal.permissions import EDITORS_GROUP, MODERATORS_GROUP
from tests.matrix import DENIED, assert_access
from tests.pages.factories import add, document, home_page

pytestmark = pytest.mark.django_db

PUBLIC_COLLECTION = "Publiek"  # portal.pages.permissions.PUBLIC_COLLECTION

PUBLIC_PAGES = [
    "home",
    "parents",
    "leaflets",
    "registration",
    "referrers",
    "referral_form",
    "volunteering",
    "branches",
    "utrecht",
    "news",
    "about",
    "privacy",
]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_editors_edit_and_publish_every_public_page(client, editor, public_site, name):
    page = getattr(public_site, name)
    client.force_login(editor)
    assert client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200
    tester = page.specific.permissions_for_user(editor)
    assert tester.can_edit() and tester.can_publish() and tester.can_unpublish()


def test_editors_publish_a_news_item_through_the_admin(client, editor, public_site):
    item = public_site.news_items[0]
    client.force_login(editor)
    client.post(f"/admin/pages/{item.pk}/unpublish/")
    assert not Page.objects.get(pk=item.pk).live
    client.post(f"/admin/bulk/wagtailcore/page/publish/?id={item.pk}")
    assert Page.objects.get(pk=item.pk).live


def test_the_home_page_itself_but_not_what_would_reach_below_it(client, editor, public_site):
    home = public_site.home
    tester = home.permissions_for_user(editor)
    assert tester.can_edit() and tester.can_publish() and tester.can_add_subpage()
    assert not tester.can_set_view_restrictions()
    assert not tester.can_delete() and not tester.can_move()
    client.force_login(editor)
    assert_access(client, f"/admin/pages/{home.pk}/privacy/", DENIED, role="editor")
    client.post(f"/admin/pages/{home.pk}/privacy/", {"restriction_type": "login"})
    assert not PageViewRestriction.objects.filter(page=home).exists()
    assert client.get(f"/admin/pages/add/pages/standardpage/{home.pk}/").status_code == 200


def test_editors_have_no_rights_on_the_root_or_a_home_page(editor, public_site):
    group = Group.objects.get(name=EDITORS_GROUP)
    rows = GroupPagePermission.objects.filter(group=group)
    assert not rows.filter(page__depth__lte=2).exists()
    assert set(rows.values_list("page__content_type__app_label", flat=True)) == {"pages"}


def test_a_new_public_page_under_the_home_page_is_the_editors_at_once(editor, public_site):
    contact = add(public_site.home, StandardPage(title="Contact", slug="contact"))
    assert contact.permissions_for_user(editor).can_edit()


def test_a_new_branch_and_its_course_overview_stay_out_of_the_editors_reach(editor, public_site):
    from tests.courses.factories import course_index, make_course
    from tests.portal.factories import BranchFactory

    delft = BranchFactory(name="Home-Start Delft", slug="delft", ranges=[(2600, 2629)])
    index = course_index(delft)
    course = make_course(delft)
    ensure_editor_permissions()
    for page in (index, course):
        tester = page.permissions_for_user(editor)
        assert not (tester.can_edit() or tester.can_unpublish() or tester.can_publish())
        assert not tester.can_set_view_restrictions()


def test_moving_a_page_under_the_home_page_keeps_it_the_editors(editor, public_site):
    page = add(public_site.about, StandardPage(title="Geschiedenis", slug="geschiedenis"))
    page.move(public_site.home, pos="last-child")
    page = Page.objects.get(pk=page.pk)
    public_site.about.delete()
    assert page.specific.permissions_for_user(editor).can_edit()


def test_nothing_of_a_part_can_be_made_inside_the_public_site():
    """The editors' rights on a public section cover every page below it: only pages
    of the public site may ever be created there. A part's page type goes under the
    home page (or its own pages), never under a public section."""
    public_models = [
        model
        for model in apps.get_app_config("pages").get_models()
        if issubclass(model, Page) and model is not HomePage
    ]
    for model in apps.get_models():
        if not issubclass(model, Page) or model._meta.app_label == "pages":
            continue
        if not model.is_creatable:  # Wagtail's base Page
            continue
        for parent in public_models:
            assert parent not in model.allowed_parent_page_models(), (model, parent)


def test_editors_documents_are_the_public_collection(client, editor, public_site, branch):
    from tests.courses.factories import course_index

    course_index(branch)  # Utrecht's course material collection exists
    assert Collection.objects.filter(name="Cursusmateriaal Utrecht").exists()
    client.force_login(editor)
    leaflet = public_site.leaflets.leaflets.first().document
    assert leaflet.collection.name == PUBLIC_COLLECTION
    chooser = client.get("/admin/documents/chooser/results/?q=&p=1").content.decode()
    assert leaflet.title in chooser
    assert leaflet.title in client.get("/admin/documents/").content.decode()
    titles = [item["title"] for item in client.get("/admin/api/main/documents/").json()["items"]]
    assert leaflet.title in titles
    assert client.get(f"/admin/documents/edit/{leaflet.pk}/").status_code == 200
    upload = client.get("/admin/documents/multiple/add/")
    assert upload.status_code == 200 and "Cursusmateriaal" not in upload.content.decode()
    from wagtail.documents import get_document_model
    from wagtail.permissions import policy_registry

    policy = policy_registry.get_by_type(get_document_model())
    uploads_to = policy.collections_user_has_permission_for(editor, "add")
    assert [collection.name for collection in uploads_to] == [PUBLIC_COLLECTION]


@pytest.mark.parametrize("group_name", [EDITORS_GROUP, MODERATORS_GROUP])
def test_ensure_takes_back_what_wagtails_migrations_gave(editor, group_name):
    """Wagtail's migrations gave its Editors and Moderators groups rights on the root
    page and the root collection; after the role setup (every migrate) they are on the
    public site only. Idempotent."""
    home_page()
    group, _ = Group.objects.get_or_create(name=group_name)
    root_page = Page.objects.get(depth=1)
    root_collection = Collection.objects.get(depth=1)
    GroupPagePermission.objects.get_or_create(
        group=group, page=root_page, permission=Permission.objects.get(codename="publish_page")
    )
    GroupCollectionPermission.objects.get_or_create(
        group=group,
        collection=root_collection,
        permission=Permission.objects.get(codename="change_document"),
    )
    stray = document("Werkmap")  # in the root collection: not the editors'
    ensure_editor_permissions()
    ensure_editor_permissions()
    assert not GroupPagePermission.objects.filter(group=group, page=root_page).exists()
    assert not GroupCollectionPermission.objects.filter(
        group=group, collection=root_collection, permission__content_type__app_label="wagtaildocs"
    ).exists()
    public = Collection.objects.get(name=PUBLIC_COLLECTION)
    assert set(
        GroupCollectionPermission.objects.filter(group=group).values_list(
            "collection__name", "permission__codename"
        )
    ) >= {(PUBLIC_COLLECTION, "choose_document"), (PUBLIC_COLLECTION, "add_document")}
    assert Collection.objects.filter(name=PUBLIC_COLLECTION).count() == 1
    stray.refresh_from_db()
    assert stray.collection_id != public.pk
    if group_name == MODERATORS_GROUP:
        editor.groups.set([group])
        editor = type(editor).objects.get(pk=editor.pk)
    client_documents = get_editor_documents(editor)
    assert stray.pk not in client_documents
    home = Page.objects.get(depth=2)
    assert not GroupPagePermission.objects.filter(group=group, page=home).exists()


def get_editor_documents(user) -> set[int]:
    from wagtail.documents import get_document_model
    from wagtail.permissions import policy_registry

    policy = policy_registry.get_by_type(get_document_model())
    return set(
        policy.instances_user_has_any_permission_for(user, ["choose", "change"]).values_list(
            "pk", flat=True
        )
    )


def test_the_migration_moves_wagtails_editor_rights_to_the_public_site(public_site, branch):
    """Migration pages 0004 on a database as Wagtail's migrations left it: Redactie
    with rights on the root page and the root collection, the leaflets in the root
    collection, a branch's course material collection."""
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps as registry
    from django.db import connection
    from wagtail.documents import get_document_model

    from tests.courses.factories import course_index

    course_index(branch)  # "Cursusmateriaal Utrecht", Redactie has nothing there
    group = Group.objects.get(name=EDITORS_GROUP)
    root_page, root_collection = Page.objects.get(depth=1), Collection.objects.get(depth=1)
    GroupPagePermission.objects.filter(group=group).delete()
    GroupCollectionPermission.objects.filter(group=group).delete()
    for codename in ("add_page", "change_page"):
        GroupPagePermission.objects.create(
            group=group, page=root_page, permission=Permission.objects.get(codename=codename)
        )
    for codename in ("add_document", "change_document", "delete_document", "choose_document"):
        GroupCollectionPermission.objects.create(
            group=group,
            collection=root_collection,
            permission=Permission.objects.get(codename=codename),
        )
    leaflets = get_document_model().objects.filter(title__startswith="Folder ")
    leaflets.update(collection=root_collection)
    Collection.objects.get(name=PUBLIC_COLLECTION).delete()

    migration = import_module("portal.pages.migrations.0004_editors_public_site_only")
    editor_connection = SimpleNamespace(connection=connection)
    migration.forwards(registry, editor_connection)
    migration.forwards(registry, editor_connection)  # twice: nothing changes

    public = Collection.objects.get(name=PUBLIC_COLLECTION)
    assert public.get_parent().pk == root_collection.pk
    assert set(leaflets.values_list("collection_id", flat=True)) == {public.pk}
    rows = GroupCollectionPermission.objects.filter(group=group)
    assert set(rows.values_list("collection_id", flat=True)) == {public.pk}
    assert rows.count() == 4
    pages = GroupPagePermission.objects.filter(group=group)
    assert not pages.filter(page__depth__lte=2).exists()
    sections = {public_site.parents.pk, public_site.referrers.pk, public_site.volunteering.pk}
    sections |= {public_site.branches.pk, public_site.news.pk, public_site.about.pk}
    assert sections <= set(pages.values_list("page_id", flat=True))
    assert course_index(branch).pk not in set(pages.values_list("page_id", flat=True))
    # Wagtail's own tree methods still work on the collection the migration made.
    Collection.objects.get(depth=1).add_child(instance=Collection(name="Zzz"))
    assert Collection.objects.get(name="Zzz").get_parent().pk == root_collection.pk


def test_the_editors_explorer_shows_the_public_site(client, editor, public_site, branch):
    from tests.courses.factories import course_index

    index = course_index(branch)
    client.force_login(editor)
    assert client.get("/admin/pages/").status_code in {200, 302}
    listing = client.get(f"/admin/pages/{public_site.home.pk}/")
    assert listing.status_code == 200
    body = listing.content.decode()
    assert public_site.parents.title in body and public_site.news.title in body
    assert index.title not in body
