"""The intervision screens of the admin: a coordinator creates a group with a series
and the sessions appear; moves, cancels and records attendance through the services;
a coordinator of another branch sees no group, session or note of this one, not even
by id; national staff see all but the notes."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils.html import escape

from intervision.models import Attendance, IntervisionGroup, IntervisionSession, SessionStatus
from intervision.services import add_session_note
from tests.portal.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=AMS)
NOTE = "Besproken: grenzen stellen bij een ouder die steeds meer vraagt."


@pytest.fixture(autouse=True)
def _frozen(frozen_clock):
    return frozen_clock


def group_form_data(branch, members, **overrides) -> dict:
    data = {
        "branch": branch.pk,
        "name": "Donderdagavond",
        "facilitator": "",
        "venue": "Buurthuis De Kei",
        "active": "on",
        "members": [m.pk for m in members],
        "series-TOTAL_FORMS": "1",
        "series-INITIAL_FORMS": "0",
        "series-MIN_NUM_FORMS": "0",
        "series-MAX_NUM_FORMS": "1000",
        "series-0-kind": "weekly",
        "series-0-weekday": "3",
        "series-0-nth": "",
        "series-0-interval_weeks": "6",
        "series-0-start_time": "19:30",
        "series-0-end_time": "21:30",
        "series-0-start_date": "2027-01-04",
        "series-0-end_date": "2027-12-31",
        "series-0-venue": "",
        "skip_periods-TOTAL_FORMS": "1",
        "skip_periods-INITIAL_FORMS": "0",
        "skip_periods-MIN_NUM_FORMS": "0",
        "skip_periods-MAX_NUM_FORMS": "1000",
        "skip_periods-0-first_day": "2027-07-01",
        "skip_periods-0-last_day": "2027-08-31",
        "skip_periods-0-reason": "zomervakantie",
    }
    return data | overrides


def test_coordinator_creates_a_group_with_a_series_and_its_sessions_appear(
    client_for, branch, volunteer, coordinator
):
    data = group_form_data(branch, [volunteer], facilitator=coordinator.pk)
    response = client_for("coordinator").post("/admin/intervision_group/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    group = IntervisionGroup.objects.get(name="Donderdagavond")
    assert list(group.members.all()) == [volunteer]
    assert group.series.get().rrule == "FREQ=WEEKLY;INTERVAL=6;BYDAY=TH;UNTIL=20271231T235959"
    dates = [timezone_date(s.start) for s in group.sessions.order_by("start")]
    # Every six weeks from 7 January; 5 August falls in the summer holidays.
    assert datetime.date(2027, 8, 5) not in dates
    assert dates[:3] == [
        datetime.date(2027, 1, 7),
        datetime.date(2027, 2, 18),
        datetime.date(2027, 4, 1),
    ]
    assert len(dates) == 8


def timezone_date(value):
    return value.astimezone(AMS).date()


def test_series_form_refuses_a_monthly_rule_without_which_weekday(client_for, branch, volunteer):
    data = group_form_data(branch, [volunteer], **{"series-0-kind": "monthly", "series-0-nth": ""})
    response = client_for("coordinator").post("/admin/intervision_group/new/", data)
    assert response.status_code in (200, 400)
    assert "Kies de hoeveelste weekdag van de maand." in response.content.decode()
    assert not IntervisionGroup.objects.filter(name="Donderdagavond").exists()


def test_group_of_another_branch_cannot_be_chosen_nor_its_volunteers(
    client_for, branch, other_branch, other_volunteer, volunteer
):
    data = group_form_data(other_branch, [volunteer])
    response = client_for("coordinator").post("/admin/intervision_group/new/", data)
    assert response.status_code in (200, 400)
    data = group_form_data(branch, [other_volunteer])
    response = client_for("coordinator").post("/admin/intervision_group/new/", data)
    assert response.status_code in (200, 400)
    assert not IntervisionGroup.objects.exists()


def test_members_must_belong_to_the_groups_branch_even_for_national_staff(
    client_for, branch, other_volunteer
):
    data = group_form_data(branch, [other_volunteer])
    response = client_for("staff").post("/admin/intervision_group/new/", data)
    assert "Alleen vrijwilligers van de afdeling" in response.content.decode()
    assert not IntervisionGroup.objects.exists()


def test_coordinator_moves_a_session_from_the_admin(client_for, session):
    data = {
        "date": "2027-01-13",
        "start_time": "10:00",
        "end_time": "12:00",
        "new_venue": "Bibliotheek",
    }
    response = client_for("coordinator").post(
        f"/admin/intervision_session/edit/{session.pk}/", data
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    session.refresh_from_db()
    assert session.moved and session.changed_by_hand and session.sequence == 1
    assert session.start.astimezone(AMS) == datetime.datetime(2027, 1, 13, 10, tzinfo=AMS)
    assert session.venue == "Bibliotheek"


def test_coordinator_cancels_a_session_with_a_reason(client_for, session):
    local = session.start.astimezone(AMS)
    base = {
        "date": local.date().isoformat(),
        "start_time": "09:30",
        "end_time": "11:30",
        "new_venue": session.venue,
        "cancel": "on",
    }
    client = client_for("coordinator")
    response = client.post(f"/admin/intervision_session/edit/{session.pk}/", base)
    assert "Vul in waarom de bijeenkomst niet doorgaat." in response.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    response = client.post(
        f"/admin/intervision_session/edit/{session.pk}/",
        base | {"cancel_reason_text": "De begeleider is ziek."},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED and not session.moved
    assert session.cancel_reason == "De begeleider is ziek."


def test_moving_into_the_past_is_refused_in_the_form(client_for, session):
    data = {"date": "2026-11-01", "start_time": "10:00", "end_time": "12:00", "new_venue": ""}
    response = client_for("coordinator").post(
        f"/admin/intervision_session/edit/{session.pk}/", data
    )
    assert "verleden" in response.content.decode()
    session.refresh_from_db()
    assert session.sequence == 0


def test_attendance_is_recorded_per_session(client_for, group, volunteer, branch):
    absent = VolunteerFactory(branch=branch)
    group.members.add(absent)
    group.save()
    held = IntervisionSession.objects.create(
        group=group,
        start=NOW - datetime.timedelta(days=7),
        end=NOW - datetime.timedelta(days=7) + datetime.timedelta(hours=2),
    )
    client = client_for("coordinator")
    url = f"/admin/intervision_session/attendance/{held.pk}/"
    assert escape(absent.full_name) in client.get(url).content.decode()
    response = client.post(url, {"present": [volunteer.pk]})
    assert response.status_code == 302
    assert dict(Attendance.objects.filter(session=held).values_list("volunteer_id", "present")) == {
        volunteer.pk: True,
        absent.pk: False,
    }


def test_attendance_refuses_strangers_junk_and_future_sessions(
    client_for, group, session, other_volunteer
):
    client = client_for("coordinator")
    held = IntervisionSession.objects.create(
        group=group, start=NOW - datetime.timedelta(hours=3), end=NOW - datetime.timedelta(hours=1)
    )
    url = f"/admin/intervision_session/attendance/{held.pk}/"
    assert client.post(url, {"present": [other_volunteer.pk]}).status_code == 400
    assert client.post(url, {"present": ["x"]}).status_code == 400
    future = f"/admin/intervision_session/attendance/{session.pk}/"
    response = client.post(future, {"present": []})
    assert response.status_code == 400
    assert "pas worden vastgelegd" in response.content.decode()
    assert not Attendance.objects.exists()


def test_another_branch_sees_no_group_session_or_note(client_for, group, session, coordinator):
    add_session_note(session=session, author=coordinator, text=NOTE, now=session.end)
    own = client_for("coordinator")
    assert "Dinsdaggroep" in own.get("/admin/intervision_group/").content.decode()
    assert "Dinsdaggroep" in own.get("/admin/intervision_session/").content.decode()
    client = client_for("other_coordinator")
    for url in (
        "/admin/intervision_group/",
        "/admin/intervision_session/",
        "/admin/intervision_group/?export=csv",
        "/admin/intervision_session/?export=csv",
        "/admin/intervision_session/?q=Dinsdag",
    ):
        response = client.get(url)
        assert response.status_code == 200
        body = b"".join(response).decode()
        assert "Dinsdaggroep" not in body and NOTE not in body
    for url in (
        f"/admin/intervision_group/edit/{group.pk}/",
        f"/admin/intervision_group/delete/{group.pk}/",
        f"/admin/intervision_session/edit/{session.pk}/",
        f"/admin/intervision_session/attendance/{session.pk}/",
        f"/admin/intervision_session/history/{session.pk}/",
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"present": [], "cancel": "on"}).status_code == 404, url
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    assert IntervisionGroup.objects.filter(pk=group.pk).exists()


def test_branch_coordinator_sees_the_notes_in_the_admin_national_staff_do_not(
    client_for, session, coordinator
):
    add_session_note(session=session, author=coordinator, text=NOTE, now=session.end)
    url = f"/admin/intervision_session/edit/{session.pk}/"
    assert NOTE in client_for("coordinator").get(url).content.decode()
    response = client_for("staff").get(url)
    assert response.status_code == 200
    assert NOTE not in response.content.decode()
