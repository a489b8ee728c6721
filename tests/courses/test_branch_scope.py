"""Branch scope of course pages and course material through Wagtail's own permissions.

Each branch has its own Wagtail group with page rights on its course overview page and
collection rights on its own material collection; no hook has to remember the rule, so
Wagtail's generic routes (single and bulk unpublish, delete, move, privacy, view_draft,
revision compare, the document chooser and the admin API) refuse another branch's pages.
The coordinator of the course's own branch is the positive control of every route.

Editors (Redactie) maintain the public pages only: their page rights are on the public
site's pages, their document rights on the public collection, so the same routes refuse
them every branch's courses and course material.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from wagtail.documents import get_document_model
from wagtail.models import Collection, PageViewRestriction

from courses.models import CourseDocument, CoursePage
from portal.models import Branch
from portal.services.roles import make_coordinator
from tests.courses.factories import course_index, make_course
from tests.matrix import DENIED, LOGIN, assert_access
from tests.pages.factories import document
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

ALLOWED = {"coordinator", "staff"}


@pytest.fixture
def course(branch, other_branch):
    course_index(other_branch)  # the other coordinator has pages of their own
    course = make_course(branch)
    course.save_revision(log_action=True)
    course.title = "Introductiecursus najaar"
    course.save_revision(log_action=True)
    return course


@pytest.fixture
def material(course):
    from courses.permissions import ensure_course_page_permissions

    doc = document("Werkmap Utrecht", b"%PDF-1.4 werkmap", "werkmap.pdf")
    CourseDocument.objects.create(course=course, document=doc)
    ensure_course_page_permissions()  # moves it into the branch's material collection
    doc.refresh_from_db()
    return doc


SURFACES = [
    "/admin/pages/{pk}/edit/",
    "/admin/pages/{pk}/unpublish/",
    "/admin/pages/{pk}/delete/",
    "/admin/pages/{pk}/move/",
    "/admin/pages/{pk}/copy/",
    "/admin/pages/{pk}/privacy/",
    "/admin/pages/{pk}/view_draft/",
    "/admin/pages/{pk}/revisions/compare/earliest...latest/",
    "/admin/pages/{pk}/history/",
]


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize(
    "role", ["anonymous", "volunteer", "coordinator", "other_coordinator", "staff", "editor"]
)
def test_wagtails_page_routes_follow_the_branch(client_for, course, surface, role):
    url = surface.format(pk=course.pk)
    expected = {
        "anonymous": LOGIN,
        "volunteer": 403,
        "coordinator": 200,
        "other_coordinator": DENIED,
        "staff": 200,
        "editor": DENIED,
    }[role]
    assert_access(client_for(role), url, expected, role=role)


def _live(course) -> bool:
    return CoursePage.objects.get(pk=course.pk).live


@pytest.mark.parametrize("role", ["other_coordinator", "editor", "coordinator"])
def test_single_unpublish(client_for, course, role):
    client_for(role).post(f"/admin/pages/{course.pk}/unpublish/")
    assert _live(course) is (role not in ALLOWED)


@pytest.mark.parametrize("action", ["unpublish", "delete"])
@pytest.mark.parametrize("role", ["other_coordinator", "editor", "coordinator"])
def test_bulk_actions(client_for, course, role, action):
    client_for(role).post(f"/admin/bulk/wagtailcore/page/{action}/?id={course.pk}")
    still_there = CoursePage.objects.filter(pk=course.pk, live=True).exists()
    assert still_there is (role not in ALLOWED), (role, action)


@pytest.mark.parametrize("role", ["other_coordinator", "editor", "coordinator", "staff"])
def test_bulk_move_into_another_branchs_courses(client_for, course, branch, other_branch, role):
    """Into Zwolle's course overview: refused to everyone without rights there (also
    the Utrecht coordinator, who may move the course itself); national staff may."""
    origin = course_index(branch).pk
    target = course_index(other_branch)
    client_for(role).post(
        f"/admin/bulk/wagtailcore/page/move/?id={course.pk}", {"chooser": target.pk}
    )
    moved_to = CoursePage.objects.get(pk=course.pk).get_parent().pk
    assert moved_to == (target.pk if role == "staff" else origin), role


@pytest.mark.parametrize("role", ["other_coordinator", "editor", "coordinator"])
def test_bulk_move_into_the_branchs_second_course_overview(client_for, course, branch, role):
    """The same request into a second overview page of the course's own branch: only
    its coordinator moves it (the control that the request above can succeed)."""
    from courses.models import CourseIndexPage
    from tests.pages.factories import add, home_page

    origin = course_index(branch).pk
    second = add(
        home_page(),
        CourseIndexPage(title="Themabijeenkomsten Utrecht", slug="thema-utrecht", branch=branch),
    )
    client_for(role).post(
        f"/admin/bulk/wagtailcore/page/move/?id={course.pk}", {"chooser": second.pk}
    )
    moved_to = CoursePage.objects.get(pk=course.pk).get_parent().pk
    assert moved_to == (second.pk if role == "coordinator" else origin), role


@pytest.mark.parametrize("role", ["other_coordinator", "editor", "coordinator"])
def test_bulk_publish_of_a_draft(client_for, course, role):
    course.unpublish()
    client_for(role).post(f"/admin/bulk/wagtailcore/page/publish/?id={course.pk}")
    assert _live(course) is (role in ALLOWED)


@pytest.mark.parametrize("role", ["other_coordinator", "editor", "coordinator"])
def test_privacy(client_for, course, role):
    client_for(role).post(
        f"/admin/pages/{course.pk}/privacy/", {"restriction_type": "login", "password": ""}
    )
    restricted = PageViewRestriction.objects.filter(page=course).exists()
    assert restricted is (role in ALLOWED)


@pytest.mark.parametrize("role", ["other_coordinator", "editor", "coordinator"])
def test_delete(client_for, course, role):
    client_for(role).post(f"/admin/pages/{course.pk}/delete/")
    assert CoursePage.objects.filter(pk=course.pk).exists() is (role not in ALLOWED)


@pytest.mark.parametrize(
    ("role", "sees"),
    [("coordinator", True), ("other_coordinator", False), ("staff", True), ("editor", False)],
)
def test_document_chooser_and_admin_api_list_own_material_only(client_for, material, role, sees):
    client = client_for(role)
    chooser = client.get("/admin/documents/chooser/results/?q=&p=1")
    assert chooser.status_code == 200
    assert ("Werkmap Utrecht" in chooser.content.decode()) is sees
    listing = client.get("/admin/documents/")
    assert ("Werkmap Utrecht" in listing.content.decode()) is sees
    api = client.get("/admin/api/main/documents/")
    assert api.status_code == 200
    titles = [item["title"] for item in api.json()["items"]]
    assert ("Werkmap Utrecht" in titles) is sees
    detail = client.get(f"/admin/documents/edit/{material.pk}/")
    if not sees:
        assert detail.status_code in {302, 403}
    else:
        assert detail.status_code == 200


def test_an_editor_cannot_change_course_material(client_for, material):
    response = client_for("editor").post(
        f"/admin/documents/edit/{material.pk}/",
        {"title": "Vervangen door de redactie", "collection": material.collection_id},
    )
    assert response.status_code in {302, 403}
    material.refresh_from_db()
    assert material.title == "Werkmap Utrecht"


def test_course_material_is_moved_into_its_branchs_collection(material, branch):
    assert material.collection.name == "Cursusmateriaal Utrecht"
    assert material.collection.depth == 2
    assert get_document_model().objects.filter(collection__depth=1).count() == 0


def test_each_branch_has_its_own_group_with_its_coordinators(branch, coordinator):
    branch.refresh_from_db()
    group = branch.coordinator_group
    assert group.name == "Coördinatoren Utrecht"
    assert list(group.user_set.all()) == [coordinator]


def test_a_new_coordinator_through_the_branch_form_joins_the_group(branch):
    user = UserFactory()
    branch = Branch.objects.get(pk=branch.pk)
    branch.coordinators.add(user)
    branch.save()
    assert Group.objects.get(pk=branch.coordinator_group_id).user_set.filter(pk=user.pk).exists()
    branch.coordinators.remove(user)
    branch.save()
    assert (
        not Group.objects.get(pk=branch.coordinator_group_id).user_set.filter(pk=user.pk).exists()
    )


def test_a_new_branch_gets_its_own_rights_on_its_course_page(db):
    from tests.portal.factories import BranchFactory

    branch = BranchFactory(name="Home-Start Delft", slug="delft", ranges=[(2600, 2629)])
    user = make_coordinator(user=UserFactory(), branches=[branch])
    index = course_index(branch)
    assert index.permissions_for_user(user).can_add_subpage()
    assert Collection.objects.filter(name="Cursusmateriaal Delft").exists()


def test_the_shared_coordinators_group_has_no_page_rights(course):
    from wagtail.models import GroupCollectionPermission, GroupPagePermission

    shared = Group.objects.get(name="Coördinatoren")
    assert not GroupPagePermission.objects.filter(group=shared).exists()
    assert not GroupCollectionPermission.objects.filter(group=shared).exists()
