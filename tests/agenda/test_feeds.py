"""Calendar feeds, read back with vobject (a parser independent of the icalendar
library that writes them): every expected item, nothing of another volunteer or
branch, cancelled items marked, wall-clock times right, stable UIDs and rising
SEQUENCEs, the secret token, refresh hints, and caching with 304s."""

from __future__ import annotations

import datetime

import pytest
import vobject

from intervision.agenda import session_uid
from intervision.services import (
    answer_invitation,
    cancel_session,
    move_session,
    regenerate_sessions,
)
from portal.agenda.services import feed_token_for, regenerate_feed_token
from tests.agenda.conftest import COURSE_START, plan_talks
from tests.intervision.conftest import NOW
from tests.intervision.factories import IntervisionGroupFactory, MonthlySeriesFactory
from tests.portal.factories import VolunteerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
UTC = datetime.UTC


def feed_url(user, kind="mijn") -> str:
    return f"/agenda/{feed_token_for(user=user).token}/{kind}.ics"


def within_a_year(group):
    return group.sessions.filter(start__lt=NOW + datetime.timedelta(days=366))


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return vobject.readOne(response.content.decode())


def events(calendar) -> dict[str, object]:
    return {event.uid.value: event for event in calendar.vevent_list}


@pytest.fixture
def other_group(other_branch, other_volunteer):
    group = IntervisionGroupFactory(
        branch=other_branch, name="Zwolse groep", members=[other_volunteer]
    )
    MonthlySeriesFactory(group=group)
    regenerate_sessions(group=group, now=NOW)
    return group


def test_personal_feed_holds_every_session_of_the_year_and_the_other_providers_items(
    client, volunteer, group, other_group, course_provider
):
    calendar = parse(client.get(feed_url(volunteer.user)))
    found = events(calendar)
    sessions = list(group.sessions.filter(start__lte=NOW + datetime.timedelta(days=366)))
    assert len(sessions) == 11  # 14 December 2027 is more than a year ahead
    for session in sessions:
        assert session_uid(session.pk) in found
    assert f"course-session-1-{volunteer.pk}@test" in found
    assert len(found) == 13
    for session in other_group.sessions.all():
        assert session_uid(session.pk) not in found
    text = client.get(feed_url(volunteer.user)).content.decode()
    assert "Zwolse groep" not in text


def test_times_are_right_on_both_sides_of_the_daylight_saving_change(client, volunteer, group):
    response = client.get(feed_url(volunteer.user))
    found = events(parse(response))
    march = group.sessions.get(occurrence_date=datetime.date(2027, 3, 9))
    april = group.sessions.get(occurrence_date=datetime.date(2027, 4, 13))
    assert found[session_uid(march.pk)].dtstart.value.astimezone(UTC) == datetime.datetime(
        2027, 3, 9, 8, 30, tzinfo=UTC
    )
    assert found[session_uid(april.pk)].dtstart.value.astimezone(UTC) == datetime.datetime(
        2027, 4, 13, 7, 30, tzinfo=UTC
    )
    # Written as wall-clock times in Europe/Amsterdam, with its VTIMEZONE.
    assert "DTSTART;TZID=Europe/Amsterdam:20270413T093000" in response.content.decode()
    event = found[session_uid(april.pk)]
    assert (event.dtstart.value.hour, event.dtend.value.hour) == (9, 11)


def test_feed_carries_a_vtimezone_and_refresh_hints(client, volunteer, group):
    response = client.get(feed_url(volunteer.user))
    calendar = parse(response)
    assert calendar.vtimezone.tzid.value == "Europe/Amsterdam"
    assert calendar.contents["x-published-ttl"][0].value == "PT4H"
    text = response.content.decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT4H" in text
    assert "X-PUBLISHED-TTL:PT4H" in text


def test_feed_reaches_a_month_back_and_a_year_ahead(client, volunteer, group):
    from intervision.models import IntervisionSession

    def one_off(when):
        return IntervisionSession.objects.create(
            group=group, start=when, end=when + datetime.timedelta(hours=2)
        )

    recent = one_off(NOW - datetime.timedelta(days=20))
    old = one_off(NOW - datetime.timedelta(days=40))
    far = one_off(NOW + datetime.timedelta(days=380))
    found = events(parse(client.get(feed_url(volunteer.user))))
    assert session_uid(recent.pk) in found
    assert session_uid(old.pk) not in found and session_uid(far.pk) not in found


def test_cancelled_stays_in_the_feed_marked_and_a_move_raises_sequence(
    client, volunteer, group, django_capture_on_commit_callbacks
):
    url = feed_url(volunteer.user)
    first, second = group.sessions.order_by("start")[:2]
    before = events(parse(client.get(url)))
    assert before[session_uid(first.pk)].sequence.value == "0"
    with django_capture_on_commit_callbacks(execute=True):
        cancel_session(session=first, reason="De begeleider is ziek.")
        move_session(
            session=second,
            date=datetime.date(2027, 2, 10),
            start_time=datetime.time(10),
            end_time=datetime.time(12),
            venue="Bibliotheek",
        )
    after = events(parse(client.get(url)))
    cancelled = after[session_uid(first.pk)]
    assert cancelled.status.value == "CANCELLED"
    assert cancelled.summary.value.startswith("Afgelast:")
    assert cancelled.sequence.value == "1"
    moved = after[session_uid(second.pk)]
    assert moved.sequence.value == "1"
    assert moved.dtstart.value.astimezone(UTC) == datetime.datetime(2027, 2, 10, 9, tzinfo=UTC)
    assert moved.location.value == "Bibliotheek"
    assert "verplaatst" in moved.description.value
    assert set(after) == set(before)  # same UIDs: nothing duplicated in calendars


def test_feed_names_no_other_volunteer(client, volunteer, group, branch):
    other = VolunteerFactory(branch=branch, user__first_name="Bram", user__last_name="Zijlstra")
    group.members.add(other)
    group.save()
    answer_invitation(session=group.sessions.first(), volunteer=other, answer="yes")
    text = client.get(feed_url(volunteer.user)).content.decode()
    assert "Bram" not in text and "Zijlstra" not in text and other.email not in text


def test_wrong_old_and_missing_tokens_are_404(client, volunteer, group):
    old_url = feed_url(volunteer.user)
    assert client.get(old_url).status_code == 200
    new = regenerate_feed_token(user=volunteer.user)
    assert client.get(old_url).status_code == 404
    assert client.get(f"/agenda/{new.token}/mijn.ics").status_code == 200
    assert client.get("/agenda/not-a-token/mijn.ics").status_code == 404
    assert client.get("/agenda//mijn.ics").status_code == 404
    assert client.get("/agenda/mijn.ics").status_code == 404


def test_regenerating_from_mijn_agenda_kills_the_old_address_at_once(client_for, volunteer, group):
    client = client_for("volunteer")
    old_url = feed_url(volunteer.user)
    assert client.get(old_url).status_code == 200  # cached now
    # Asked first: opening the confirmation changes nothing.
    confirm = client.get("/mijn/agenda/nieuw-adres/")
    assert "Het oude adres werkt dan meteen niet meer" in confirm.content.decode()
    assert client.get(old_url).status_code == 200
    response = client.post("/mijn/agenda/nieuw-adres/")
    assert response.status_code == 302
    assert client.get(old_url).status_code == 404
    assert client.get(feed_url(volunteer.user)).status_code == 200


def test_volunteer_has_no_branch_feed_and_a_coordinator_no_personal_one(
    client, volunteer, coordinator
):
    assert client.get(feed_url(volunteer.user, "afdelingen")).status_code == 404
    assert client.get(feed_url(coordinator, "mijn")).status_code == 404


def test_coordinator_feed_has_every_session_of_their_branch_only(
    client, coordinator, group, other_group
):
    found = events(parse(client.get(feed_url(coordinator, "afdelingen"))))
    assert {session_uid(s.pk) for s in within_a_year(group)} <= set(found)
    assert not {session_uid(s.pk) for s in other_group.sessions.all()} & set(found)


def test_national_staff_feed_has_every_branch(client, staff, group, other_group):
    found = events(parse(client.get(feed_url(staff, "afdelingen"))))
    assert {session_uid(s.pk) for s in within_a_year(other_group)} <= set(found)


def test_repeat_fetch_of_an_unchanged_feed_is_a_304(
    client, volunteer, group, django_capture_on_commit_callbacks
):
    url = feed_url(volunteer.user)
    first = client.get(url)
    etag = first["ETag"]
    repeat = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert repeat.status_code == 304 and repeat.content == b""
    with django_capture_on_commit_callbacks(execute=True):
        answer_invitation(session=group.sessions.first(), volunteer=volunteer, answer="no")
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    # The answer changed the status text: a new body, a new ETag.
    assert changed.status_code == 200 and changed["ETag"] != etag


@pytest.mark.parametrize("size", [1, 6])
def test_branch_feed_query_count_does_not_grow_with_sessions_or_talks(
    client, coordinator, branch, size, django_assert_max_num_queries, supervision_provider
):
    for number in range(size):
        group = IntervisionGroupFactory(branch=branch, name=f"Groep {number}")
        MonthlySeriesFactory(group=group)
        regenerate_sessions(group=group, now=NOW)
    plan_talks(branch, size)
    url = feed_url(coordinator, "afdelingen")
    # token and user, groups of the user, branches, sessions, theme meetings, talks
    with django_assert_max_num_queries(6):
        found = events(parse(client.get(url)))
    assert sum(uid.startswith("supervision-") for uid in found) == size


def test_waitlisted_items_of_other_parts_are_tentative(client, volunteer, course_provider):
    found = events(parse(client.get(feed_url(volunteer.user))))
    waitlisted = found[f"course-session-2-{volunteer.pk}@test"]
    assert waitlisted.status.value == "TENTATIVE"
    enrolled = found[f"course-session-1-{volunteer.pk}@test"]
    assert enrolled.dtstart.value.astimezone(UTC) == COURSE_START.astimezone(UTC)


@pytest.mark.parametrize("size", [1, 6])
def test_feed_query_count_does_not_grow_with_items(
    client, volunteer, branch, size, django_assert_max_num_queries
):
    for number in range(size):
        group = IntervisionGroupFactory(branch=branch, name=f"Groep {number}", members=[volunteer])
        MonthlySeriesFactory(group=group)
        regenerate_sessions(group=group, now=NOW)
    url = feed_url(volunteer.user)
    # token and user, volunteer, sessions, answers, theme meetings
    with django_assert_max_num_queries(5):
        parse(client.get(url))
