"""What `courses` adds to the rest of the portal through portal/registry.py."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from courses import services
from courses.models import CourseIndexPage, CoursePage, EnrolmentStatus
from courses.registry_hooks import (
    agenda_items,
    personal_data,
    upcoming_events,
    volunteer_record_section,
)
from portal.agenda.cache import generation
from portal.registry import registry
from portal.registry import upcoming_events as all_upcoming_events
from portal.services.volunteers import export_volunteer_data
from tests.courses.factories import make_course
from tests.pages.conftest import build_public_site
from tests.pages.factories import publish
from tests.portal.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def window(days=120):
    now = timezone.now()
    return {"start": now - datetime.timedelta(days=1), "end": now + datetime.timedelta(days=days)}


def test_registered_from_ready():
    assert agenda_items in registry.agenda_providers
    assert upcoming_events in registry.upcoming_events_providers
    assert personal_data in registry.personal_data_exporters
    assert volunteer_record_section in registry.volunteer_record_sections
    assert "courses" in [name for _, name, _ in registry.demo_builders]


def test_agenda_of_a_volunteer_has_their_sessions_with_status(branch, volunteer):
    mine = make_course(branch, capacity=1, title="Mijn cursus")
    make_course(branch, title="Andere cursus")
    services.enrol_volunteer(offering=mine, volunteer=VolunteerFactory(branch=branch))
    services.enrol_volunteer(offering=mine, volunteer=volunteer)
    services.cancel_session(session=mine.sessions.order_by("date")[1], by=None)
    items = agenda_items(volunteer_id=volunteer.pk, branch_ids=None, **window())
    assert len(items) == 6
    assert {item.status for item in items} == {EnrolmentStatus.WAITLISTED}
    assert {item.status_label for item in items} == {"op de wachtlijst"}
    assert [item.cancelled for item in sorted(items, key=lambda i: i.start)] == [
        False,
        True,
        False,
        False,
        False,
        False,
    ]
    assert all(item.title.startswith("Mijn cursus: ") for item in items)
    assert len({item.uid for item in items}) == 6


def test_agenda_of_a_coordinator_has_every_session_of_their_branches(
    branch, other_branch, django_assert_max_num_queries
):
    make_course(branch)
    make_course(branch, sessions=2, kind="training")
    make_course(other_branch)
    with django_assert_max_num_queries(3):
        items = agenda_items(volunteer_id=None, branch_ids=[branch.pk], **window())
    assert len(items) == 8 and {item.branch_id for item in items} == {branch.pk}
    for _ in range(3):
        make_course(branch)
    with django_assert_max_num_queries(3):  # does not grow with the number of sessions
        assert len(agenda_items(volunteer_id=None, branch_ids=[branch.pk], **window())) == 26
    narrow = agenda_items(
        volunteer_id=None,
        branch_ids=[branch.pk],
        start=items[0].start,
        end=items[0].start + datetime.timedelta(hours=1),
    )
    assert len(narrow) == 5  # the first session of each of the five courses


def test_upcoming_events_list_courses_with_places_left(branch, other_branch):
    course = make_course(branch, capacity=5, title="Introductie")
    make_course(
        other_branch, title="Zwolle", first_date=timezone.localdate() + datetime.timedelta(days=30)
    )
    make_course(
        branch, title="Begonnen", first_date=timezone.localdate() - datetime.timedelta(days=7)
    )
    services.enrol_volunteer(offering=course, volunteer=VolunteerFactory(branch=branch))
    events = all_upcoming_events(branch_ids=[branch.pk])
    assert [(e.title, e.kind, e.places_left) for e in events] == [("Introductie", "course", 4)]
    assert [e.title for e in all_upcoming_events()] == ["Introductie", "Zwolle"]


def test_mijn_home_start_shows_my_courses_and_completion(client, branch, volunteer):
    course = make_course(branch, capacity=1, title="Introductie voorjaar")
    services.enrol_volunteer(offering=course, volunteer=VolunteerFactory(branch=branch))
    services.enrol_volunteer(offering=course, volunteer=volunteer)
    volunteer.introduction_course_completed_on = datetime.date(2026, 1, 15)
    volunteer.save()
    client.force_login(volunteer.user)
    body = " ".join(client.get("/mijn/").content.decode().split())
    assert "Mijn cursussen" in body
    assert "Introductie voorjaar" in body and "op de wachtlijst, plaats 1" in body
    assert "Je hebt de introductiecursus afgerond op 15 januari 2026." in body
    assert "Bekijk de cursussen van je afdeling" in body


def test_volunteer_record_and_data_download(branch, volunteer):
    course = make_course(branch, title="Introductie")
    services.enrol_volunteer(offering=course, volunteer=volunteer)
    assert volunteer_record_section(volunteer) == {
        "title": "Cursussen",
        "rows": [("Introductie", "ingeschreven")],
    }
    data = json.loads(json.dumps(export_volunteer_data(volunteer)))
    [entry] = data["courses"]
    assert entry["course"] == "Introductie" and entry["status"] == "enrolled"
    assert entry["attendance"] == []


def test_volunteer_record_shows_courses_in_the_admin(client_for, branch, volunteer):
    services.enrol_volunteer(offering=make_course(branch, title="Introductie"), volunteer=volunteer)
    response = client_for("coordinator").get(f"/admin/portal_volunteer/edit/{volunteer.pk}/")
    assert response.status_code == 200
    assert "Introductie" in response.content.decode()


DUTCH_MONTHS = [
    *("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus"),
    *("september", "oktober", "november", "december"),
]


def test_demo_content_adds_courses_per_branch_once():
    call_command("demo_content")
    call_command("demo_content")
    indexes = CourseIndexPage.objects.all()
    assert indexes.count() >= 3
    for index in indexes:
        courses = CoursePage.objects.child_of(index)
        assert sorted(c.kind for c in courses) == ["introduction", "training"]
        intro = courses.get(kind="introduction")
        assert intro.enrolments.enrolled().exists()
        first = min(session.date for session in intro.sessions.all())
        assert intro.title == f"Introductiecursus {DUTCH_MONTHS[first.month - 1]} {first.year}"
        assert intro.offering_starts_at() > timezone.now()
    assert any(
        CoursePage.objects.get(pk=c.pk).enrolments.waitlisted().exists()
        for c in CoursePage.objects.filter(kind="introduction")
    )


def test_enrolments_and_published_course_changes_make_cached_feeds_stale(
    branch, volunteer, django_capture_on_commit_callbacks
):
    course = make_course(branch)
    before = generation()
    with django_capture_on_commit_callbacks(execute=True):
        services.enrol_volunteer(offering=course, volunteer=volunteer)
    after_enrolment = generation()
    assert after_enrolment > before
    with django_capture_on_commit_callbacks(execute=True):
        publish(course)
    assert generation() > after_enrolment


def test_branch_page_lists_its_own_coming_courses(client, branch, other_branch):
    site = build_public_site(branch)
    make_course(branch, title="Introductiecursus Utrecht")
    make_course(other_branch, title="Introductiecursus Zwolle")
    content = client.get(site.utrecht.url).content.decode()
    assert "Introductiecursus Utrecht" in content
    assert "Introductiecursus Zwolle" not in content
