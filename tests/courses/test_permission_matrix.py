"""Every URL and admin screen of `courses` against the five roles."""

from __future__ import annotations

import pytest

from courses import services
from courses.models import CourseDocument
from tests.courses.factories import make_course
from tests.matrix import DENIED, LOGIN, ROLES, assert_access
from tests.pages.factories import document
from tests.portal.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

A, V, C, O, S = ROLES  # noqa: E741
EVERYONE = dict.fromkeys(ROLES, 200)
ADMIN = {A: LOGIN, V: 403, C: 200, O: 404, S: 200}
# Another branch's coordinator is refused by Wagtail's own page permissions (the
# branch group's rights on its own course page): a redirect to the dashboard.
PAGE_ADMIN = {A: LOGIN, V: 403, C: 200, O: DENIED, S: 200}

# (name, method, url, expected). In this order: the volunteer signs up, reads the
# material, then cancels.
MATRIX = [
    ("overview", "get", "{overview}", EVERYONE),
    ("course", "get", "{course}", EVERYONE),
    ("ics", "get", "/cursussen/{id}/agenda.ics", EVERYONE),
    ("enrol_get", "get", "/cursussen/{id}/aanmelden/", dict.fromkeys(ROLES, 405)),
    ("enrol", "post", "/cursussen/{id}/aanmelden/", {A: LOGIN, V: 302, C: 403, O: 403, S: 403}),
    ("material", "get", "{material}", {A: LOGIN, V: 200, C: 200, O: 403, S: 200}),
    ("cancel", "post", "/cursussen/{id}/afmelden/", {A: LOGIN, V: 302, C: 403, O: 403, S: 403}),
    ("admin_index", "get", "/admin/courses/", {A: LOGIN, V: 403, C: 200, O: 200, S: 200}),
    ("admin_participants", "get", "/admin/courses/{id}/", ADMIN),
    ("admin_attendance", "get", "/admin/courses/{id}/aanwezigheid/", ADMIN),
    ("admin_make_up", "get", "/admin/courses/{id}/inhalen/{enrolment}/{session}/", ADMIN),
    ("admin_cancel_place", "get", "/admin/courses/{id}/deelnemers/{enrolment}/afmelden/", ADMIN),
    (
        "admin_cancel_session",
        "get",
        "/admin/courses/{id}/bijeenkomsten/{session}/annuleren/",
        ADMIN,
    ),
    ("admin_cancel_course", "get", "/admin/courses/{id}/annuleren/", ADMIN),
    ("admin_export_xlsx", "get", "/admin/courses/{id}/export/?export=xlsx", ADMIN),
    ("admin_export_csv", "get", "/admin/courses/{id}/export/?export=csv", ADMIN),
    ("admin_edit_course", "get", "/admin/pages/{id}/edit/", PAGE_ADMIN),
    ("admin_add_course", "get", "/admin/pages/add/courses/coursepage/{overview_id}/", PAGE_ADMIN),
    ("admin_edit_overview", "get", "/admin/pages/{overview_id}/edit/", PAGE_ADMIN),
    # Changes from the admin are POSTs; another branch's course stays out of reach.
    (
        "admin_cancel_place_post",
        "post",
        "/admin/courses/{id}/deelnemers/{enrolment}/afmelden/",
        {A: LOGIN, V: 403, C: 302, O: 404, S: 302},
    ),
    # Without a volunteer chosen: the form again with its message.
    (
        "admin_add_participant_post",
        "post",
        "/admin/courses/{id}/deelnemers/toevoegen/",
        {A: LOGIN, V: 403, C: 400, O: 404, S: 400},
    ),
    (
        "admin_add_participant_get",
        "get",
        "/admin/courses/{id}/deelnemers/toevoegen/",
        {A: LOGIN, V: 403, C: 405, O: 405, S: 405},
    ),
]


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, client_for, branch, volunteer):
    course = make_course(branch)
    # The matrix volunteer's place comes from the "enrol" row; the admin rows need one.
    other = services.enrol_volunteer(offering=course, volunteer=VolunteerFactory(branch=branch))
    doc = document("Werkmap", b"%PDF-1.4 werkmap", "werkmap.pdf")
    CourseDocument.objects.create(course=course, document=doc)
    addresses = {
        "overview": course.get_parent().url,
        "overview_id": course.get_parent().pk,
        "course": course.url,
        "id": course.pk,
        "material": doc.url,
        "enrolment": other.pk,
        "session": course.sessions.order_by("date").first().pk,
    }
    client = client_for(role)
    for name, method, url, expected in MATRIX:
        data = {"confirm": "on"} if name == "enrol" else {}
        address = url.format(**addresses)
        if method == "post":
            response = client.post(address, data)
            if expected[role] == LOGIN:
                assert response.status_code == 302, f"{role} ({name})"
                assert response["Location"].startswith("/accounts/login/"), f"{role} ({name})"
            else:
                assert response.status_code == expected[role], (
                    f"{role} ({name}): {response.status_code}"
                )
        else:
            assert_access(client, address, expected[role], role=f"{role} ({name})")
