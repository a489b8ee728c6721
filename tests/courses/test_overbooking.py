"""Capacity under concurrency, on PostgreSQL: 50 volunteers sign up at the same moment,
each thread on its own database connection."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from courses import services
from courses.models import CourseEnrolment, EnrolmentStatus
from tests.courses.factories import make_course
from tests.portal.factories import VolunteerFactory

SIGN_UPS = 50
PLACES = 12

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def run_at_once(functions):
    barrier = threading.Barrier(len(functions))
    errors: list[BaseException] = []

    def worker(function):
        try:
            barrier.wait()
            function()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_fifty_concurrent_sign_ups_fill_twelve_places_and_waitlist_the_rest(branch):
    course = make_course(branch, capacity=PLACES)
    people = [VolunteerFactory(branch=branch) for _ in range(SIGN_UPS)]
    errors = run_at_once(
        [(lambda v=v: services.enrol_volunteer(offering=course, volunteer=v)) for v in people]
    )
    assert errors == []
    rows = list(CourseEnrolment.objects.filter(offering=course))
    assert len(rows) == SIGN_UPS
    enrolled = [r for r in rows if r.status == EnrolmentStatus.ENROLLED]
    waitlisted = sorted(
        (r for r in rows if r.status == EnrolmentStatus.WAITLISTED), key=lambda r: r.waitlist_number
    )
    assert len(enrolled) == PLACES
    assert len(waitlisted) == SIGN_UPS - PLACES
    # The waitlist is numbered 1..38 without gaps, in the order the sign-ups got the
    # lock, and every place was given before anyone was waitlisted.
    assert [r.waitlist_number for r in waitlisted] == list(range(1, SIGN_UPS - PLACES + 1))
    times = [r.waitlisted_at for r in waitlisted]
    assert times == sorted(times)
    assert max(r.enrolled_at for r in enrolled) <= min(times)

    # Concurrent cancellations of one place each: exactly as many promotions, in order.
    first_in_line = [r.pk for r in waitlisted[:3]]
    errors = run_at_once(
        [(lambda e=e: services.cancel_enrolment(enrolment=e, by=None)) for e in enrolled[:3]]
    )
    assert errors == []
    counts = {
        status: CourseEnrolment.objects.filter(offering=course, status=status).count()
        for status in EnrolmentStatus.values
    }
    assert counts == {"enrolled": PLACES, "waitlisted": SIGN_UPS - PLACES - 3, "cancelled": 3}
    promoted = CourseEnrolment.objects.filter(offering=course, promoted_at__isnull=False)
    assert sorted(promoted.values_list("pk", flat=True)) == sorted(first_in_line)


def test_cancelling_one_promotes_exactly_one(branch):
    course = make_course(branch, capacity=PLACES)
    people = [VolunteerFactory(branch=branch) for _ in range(PLACES + 5)]
    enrolments = [services.enrol_volunteer(offering=course, volunteer=v) for v in people]
    # Two workers both try to promote while one place is freed: still one promotion.
    services.cancel_enrolment(enrolment=enrolments[0], by=None)
    errors = run_at_once([lambda: services.promote_from_waitlist(offering=course)] * 2)
    assert errors == []
    assert course.enrolments.enrolled().count() == PLACES
    assert list(
        course.enrolments.filter(promoted_at__isnull=False).values_list("pk", flat=True)
    ) == [enrolments[PLACES].pk]
