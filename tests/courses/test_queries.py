"""The overview, the course page and the attendance grid run a fixed number of queries,
whatever the number of courses, sessions or participants."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses import services
from tests.courses.factories import make_course
from tests.portal.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def count(client, url) -> int:
    """Queries of a warm request (the first one after creating pages fills caches)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def fill(course, branch, people, *, now=None):
    for _ in range(people):
        services.enrol_volunteer(
            offering=course, volunteer=VolunteerFactory(branch=branch), now=now
        )


@pytest.mark.parametrize("role", ["anonymous", "volunteer"])
def test_overview_queries_do_not_grow_with_courses(client_for, branch, role):
    client = client_for(role)
    first = make_course(branch, capacity=2)
    fill(first, branch, 3)
    small = count(client, first.get_parent().url)
    for _ in range(5):
        fill(make_course(branch, sessions=8, topics=[f"T{n}" for n in range(8)]), branch, 2)
    assert count(client, first.get_parent().url) == small
    assert small <= 12


@pytest.mark.parametrize("role", ["anonymous", "volunteer", "coordinator"])
def test_course_page_queries_do_not_grow_with_sessions_or_participants(
    client_for, branch, volunteer, role
):
    client = client_for(role)
    small_course = make_course(branch, sessions=2, capacity=2)
    fill(small_course, branch, 2)
    large_course = make_course(
        branch,
        sessions=12,
        topics=[f"T{n}" for n in range(12)],
        capacity=5,
        title="Groot",
        kind="training",
    )
    fill(large_course, branch, 9)
    if role == "volunteer":
        services.enrol_volunteer(offering=small_course, volunteer=volunteer)
        services.enrol_volunteer(offering=large_course, volunteer=volunteer)
    small = count(client, small_course.url)
    assert count(client, large_course.url) == small
    assert small <= 24


def test_attendance_grid_queries_do_not_grow(client_for, branch):
    client = client_for("coordinator")
    today = timezone.localdate()

    def course_with(people, sessions):
        course = make_course(
            branch,
            first_date=today - datetime.timedelta(days=7 * (sessions - 1)),
            sessions=sessions,
            topics=[f"T{n}" for n in range(sessions)],
            capacity=people,
        )
        fill(course, branch, people, now=course.offering_starts_at() - datetime.timedelta(days=1))
        enrolments = list(course.enrolments.all())
        services.record_attendance(
            course=course,
            marks={(e.pk, s.pk): "present" for e in enrolments for s in course.sessions.all()},
            by=None,
        )
        return course

    small = count(client, f"/admin/courses/{course_with(2, 2).pk}/aanwezigheid/")
    large = count(client, f"/admin/courses/{course_with(10, 6).pk}/aanwezigheid/")
    assert large == small
    assert small <= 25
