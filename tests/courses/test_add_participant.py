"""A coordinator enrols a volunteer by hand ("deelnemer toevoegen") through the same
enrolment engine as a sign-up: a place or the waitlist, the same e-mail, the same
refusals in the coordinator's words; the sign-up period does not bind them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django.utils.html import escape
from hypothesis import given
from hypothesis import strategies as st

from courses import services
from courses.models import CourseEnrolment
from tests.courses.factories import make_course
from tests.portal.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def add_url(course) -> str:
    return f"/admin/courses/{course.pk}/deelnemers/toevoegen/"


def test_coordinator_adds_a_volunteer_who_gets_a_place_and_the_confirmation(
    client_for, branch, volunteer, django_capture_on_commit_callbacks, mailoutbox
):
    course = make_course(branch, capacity=2)
    client = client_for("coordinator")
    assert (
        escape(volunteer.full_name) in client.get(f"/admin/courses/{course.pk}/").content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(add_url(course), {"volunteer": volunteer.pk})
    assert response.status_code == 302
    assert course.enrolments.get(volunteer=volunteer).is_enrolled
    assert [message.to for message in mailoutbox] == [[volunteer.email]]
    page = client.get(response["Location"]).content.decode()
    assert "is ingeschreven en krijgt een bevestiging per e-mail" in page


def test_a_full_course_puts_the_added_volunteer_on_the_waitlist(client_for, branch, volunteer):
    course = make_course(branch, capacity=1)
    services.enrol_volunteer(offering=course, volunteer=VolunteerFactory(branch=branch))
    response = client_for("coordinator").post(add_url(course), {"volunteer": volunteer.pk})
    assert response.status_code == 302
    assert course.enrolments.get(volunteer=volunteer).is_waitlisted


def test_the_sign_up_period_and_a_started_course_do_not_stop_the_coordinator(
    client_for, branch, volunteer
):
    today = timezone.localdate()
    course = make_course(
        branch,
        first_date=today - datetime.timedelta(days=7),
        signup_closes_on=today - datetime.timedelta(days=10),
    )
    response = client_for("coordinator").post(add_url(course), {"volunteer": volunteer.pk})
    assert response.status_code == 302
    assert course.enrolments.get(volunteer=volunteer).is_enrolled
    # The volunteer themselves is still refused.
    refusal = services.enrolment_refusal(offering=course, volunteer=VolunteerFactory(branch=branch))
    assert refusal.code == "offering_started"


def test_refusals_speak_to_the_coordinator_and_write_nothing(client_for, branch, volunteer):
    course = make_course(branch)
    volunteer.introduction_course_completed_on = timezone.localdate()
    volunteer.save()
    response = client_for("coordinator").post(add_url(course), {"volunteer": volunteer.pk})
    assert response.status_code == 400
    assert f"{volunteer.full_name} heeft de introductiecursus al afgerond." in (
        response.content.decode()
    )
    assert not CourseEnrolment.objects.exists()


def test_enrolled_and_other_branch_volunteers_cannot_be_chosen(
    client_for, branch, volunteer, other_volunteer
):
    course = make_course(branch)
    services.enrol_volunteer(offering=course, volunteer=volunteer)
    client = client_for("coordinator")
    page = client.get(f"/admin/courses/{course.pk}/").content.decode()
    assert f'value="{volunteer.pk}"' not in page
    assert f'value="{other_volunteer.pk}"' not in page
    for chosen in (volunteer, other_volunteer):
        response = client.post(add_url(course), {"volunteer": chosen.pk})
        assert response.status_code == 400
        assert "Kies een vrijwilliger van deze afdeling" in response.content.decode()
    assert CourseEnrolment.objects.count() == 1


def test_a_cancelled_course_offers_no_form(client_for, branch, volunteer):
    course = make_course(branch)
    services.cancel_course(course=course, by=None)
    client = client_for("coordinator")
    assert "Deelnemer toevoegen" not in client.get(f"/admin/courses/{course.pk}/").content.decode()
    response = client.post(add_url(course), {"volunteer": volunteer.pk})
    assert response.status_code == 400
    assert not CourseEnrolment.objects.exists()


@pytest.fixture
def course(branch):
    return make_course(branch)


@given(value=st.one_of(st.text(max_size=30), st.integers(), st.just("")))
def test_any_posted_value_is_a_400_never_a_500(client_for, course, volunteer, value):
    # Hypothesis keeps the fixtures for every example: the course and volunteer are shared.
    response = client_for("coordinator").post(add_url(course), {"volunteer": value})
    assert response.status_code in {302, 400}
    if response.status_code == 302:  # only the one volunteer of the branch is a valid choice
        assert course.enrolments.filter(volunteer=volunteer).exists()
    else:
        assert response.context_data["add_form"].errors
