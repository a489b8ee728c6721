"""The enrolment engine and the course rules, called directly."""

from __future__ import annotations

import datetime
from functools import partial

import pytest
import time_machine
from django.utils import timezone
from django_q.tasks import async_task

from courses import services
from courses.models import CourseEnrolment, CourseKind, EnrolmentStatus
from portal.errors import ServiceError
from portal.models import VolunteerStatus
from tests.courses.factories import make_course
from tests.portal.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def volunteers(branch, count):
    return [VolunteerFactory(branch=branch) for _ in range(count)]


def queued_tasks(callbacks) -> list[str]:
    """The django-q2 tasks among the on-commit callbacks (the agenda's cache bump is not)."""
    return [
        callback.args[0]
        for callback in callbacks
        if isinstance(callback, partial) and callback.func is async_task
    ]


def statuses(course):
    return list(course.enrolments.order_by("pk").values_list("status", "waitlist_number"))


def test_enrol_volunteer_gives_a_place_while_there_is_one(
    course, volunteer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        enrolment = services.enrol_volunteer(offering=course, volunteer=volunteer)
    assert enrolment.status == EnrolmentStatus.ENROLLED
    assert enrolment.enrolled_at is not None and enrolment.waitlist_number is None
    assert len(queued_tasks(callbacks)) == 1
    assert course.places_left() == 11


def test_enrol_volunteer_puts_third_on_waitlist_in_order(small_course, branch):
    people = volunteers(branch, 5)
    results = [services.enrol_volunteer(offering=small_course, volunteer=v) for v in people]
    assert [r.status for r in results] == [
        "enrolled",
        "enrolled",
        "waitlisted",
        "waitlisted",
        "waitlisted",
    ]
    assert [r.waitlist_position() for r in results] == [None, None, 1, 2, 3]


def test_enrol_volunteer_applied_or_intake_may_sign_up(course, branch):
    for status in (VolunteerStatus.APPLIED, VolunteerStatus.INTAKE):
        volunteer = VolunteerFactory(branch=branch, status=status)
        assert services.enrol_volunteer(offering=course, volunteer=volunteer).is_enrolled


@pytest.mark.parametrize(
    ("setup", "code", "message"),
    [
        ("twice", "already_enrolled", "Je bent al ingeschreven."),
        (
            "cancelled",
            "offering_cancelled",
            "Deze bijeenkomst is geannuleerd; aanmelden kan niet meer.",
        ),
        ("closed", "signup_closed", "De aanmeldtermijn is voorbij."),
        ("past", "offering_past", "Deze bijeenkomst is al voorbij."),
        (
            "started",
            "offering_started",
            "Deze bijeenkomst is al begonnen; aanmelden kan niet meer.",
        ),
        ("completed", "introduction_completed", "Je hebt de introductiecursus al afgerond."),
        ("stopped", "volunteer_stopped", "Je staat als gestopt geregistreerd."),
        (
            "other_branch",
            "other_branch",
            "Deze cursus is voor vrijwilligers van Home-Start Utrecht.",
        ),
    ],
)
def test_enrol_volunteer_refusals_write_nothing(
    branch, other_branch, volunteer, setup, code, message
):
    today = timezone.localdate()
    course = make_course(branch)
    if setup == "twice":
        services.enrol_volunteer(offering=course, volunteer=volunteer)
    elif setup == "cancelled":
        services.cancel_offering(offering=course, by=None)
    elif setup == "closed":
        course = make_course(branch, signup_closes_on=today - datetime.timedelta(days=1))
    elif setup == "past":
        course = make_course(branch, first_date=today - datetime.timedelta(days=60))
    elif setup == "started":
        course = make_course(branch, first_date=today - datetime.timedelta(days=7))
    elif setup == "completed":
        volunteer.introduction_course_completed_on = today
        volunteer.save()
    elif setup == "stopped":
        volunteer.status = VolunteerStatus.STOPPED
        volunteer.save()
    elif setup == "other_branch":
        volunteer = VolunteerFactory(branch=other_branch)
    before = statuses(course)
    with pytest.raises(ServiceError) as raised:
        services.enrol_volunteer(offering=course, volunteer=volunteer)
    assert raised.value.code == code
    assert str(raised.value).startswith(message)
    assert statuses(course) == before


def test_enrol_volunteer_twice_on_waitlist_is_refused(small_course, branch):
    a, b, c = volunteers(branch, 3)
    for v in (a, b, c):
        services.enrol_volunteer(offering=small_course, volunteer=v)
    with pytest.raises(ServiceError) as raised:
        services.enrol_volunteer(offering=small_course, volunteer=c)
    assert raised.value.code == "already_waitlisted"


def test_signup_not_yet_open_names_the_date(branch, volunteer):
    opens = timezone.localdate() + datetime.timedelta(days=3)
    course = make_course(branch, signup_opens_on=opens)
    with pytest.raises(ServiceError) as raised:
        services.enrol_volunteer(offering=course, volunteer=volunteer)
    assert raised.value.code == "signup_not_open"
    assert opens.strftime("%d-%m-%Y") in str(raised.value)


def test_signup_open_through_the_closing_day(branch, volunteer):
    closes = timezone.localdate() + datetime.timedelta(days=2)
    course = make_course(branch, signup_closes_on=closes)
    last_minute = timezone.make_aware(datetime.datetime.combine(closes, datetime.time(23, 59)))
    assert services.enrol_volunteer(
        offering=course, volunteer=volunteer, now=last_minute
    ).is_enrolled


def test_second_introduction_course_refused_while_enrolled_in_one(branch, volunteer):
    first = make_course(branch)
    second = make_course(
        branch, title="Najaar", first_date=timezone.localdate() + datetime.timedelta(days=90)
    )
    services.enrol_volunteer(offering=first, volunteer=volunteer)
    with pytest.raises(ServiceError) as raised:
        services.enrol_volunteer(offering=second, volunteer=volunteer)
    assert raised.value.code == "other_introduction"
    training = make_course(branch, title="Training", kind=CourseKind.TRAINING)
    assert services.enrol_volunteer(offering=training, volunteer=volunteer).is_enrolled


def test_cancel_enrolment_promotes_first_on_waitlist(
    small_course, branch, django_capture_on_commit_callbacks
):
    a, b, c, d = volunteers(branch, 4)
    enrolments = [
        services.enrol_volunteer(offering=small_course, volunteer=v) for v in (a, b, c, d)
    ]
    with django_capture_on_commit_callbacks() as callbacks:
        services.cancel_enrolment(enrolment=enrolments[0], by=a.user)
    enrolments = [CourseEnrolment.objects.get(pk=e.pk) for e in enrolments]
    assert [e.status for e in enrolments] == ["cancelled", "enrolled", "enrolled", "waitlisted"]
    assert enrolments[2].promoted_at is not None
    assert enrolments[3].waitlist_position() == 1
    assert len(queued_tasks(callbacks)) == 2  # cancellation and promotion e-mails


def test_cancel_waitlisted_promotes_nobody(small_course, branch):
    people = volunteers(branch, 4)
    enrolments = [services.enrol_volunteer(offering=small_course, volunteer=v) for v in people]
    services.cancel_enrolment(enrolment=enrolments[2], by=people[2].user)
    assert statuses(small_course) == [
        ("enrolled", None),
        ("enrolled", None),
        ("cancelled", None),
        ("waitlisted", 2),
    ]
    assert CourseEnrolment.objects.get(pk=enrolments[3].pk).waitlist_position() == 1


def test_cancel_twice_is_refused(course, volunteer):
    enrolment = services.enrol_volunteer(offering=course, volunteer=volunteer)
    services.cancel_enrolment(enrolment=enrolment, by=volunteer.user)
    with pytest.raises(ServiceError) as raised:
        services.cancel_enrolment(enrolment=enrolment, by=volunteer.user)
    assert raised.value.code == "enrolment_already_cancelled"


def test_volunteer_cannot_cancel_after_start_but_coordinator_can(course, volunteer, coordinator):
    enrolment = services.enrol_volunteer(offering=course, volunteer=volunteer)
    later = course.offering_starts_at() + datetime.timedelta(hours=1)
    with pytest.raises(ServiceError) as raised:
        services.cancel_enrolment(enrolment=enrolment, by=volunteer.user, now=later)
    assert raised.value.code == "cancel_after_start"
    assert services.cancel_enrolment(enrolment=enrolment, by=coordinator, now=later).is_cancelled


def test_sign_up_again_after_cancelling_reuses_the_row_at_the_back(small_course, branch):
    a, b, c = volunteers(branch, 3)
    first = services.enrol_volunteer(offering=small_course, volunteer=a)
    services.enrol_volunteer(offering=small_course, volunteer=b)
    services.cancel_enrolment(enrolment=first, by=a.user)
    services.enrol_volunteer(offering=small_course, volunteer=c)
    again = services.enrol_volunteer(offering=small_course, volunteer=a)
    assert again.pk == first.pk and again.is_waitlisted and again.waitlist_position() == 1


def test_nobody_promoted_after_the_course_started(small_course, branch):
    people = volunteers(branch, 3)
    enrolments = [services.enrol_volunteer(offering=small_course, volunteer=v) for v in people]
    started = small_course.offering_starts_at() + datetime.timedelta(minutes=5)
    services.cancel_enrolment(enrolment=enrolments[0], by=None, now=started)
    assert CourseEnrolment.objects.get(pk=enrolments[2].pk).is_waitlisted


def test_change_capacity_refuses_below_enrolled_and_promotes_when_raised(small_course, branch):
    people = volunteers(branch, 4)
    for v in people:
        services.enrol_volunteer(offering=small_course, volunteer=v)
    with pytest.raises(ServiceError) as raised:
        services.change_capacity(offering=small_course, capacity=1)
    assert raised.value.code == "capacity_below_enrolled"
    assert "Er zijn al 2 deelnemers ingeschreven" in str(raised.value)
    small_course.refresh_from_db()
    assert small_course.capacity == 2
    services.change_capacity(offering=small_course, capacity=3)
    assert statuses(small_course) == [("enrolled", None)] * 3 + [("waitlisted", 2)]


def test_cancel_offering_keeps_enrolments_and_refuses_twice(
    course, volunteer, django_capture_on_commit_callbacks
):
    services.enrol_volunteer(offering=course, volunteer=volunteer)
    with django_capture_on_commit_callbacks() as callbacks:
        services.cancel_offering(offering=course, by=None, reason="Te weinig aanmeldingen")
    assert course.is_cancelled and course.cancellation_reason == "Te weinig aanmeldingen"
    assert statuses(course) == [("enrolled", None)]
    assert len(queued_tasks(callbacks)) == 1
    with pytest.raises(ServiceError):
        services.cancel_offering(offering=course, by=None)


def test_publishing_an_old_revision_does_not_undo_a_cancellation(course):
    revision = course.save_revision()
    services.cancel_offering(offering=course, by=None)
    revision.publish()
    course.refresh_from_db()
    assert course.is_cancelled


@time_machine.travel(datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC), tick=False)
def test_signup_closes_when_the_course_starts_without_a_closing_date(branch, volunteer):
    course = make_course(branch, first_date=datetime.date(2026, 3, 2))
    before = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 29))
    assert course.is_signup_open(before)
    assert not course.is_signup_open(before + datetime.timedelta(minutes=1))
