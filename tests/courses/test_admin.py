"""The coordinator's course screens: attendance grid, make-up, completion, cancelling,
export, and the capacity rule in the page editor."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django import forms
from django.utils import timezone
from django.utils.html import escape
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield

from courses import services
from courses.models import Attendance, CourseEnrolment, CourseKind, CoursePage
from portal.services.volunteers import activation_blockers
from portal.widgets import PlainSelect
from tests.courses.factories import make_course
from tests.matrix import DENIED, assert_access
from tests.portal.factories import VolunteerFactory
from tests.screening.helpers import tick

pytestmark = pytest.mark.django_db

TOPICS = ["Kennismaking", "Gezinnen", "Gesprekken", "Ontwikkeling", "Diversiteit", "Grenzen"]


def running_course(branch, *, title="Introductie", weeks_ago=5, participants=(), **kwargs):
    """A course whose first `weeks_ago + 1` sessions are today or earlier."""
    today = timezone.localdate()
    course = make_course(
        branch,
        title=title,
        first_date=today - datetime.timedelta(weeks=weeks_ago),
        topics=TOPICS,
        **kwargs,
    )
    before = course.offering_starts_at() - datetime.timedelta(days=1)
    for volunteer in participants:
        services.enrol_volunteer(offering=course, volunteer=volunteer, now=before)
    return course


def grid_url(course):
    return f"/admin/courses/{course.pk}/aanwezigheid/"


def grid_post(course, marks):
    enrolments = {e.volunteer_id: e.pk for e in course.enrolments.all()}
    sessions = list(course.sessions.order_by("date"))
    data = {}
    for (volunteer, index), status in marks.items():
        data[f"a-{enrolments[volunteer.pk]}-{sessions[index].pk}"] = status
    return data


def text(response) -> str:
    return " ".join(response.content.decode().split())


def test_grid_shows_participants_by_sessions(client_for, branch, volunteer):
    course = running_course(branch, participants=[volunteer])
    response = client_for("coordinator").get(grid_url(course))
    assert response.status_code == 200
    body = text(response)
    assert "Anouk Smit" in body
    assert body.count("<select") == 6
    assert body.count("disabled") == 0  # all six are today or earlier


def test_grid_selects_are_djangos_html_written_in_python(client_for, branch, volunteer):
    course = running_course(branch, participants=[volunteer])
    client = client_for("coordinator")
    client.post(grid_url(course), grid_post(course, {(volunteer, 1): "absent"}))
    response = client.get(grid_url(course))
    form = response.context["form"]
    assert len(form.fields) == 6
    html = response.content.decode()
    for bound in form:
        assert isinstance(bound.field.widget, PlainSelect)
        django_select = forms.Select(choices=bound.field.choices).render(
            bound.html_name, bound.value(), {"id": bound.auto_id}
        )
        assert django_select in html
    assert html.count('value="absent" selected') == 1


def test_marking_everyone_present_completes_and_lets_activation_pass(
    client_for, branch, volunteer, coordinator
):
    tick(volunteer, "intake", "vog", "overeenkomst", "geheimhouding")
    course = running_course(branch, participants=[volunteer])
    client = client_for("coordinator")
    response = client.post(
        grid_url(course), grid_post(course, {(volunteer, i): "present" for i in range(6)})
    )
    assert response.status_code == 302
    assert Attendance.objects.filter(status="present").count() == 6
    assert set(Attendance.objects.values_list("recorded_by", flat=True)) == {coordinator.pk}
    volunteer.refresh_from_db()
    assert volunteer.introduction_course_completed_on == timezone.localdate()
    assert activation_blockers(volunteer) == []  # the course filled in the checklist's item
    assert CourseEnrolment.objects.get().completed_on == timezone.localdate()


def test_correcting_a_mark_withdraws_completion(client_for, branch, volunteer):
    course = running_course(branch, participants=[volunteer])
    client = client_for("coordinator")
    client.post(grid_url(course), grid_post(course, {(volunteer, i): "present" for i in range(6)}))
    client.post(grid_url(course), grid_post(course, {(volunteer, 2): "absent"}))
    volunteer.refresh_from_db()
    assert volunteer.introduction_course_completed_on is None
    tick(volunteer, "intake", "vog", "overeenkomst", "geheimhouding")
    [blocker] = activation_blockers(volunteer)
    assert "Introductiecursus" in str(blocker)


def test_training_completion_does_not_touch_the_introduction_date(client_for, branch, volunteer):
    course = running_course(branch, participants=[volunteer], kind=CourseKind.TRAINING)
    client_for("coordinator").post(
        grid_url(course), grid_post(course, {(volunteer, i): "present" for i in range(6)})
    )
    volunteer.refresh_from_db()
    assert CourseEnrolment.objects.get().completed_on is not None
    assert volunteer.introduction_course_completed_on is None


def test_future_sessions_cannot_be_marked(client_for, branch, volunteer):
    course = running_course(branch, weeks_ago=1, participants=[volunteer])
    client = client_for("coordinator")
    content = text(client.get(grid_url(course)))
    # Two sessions held (a week ago and today): two selects, no input for the four to come.
    assert content.count("<select") == 2
    assert content.count("nog niet geweest") == 4
    response = client.post(grid_url(course), grid_post(course, {(volunteer, 5): "present"}))
    assert response.status_code == 302  # a posted future cell is ignored, nothing stored
    assert not Attendance.objects.exists()
    with pytest.raises(services.ServiceError) as raised:
        services.record_attendance(
            course=course,
            marks={(course.enrolments.get().pk, course.sessions.order_by("date")[5].pk): "present"},
            by=None,
        )
    assert raised.value.code == "session_in_future"


def test_unknown_attendance_value_is_a_400_and_writes_nothing(client_for, branch, volunteer):
    course = running_course(branch, participants=[volunteer])
    data = grid_post(course, {(volunteer, 0): "present", (volunteer, 1): "bijna"})
    response = client_for("coordinator").post(grid_url(course), data)
    assert response.status_code == 400
    assert "Kies aanwezig, afwezig of afgemeld." in text(response)
    assert not Attendance.objects.exists()


def test_missed_session_made_up_in_another_course_completes(client_for, branch, volunteer):
    course = running_course(branch, participants=[volunteer])
    other = running_course(branch, title="Andere cursus", weeks_ago=8)
    client = client_for("coordinator")
    marks = {(volunteer, i): "present" for i in range(6)} | {(volunteer, 3): "excused"}
    client.post(grid_url(course), grid_post(course, marks))
    volunteer.refresh_from_db()
    assert volunteer.introduction_course_completed_on is None
    missed = course.sessions.order_by("date")[3]
    enrolment = course.enrolments.get()
    url = f"/admin/courses/{course.pk}/inhalen/{enrolment.pk}/{missed.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and "Andere cursus" in text(page)
    same_topic = other.sessions.get(topic=missed.topic)
    response = client.post(url, {"make_up_session": same_topic.pk})
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.introduction_course_completed_on == timezone.localdate()
    assert Attendance.objects.get(session=missed).made_up_in == same_topic


def test_make_up_refusals(branch, volunteer):
    course = running_course(branch, participants=[volunteer])
    other = running_course(branch, title="Andere", weeks_ago=8)
    enrolment = course.enrolments.get()
    first, second = course.sessions.order_by("date")[:2]
    services.record_attendance(
        course=course,
        marks={(enrolment.pk, first.pk): "present", (enrolment.pk, second.pk): "absent"},
        by=None,
    )
    cases = [
        (first, other.sessions.get(topic=first.topic), "make_up_not_missed"),
        (second, course.sessions.order_by("date")[4], "make_up_same_course"),
        (second, other.sessions.get(topic=TOPICS[4]), "make_up_other_topic"),
    ]
    for missed, make_up, code in cases:
        with pytest.raises(services.ServiceError) as raised:
            services.record_make_up(
                enrolment=enrolment, session=missed, make_up_session=make_up, by=None
            )
        assert raised.value.code == code
    assert Attendance.objects.get(session=second).made_up_in is None


def test_make_up_form_rejects_an_unlisted_session(client_for, branch, volunteer):
    course = running_course(branch, participants=[volunteer])
    enrolment = course.enrolments.get()
    missed = course.sessions.order_by("date")[0]
    services.record_attendance(course=course, marks={(enrolment.pk, missed.pk): "absent"}, by=None)
    url = f"/admin/courses/{course.pk}/inhalen/{enrolment.pk}/{missed.pk}/"
    response = client_for("coordinator").post(url, {"make_up_session": "999999"})
    assert response.status_code == 400
    assert Attendance.objects.get(session=missed).made_up_in is None


def test_coordinator_cancels_a_place_and_the_waitlist_moves_up(
    client_for, branch, django_capture_on_commit_callbacks, mailoutbox
):
    course = make_course(branch, capacity=1)
    first, second = VolunteerFactory(branch=branch), VolunteerFactory(branch=branch)
    enrolment = services.enrol_volunteer(offering=course, volunteer=first)
    services.enrol_volunteer(offering=course, volunteer=second)
    client = client_for("coordinator")
    page = text(client.get(f"/admin/courses/{course.pk}/"))
    assert "Wachtlijst (1)" in page and escape(second.full_name) in page
    url = f"/admin/courses/{course.pk}/deelnemers/{enrolment.pk}/afmelden/"
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert CourseEnrolment.objects.get(volunteer=second).is_enrolled
    assert sorted(m.to[0] for m in mailoutbox) == sorted([first.email, second.email])


def test_cancel_a_session_and_the_course_from_the_admin(
    client_for, branch, volunteer, django_capture_on_commit_callbacks, mailoutbox
):
    course = make_course(branch)
    services.enrol_volunteer(offering=course, volunteer=volunteer)
    session = course.sessions.order_by("date")[2]
    client = client_for("coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/courses/{course.pk}/bijeenkomsten/{session.pk}/annuleren/")
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.is_cancelled and session.sequence == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/courses/{course.pk}/annuleren/", {"reason": "Te weinig aanmeldingen."}
        )
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.is_cancelled and course.cancellation_reason == "Te weinig aanmeldingen."
    assert len(mailoutbox) == 2 and all(m.to == [volunteer.email] for m in mailoutbox)
    # Twice is refused with the message, nothing sent.
    response = client.post(f"/admin/courses/{course.pk}/annuleren/", {"reason": ""})
    assert response.status_code == 400
    assert "Deze bijeenkomst is al geannuleerd." in text(response)


def test_export_has_one_row_per_person_and_a_column_per_session(client_for, branch, volunteer):
    course = running_course(branch, participants=[volunteer], capacity=1)
    late = VolunteerFactory(branch=branch, user__first_name="Zeno", user__last_name="Waits")
    services.enrol_volunteer(
        offering=course,
        volunteer=late,
        now=course.offering_starts_at() - datetime.timedelta(days=1),
    )
    enrolment = course.enrolments.get(volunteer=volunteer)
    first = course.sessions.order_by("date")[0]
    services.record_attendance(course=course, marks={(enrolment.pk, first.pk): "present"}, by=None)
    client = client_for("coordinator")
    response = client.get(f"/admin/courses/{course.pk}/export/?export=xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.values)
    assert rows[0][:3] == ("Naam", "E-mailadres", "Status")
    assert len(rows[0]) == 7 + 6 + 1
    assert rows[1][:4] == ("Anouk Smit", volunteer.email, "ingeschreven", None)
    assert rows[1][7] == "aanwezig"
    assert rows[2][:4] == ("Zeno Waits", late.email, "op de wachtlijst", 1)
    response = client.get(f"/admin/courses/{course.pk}/export/?export=csv")
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [line[0] for line in lines] == ["Naam", "Anouk Smit", "Zeno Waits"]


def test_lowering_capacity_below_enrolled_is_refused_in_the_page_editor(client_for, branch):
    course = make_course(branch, capacity=3)
    for _ in range(3):
        services.enrol_volunteer(offering=course, volunteer=VolunteerFactory(branch=branch))
    client = client_for("coordinator")
    url = f"/admin/pages/{course.pk}/edit/"
    data = querydict_from_html(client.get(url).content.decode(), form_id="page-edit-form")
    data.update(nested_form_data({"description": streamfield([])}))  # rendered by JS
    data["capacity"] = "2"
    data["action-publish"] = "action-publish"
    response = client.post(url, data)
    assert response.status_code in {200, 400}
    assert "Er zijn al 3 deelnemers ingeschreven" in text(response)
    assert CoursePage.objects.get(pk=course.pk).capacity == 3
    # Raising it is fine, and the waitlist moves up on publish.
    waiting = VolunteerFactory(branch=branch)
    services.enrol_volunteer(offering=course, volunteer=waiting)
    data["capacity"] = "4"
    assert client.post(url, data).status_code == 302
    assert CoursePage.objects.get(pk=course.pk).capacity == 4
    assert CourseEnrolment.objects.get(volunteer=waiting).is_enrolled


def test_new_course_starts_with_six_mornings(client_for, branch):
    index = make_course(branch).get_parent()
    response = client_for("coordinator").get(f"/admin/pages/add/courses/coursepage/{index.pk}/")
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    assert data["sessions-TOTAL_FORMS"] == "6"
    assert [data[f"sessions-{n}-start_time"] for n in range(6)] == ["09:30"] * 6
    assert data["branch"] == str(branch.pk)


def test_coordinator_cannot_open_another_branchs_course(client_for, other_branch):
    course = make_course(other_branch)
    client = client_for("coordinator")
    # Wagtail's own page permissions refuse it (tests/courses/test_branch_scope.py).
    assert_access(client, f"/admin/pages/{course.pk}/edit/", DENIED, role="coordinator")
    assert client.get(f"/admin/courses/{course.pk}/aanwezigheid/").status_code == 404
    listing = text(client.get("/admin/courses/"))
    assert course.title not in listing
