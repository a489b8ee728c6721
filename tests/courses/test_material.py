"""Course material: only the course's participants and its branch's coordinators (and
national staff) get the file; anonymous visitors get the login page, anyone else a 403."""

from __future__ import annotations

import pytest
from django.test import Client

from courses import services
from courses.models import CourseDocument
from tests.pages.factories import document
from tests.portal.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

CONTENT = b"%PDF-1.4 werkmap introductiecursus"


@pytest.fixture
def material(course, volunteer):
    services.enrol_volunteer(offering=course, volunteer=volunteer)
    doc = document("Werkmap", CONTENT, "werkmap.pdf")
    CourseDocument.objects.create(course=course, document=doc)
    return doc


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", "login"),
        ("volunteer", 200),  # enrolled in the course
        ("coordinator", 200),
        ("other_coordinator", 403),
        ("staff", 200),
    ],
)
def test_course_material_by_role(client_for, material, role, expected):
    response = client_for(role).get(material.url)
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    else:
        assert response.status_code == expected
    if expected == 200:
        assert body(response) == CONTENT
    else:
        assert CONTENT not in body(response)


@pytest.mark.parametrize("situation", ["other_volunteer", "waitlisted", "cancelled"])
def test_volunteers_without_a_place_get_403(branch, course, material, situation):
    person = VolunteerFactory(branch=branch)
    if situation == "waitlisted":
        course.capacity = 1
        course.save()
        services.enrol_volunteer(offering=course, volunteer=person)
    elif situation == "cancelled":
        enrolment = services.enrol_volunteer(offering=course, volunteer=person)
        services.cancel_enrolment(enrolment=enrolment, by=person.user)
    client = Client()
    client.force_login(person.user)
    response = client.get(material.url)
    assert response.status_code == 403
    assert CONTENT not in body(response)


def test_material_is_listed_on_the_course_page_for_participants_only(client_for, course, material):
    assert "Werkmap" in client_for("volunteer").get(course.url).content.decode()
    assert "Werkmap" not in client_for("anonymous").get(course.url).content.decode()
    assert "Werkmap" not in client_for("other_coordinator").get(course.url).content.decode()


def test_other_documents_are_served_as_before(client):
    doc = document("Folder", b"%PDF-1.4 folder", "folder.pdf")
    response = client.get(doc.url)
    assert response.status_code == 200
