"""The course .ics, read back by two independent parsers (vobject, recurring-ical-events)."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import recurring_ical_events
import vobject
from icalendar import Calendar

from courses import services
from courses.models import CourseSession
from tests.courses.factories import make_course
from tests.pages.factories import publish

pytestmark = pytest.mark.django_db

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
UTC = datetime.UTC


@pytest.fixture
def dst_course(branch):
    # Fridays around the start of summer time (Sunday 29 March 2026).
    return make_course(branch, first_date=datetime.date(2026, 3, 20), sessions=3)


def download(client, course) -> bytes:
    response = client.get(f"/cursussen/{course.pk}/agenda.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return response.content


def vevents(ics: bytes):
    return sorted(vobject.readOne(ics.decode()).vevent_list, key=lambda e: e.dtstart.value)


def test_sessions_keep_wall_clock_time_across_summer_time(client, dst_course):
    events = vevents(download(client, dst_course))
    assert len(events) == 3
    starts_utc = [event.dtstart.value.astimezone(UTC) for event in events]
    assert starts_utc == [
        datetime.datetime(2026, 3, 20, 8, 30, tzinfo=UTC),  # CET, +01:00
        datetime.datetime(2026, 3, 27, 8, 30, tzinfo=UTC),
        datetime.datetime(2026, 4, 3, 7, 30, tzinfo=UTC),  # CEST, +02:00
    ]
    for event in events:
        local = event.dtstart.value.astimezone(AMSTERDAM)
        assert (local.hour, local.minute) == (9, 30)
        assert event.dtend.value.astimezone(AMSTERDAM).time() == datetime.time(12, 30)
        # vobject read the zone from our VTIMEZONE, not from its own database.
        assert event.dtstart.params["X-VOBJ-ORIGINAL-TZID"] == ["Europe/Amsterdam"]
        assert "tzicalvtz" in type(event.dtstart.value.tzinfo).__name__


def test_calendar_carries_a_vtimezone_limited_to_the_course_years(client, dst_course):
    calendar = Calendar.from_ical(download(client, dst_course))
    timezones = calendar.walk("VTIMEZONE")
    assert [str(tz["TZID"]) for tz in timezones] == ["Europe/Amsterdam"]
    transitions = [str(sub["DTSTART"].to_ical(), "ascii") for sub in timezones[0].subcomponents]
    assert all(value.startswith("2026") for value in transitions)


def test_uids_stay_the_same_and_sequence_rises_when_a_session_moves(client, dst_course):
    first = {e.uid.value: e for e in vevents(download(client, dst_course))}
    session = dst_course.sessions.order_by("date")[1]
    assert f"course-session-{session.pk}@home-start-portal" in first
    # An editor moves the second session to a Thursday and publishes.
    dst_course.sessions = [
        CourseSession(
            pk=s.pk,
            course=dst_course,
            date=s.date - datetime.timedelta(days=1) if s.pk == session.pk else s.date,
            start_time=s.start_time,
            end_time=s.end_time,
            topic=s.topic,
        )
        for s in dst_course.sessions.all()
    ]
    publish(dst_course)
    second = {e.uid.value: e for e in vevents(download(client, dst_course))}
    assert set(second) == set(first)
    moved = second[session.uid]
    assert moved.dtstart.value.date() == datetime.date(2026, 3, 26)
    assert int(moved.sequence.value) == int(first[session.uid].sequence.value) + 1
    others = [uid for uid in second if uid != session.uid]
    assert all(second[uid].sequence.value == first[uid].sequence.value for uid in others)


def test_cancelled_session_is_status_cancelled_with_a_higher_sequence(client, dst_course):
    session = dst_course.sessions.order_by("date")[2]
    services.cancel_session(session=session, by=None, now=datetime.datetime(2026, 3, 1, tzinfo=UTC))
    ics = download(client, dst_course)
    by_uid = {e.uid.value: e for e in vevents(ics)}
    assert by_uid[session.uid].status.value == "CANCELLED"
    assert by_uid[session.uid].sequence.value == "1"
    assert [e.status.value for uid, e in by_uid.items() if uid != session.uid] == ["CONFIRMED"] * 2
    # recurring-ical-events still finds every occurrence, the cancelled one marked as such.
    occurrences = recurring_ical_events.of(Calendar.from_ical(ics)).between(
        datetime.date(2026, 3, 1), datetime.date(2026, 5, 1)
    )
    assert sorted(str(o["STATUS"]) for o in occurrences) == ["CANCELLED", "CONFIRMED", "CONFIRMED"]
    assert {o["DTSTART"].dt.astimezone(AMSTERDAM).time() for o in occurrences} == {
        datetime.time(9, 30)
    }


def test_cancelled_course_cancels_every_event(client, dst_course):
    before = {e.uid.value: int(e.sequence.value) for e in vevents(download(client, dst_course))}
    services.cancel_course(course=dst_course, by=None, reason="Te weinig deelnemers")
    after = vevents(download(client, dst_course))
    assert {e.status.value for e in after} == {"CANCELLED"}
    assert {e.uid.value: int(e.sequence.value) for e in after} == {
        uid: seq + 1 for uid, seq in before.items()
    }


def test_ics_download_runs_two_queries_whatever_the_number_of_sessions(
    client, branch, django_assert_max_num_queries
):
    small = make_course(branch, sessions=2)
    large = make_course(branch, sessions=12, topics=[f"T{n}" for n in range(12)])
    for course in (small, large):
        with django_assert_max_num_queries(4):
            download(client, course)
