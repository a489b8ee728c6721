"""No dead ends in the intervision admin: every session row opens the session (and
has its action menu with attendance), a group's page lists its coming and past
sessions with answers and an attendance link, saving a series says what it did, and
the listings speak Dutch (no True/False, absolute dates). Query counts stay flat."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intervision.models import Attendance, IntervisionGroup, IntervisionSession, Rsvp
from intervision.services import regenerate_sessions
from tests.intervision.conftest import NOW
from tests.intervision.factories import (
    IntervisionGroupFactory,
    MonthlySeriesFactory,
    SkipPeriodFactory,
)
from tests.intervision.test_admin import group_form_data
from tests.portal.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen(frozen_clock):
    return frozen_clock


def held_session(group, days_ago: int) -> IntervisionSession:
    start = NOW - datetime.timedelta(days=days_ago)
    return IntervisionSession.objects.create(
        group=group, start=start, end=start + datetime.timedelta(hours=2)
    )


def test_saving_a_new_group_says_how_many_sessions_and_what_was_skipped(
    client_for, branch, volunteer
):
    client = client_for("coordinator")
    response = client.post("/admin/intervision_group/new/", group_form_data(branch, [volunteer]))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    # Every six weeks in 2027 gives nine dates; 5 August falls in the summer holidays.
    assert "8 bijeenkomsten gepland, 1 overgeslagen (zomervakantie)." in page


def test_saving_a_group_again_says_nothing_changed(client_for, group):
    SkipPeriodFactory(group=group)
    regenerate_sessions(group=group, now=NOW)
    data = group_form_data(
        group.branch,
        list(group.members.all()),
        name=group.name,
        venue=group.venue,
        **{
            "series-INITIAL_FORMS": "1",
            "series-0-id": str(group.series.get().pk),
            "series-0-kind": "monthly",
            "series-0-nth": "2",
            "series-0-weekday": "1",
            "series-0-interval_weeks": "",
            "series-0-start_time": "09:30",
            "series-0-end_time": "11:30",
            "series-0-start_date": "2027-01-01",
            "series-0-end_date": "2027-12-31",
            "skip_periods-INITIAL_FORMS": "1",
            "skip_periods-0-id": str(group.skip_periods.get().pk),
        },
    )
    client = client_for("coordinator")
    response = client.post(f"/admin/intervision_group/edit/{group.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"]).content.decode()
    assert "De planning is niet veranderd, 2 overgeslagen (zomervakantie)." in page
    assert "Er staan nu 10 bijeenkomsten gepland." in page


def test_every_session_row_opens_the_session_and_offers_attendance(client_for, group):
    content = client_for("coordinator").get("/admin/intervision_session/").content.decode()
    for session in group.sessions.all():
        assert f'href="/admin/intervision_session/edit/{session.pk}/"' in content
        assert f'href="/admin/intervision_session/attendance/{session.pk}/"' in content
    assert "di 12 jan 2027, 9:30" in content
    assert "True" not in content and "False" not in content
    assert ">nee<" in content


def test_the_group_page_lists_coming_and_past_sessions_with_answers_and_attendance(
    client_for, group, volunteer, branch
):
    absent = VolunteerFactory(branch=branch)
    group.members.add(absent)
    group.save()
    past = held_session(group, days_ago=7)
    unrecorded = held_session(group, days_ago=14)
    Attendance.objects.create(session=past, volunteer=volunteer, present=True)
    Attendance.objects.create(session=past, volunteer=absent, present=False)
    coming = group.sessions.filter(start__gt=NOW).order_by("start").first()
    Rsvp.objects.create(session=coming, volunteer=volunteer, answer="yes")
    content = client_for("coordinator").get(f"/admin/intervision_group/edit/{group.pk}/")
    content = content.content.decode()
    assert "Komende bijeenkomsten" in content and "Geweest" in content
    assert f'href="/admin/intervision_session/edit/{coming.pk}/"' in content
    assert "1 komen, 0 niet, 1 geen antwoord" in content
    assert f'href="/admin/intervision_session/attendance/{past.pk}/"' in content
    assert "1 van 2 aanwezig" in content
    assert f'href="/admin/intervision_session/attendance/{unrecorded.pk}/"' in content


def test_group_list_and_export_say_ja_and_nee(client_for, group):
    client = client_for("coordinator")
    content = client.get("/admin/intervision_group/").content.decode()
    assert ">ja<" in content and "True" not in content
    export = client.get("/admin/intervision_group/?export=csv")
    assert b"ja" in b"".join(export.streaming_content)


def count_queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_group_page_and_session_list_queries_do_not_grow_with_sessions(client_for, group, branch):
    client = client_for("coordinator")
    group_url = f"/admin/intervision_group/edit/{group.pk}/"
    small = count_queries(client, group_url), count_queries(client, "/admin/intervision_session/")
    members = [VolunteerFactory(branch=branch) for _ in range(4)]
    group.members.add(*members)
    group.save()
    for days in (7, 14, 21):
        held = held_session(group, days_ago=days)
        Attendance.objects.bulk_create(
            Attendance(session=held, volunteer=member, present=True) for member in members
        )
    for session in group.sessions.filter(start__gt=NOW)[:5]:
        Rsvp.objects.bulk_create(
            Rsvp(session=session, volunteer=member, answer="yes") for member in members
        )
    other = IntervisionGroupFactory(branch=branch, members=members)
    MonthlySeriesFactory(group=other)
    regenerate_sessions(group=other, now=NOW)
    large = count_queries(client, group_url), count_queries(client, "/admin/intervision_session/")
    assert large == small
    assert IntervisionGroup.objects.count() == 2
