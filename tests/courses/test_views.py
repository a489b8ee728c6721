"""The public course pages and the sign-up and cancellation views."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from courses import services
from courses.models import CourseEnrolment, EnrolmentStatus
from portal.models import VolunteerStatus
from tests.courses.factories import make_course
from tests.portal.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def enrol_url(course):
    return f"/cursussen/{course.pk}/aanmelden/"


def cancel_url(course):
    return f"/cursussen/{course.pk}/afmelden/"


def text(response) -> str:
    return " ".join(response.content.decode().split())


def test_overview_lists_upcoming_courses_with_places_left(client, branch, other_branch):
    course = make_course(branch, title="Introductie voorjaar", capacity=3)
    make_course(
        branch, title="Oude cursus", first_date=timezone.localdate() - datetime.timedelta(days=90)
    )
    full = make_course(branch, title="Volle training", capacity=1, kind="training")
    make_course(other_branch, title="Cursus Zwolle")
    services.enrol_volunteer(offering=course, volunteer=VolunteerFactory(branch=branch))
    services.enrol_volunteer(offering=full, volunteer=VolunteerFactory(branch=branch))
    response = client.get(course.get_parent().url)
    assert response.status_code == 200
    body = text(response)
    assert "Introductie voorjaar" in body and "Nog 2 plaatsen vrij" in body
    assert "Volle training" in body and "Vol: aanmelden voor de wachtlijst" in body
    assert "Oude cursus" not in body and "Cursus Zwolle" not in body


def test_course_page_is_public_and_asks_anonymous_visitors_to_log_in(client, course):
    response = client.get(course.url)
    assert response.status_code == 200
    body = text(response)
    assert "Nog 12 van de 12 plaatsen vrij" in body
    assert "Inloggen om je aan te melden" in body
    assert body.count("<time datetime=") == 6
    assert f"/cursussen/{course.pk}/agenda.ics" in body


def test_anonymous_sign_up_goes_to_the_login_page(client, course):
    response = client.post(enrol_url(course), {"confirm": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not CourseEnrolment.objects.exists()


def test_volunteer_signs_up_and_sees_their_place(
    client, course, volunteer, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(volunteer.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(enrol_url(course), {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == course.url + "#mijn-plaats"
    body = text(client.get(course.url))
    assert "Je bent ingeschreven voor deze cursus." in body
    assert "Nog 11 van de 12 plaatsen vrij" in body
    assert [m.to for m in mailoutbox] == [[volunteer.email]]


def test_applied_volunteer_may_sign_up(client, course, branch):
    applicant = VolunteerFactory(branch=branch, status=VolunteerStatus.APPLIED)
    client.force_login(applicant.user)
    assert client.post(enrol_url(course), {"confirm": "on"}).status_code == 302
    assert CourseEnrolment.objects.get(volunteer=applicant).is_enrolled


def test_full_course_puts_the_volunteer_on_the_waitlist_with_position(client, branch):
    course = make_course(branch, capacity=1)
    services.enrol_volunteer(offering=course, volunteer=VolunteerFactory(branch=branch))
    services.enrol_volunteer(offering=course, volunteer=VolunteerFactory(branch=branch))
    late = VolunteerFactory(branch=branch)
    client.force_login(late.user)
    assert "Op de wachtlijst" in text(client.get(course.url))
    response = client.post(enrol_url(course), {"confirm": "on"}, follow=True)
    body = text(response)
    assert "Je staat op de wachtlijst, op plaats 2." in body
    assert "(2 op de wachtlijst)" in body


def test_cancel_frees_the_place_for_the_waitlist(
    client, branch, mailoutbox, django_capture_on_commit_callbacks
):
    course = make_course(branch, capacity=1)
    first, second = VolunteerFactory(branch=branch), VolunteerFactory(branch=branch)
    services.enrol_volunteer(offering=course, volunteer=first)
    services.enrol_volunteer(offering=course, volunteer=second)
    mailoutbox.clear()
    client.force_login(first.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(cancel_url(course), follow=True)
    assert "Je bent afgemeld." in text(response)
    assert CourseEnrolment.objects.get(volunteer=second).is_enrolled
    assert sorted(m.to[0] for m in mailoutbox) == sorted([first.email, second.email])


def test_unchecked_confirmation_is_a_400_with_the_message(client, course, volunteer):
    client.force_login(volunteer.user)
    response = client.post(enrol_url(course), {})
    assert response.status_code == 400
    assert "Bevestig dat je bij de bijeenkomsten kunt zijn." in text(response)
    assert not CourseEnrolment.objects.exists()


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("twice", "Je bent al ingeschreven."),
        ("closed", "De aanmeldtermijn is voorbij."),
        ("past", "Deze bijeenkomst is al voorbij."),
        ("cancelled", "Deze bijeenkomst is geannuleerd; aanmelden kan niet meer."),
        ("completed", "Je hebt de introductiecursus al afgerond."),
    ],
)
def test_refusals_show_the_course_page_with_the_message(client, branch, volunteer, setup, message):
    today = timezone.localdate()
    course = make_course(branch)
    if setup == "twice":
        services.enrol_volunteer(offering=course, volunteer=volunteer)
    elif setup == "closed":
        course = make_course(branch, signup_closes_on=today - datetime.timedelta(days=1))
    elif setup == "past":
        course = make_course(branch, first_date=today - datetime.timedelta(days=60))
    elif setup == "cancelled":
        services.cancel_offering(offering=course, by=None)
    elif setup == "completed":
        volunteer.introduction_course_completed_on = today
        volunteer.save()
    client.force_login(volunteer.user)
    before = list(CourseEnrolment.objects.values_list("pk", "status"))
    # The page already says why, without a form to press.
    page = text(client.get(course.url))
    assert ("Je bent ingeschreven voor deze cursus." if setup == "twice" else message) in page
    # A form sent anyway (an old tab, a double click) gets the same message.
    response = client.post(enrol_url(course), {"confirm": "on"})
    assert response.status_code == 409
    assert message in text(response)
    assert list(CourseEnrolment.objects.values_list("pk", "status")) == before


def test_account_without_volunteer_record_gets_403(client, course, coordinator):
    client.force_login(coordinator)
    assert "Alleen vrijwilligers kunnen zich" in text(client.get(course.url))
    assert client.post(enrol_url(course), {"confirm": "on"}).status_code == 403


def test_get_on_sign_up_and_cancel_is_not_allowed(client, course, volunteer):
    client.force_login(volunteer.user)
    assert client.get(enrol_url(course)).status_code == 405
    assert client.get(cancel_url(course)).status_code == 405


def test_unknown_or_draft_course_is_404(client, branch, volunteer):
    draft = make_course(branch, live=False)
    client.force_login(volunteer.user)
    assert client.post(enrol_url(draft), {"confirm": "on"}).status_code == 404
    assert client.post("/cursussen/999999/aanmelden/", {"confirm": "on"}).status_code == 404
    assert client.get(f"/cursussen/{draft.pk}/agenda.ics").status_code == 404


def test_cancel_without_an_enrolment_is_404(client, course, volunteer):
    client.force_login(volunteer.user)
    assert client.post(cancel_url(course)).status_code == 404


def test_cancel_twice_shows_the_message(client, course, volunteer):
    enrolment = services.enrol_volunteer(offering=course, volunteer=volunteer)
    services.cancel_enrolment(enrolment=enrolment, by=volunteer.user)
    client.force_login(volunteer.user)
    response = client.post(cancel_url(course))
    assert response.status_code == 409
    assert "Deze aanmelding is al afgemeld." in text(response)


form_values = st.one_of(st.text(max_size=30), st.sampled_from(["on", "1", "true", "", "\x00"]))


@given(
    data=st.dictionaries(
        st.sampled_from(["confirm", "csrfmiddlewaretoken", "course", "x"]), form_values, max_size=4
    ),
    action=st.sampled_from(["aanmelden", "afmelden"]),
)
def test_any_form_input_never_gives_a_500(client, course, volunteer, data, action):
    client.force_login(volunteer.user)
    response = client.post(f"/cursussen/{course.pk}/{action}/", data)
    assert response.status_code in {302, 400, 404, 409}
    count = CourseEnrolment.objects.filter(
        volunteer=volunteer, status=EnrolmentStatus.ENROLLED
    ).count()
    assert count <= 1


@given(course_id=st.integers(min_value=-(2**70), max_value=2**70))
def test_any_course_id_never_gives_a_500(client, volunteer, course_id):
    client.force_login(volunteer.user)
    response = client.post(f"/cursussen/{course_id}/aanmelden/", {"confirm": "on"})
    assert response.status_code in {302, 404, 409}


def test_the_confirmation_box_is_required_in_the_browser_too(client, course, volunteer):
    client.force_login(volunteer.user)
    body = client.get(course.url).content.decode()
    form = re.search(
        rf'<form method="post" action="{enrol_url(course)}"[^>]*>(.*?)</form>', body, re.S
    )
    assert form and "novalidate" not in form[0]
    assert re.search(r'<input type="checkbox" name="confirm"[^>]*required', form[1])


def test_cancelling_a_place_asks_once(client, course, volunteer):
    services.enrol_volunteer(offering=course, volunteer=volunteer)
    client.force_login(volunteer.user)
    body = client.get(course.url).content.decode()
    confirm = re.search(r'<details class="confirm">(.*?)</details>', body, re.S)[1]
    assert "Afmelden" in confirm and "Afmelden voor deze cursus?" in confirm
    assert confirm.count("<button") == 1 and f'action="{cancel_url(course)}"' in confirm
    assert body.count(f'action="{cancel_url(course)}"') == 1
