"""Attendance: the rate on the volunteer's record, three missed sessions in a row, and
intervision's section of the coordinators' weekly digest."""

from __future__ import annotations

import datetime

import pytest
from django_q.models import Schedule

from intervision.models import IntervisionSession
from intervision.services import (
    attendance_summary,
    record_attendance,
    volunteers_missing_in_a_row,
)
from portal.services.digest import queue_weekly_digests
from portal.tasks import send_weekly_digest
from tests.intervision.conftest import NOW
from tests.intervision.factories import IntervisionGroupFactory
from tests.portal.factories import VolunteerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def held_sessions(group, count: int) -> list[IntervisionSession]:
    sessions = []
    for weeks_ago in range(count, 0, -1):
        start = NOW - datetime.timedelta(weeks=weeks_ago * 4)
        sessions.append(
            IntervisionSession.objects.create(
                group=group, start=start, end=start + datetime.timedelta(hours=2)
            )
        )
    return sessions


@pytest.fixture
def team(branch, volunteer):
    steady = VolunteerFactory(branch=branch, user__first_name="Sterre", user__last_name="Vast")
    absent = VolunteerFactory(branch=branch, user__first_name="Ayla", user__last_name="Weg")
    group = IntervisionGroupFactory(branch=branch, members=[volunteer, steady, absent])
    return group, volunteer, steady, absent


def test_attendance_rate_and_run_of_absences(team, coordinator):
    group, volunteer, steady, absent = team
    first, second, third, fourth = held_sessions(group, 4)
    record_attendance(
        session=first, present_ids=[volunteer.pk, steady.pk, absent.pk], by=coordinator
    )
    record_attendance(session=second, present_ids=[steady.pk], by=coordinator)
    record_attendance(session=third, present_ids=[steady.pk, volunteer.pk], by=coordinator)
    record_attendance(session=fourth, present_ids=[steady.pk], by=coordinator)
    summary = attendance_summary(volunteer)
    assert (summary.present, summary.recorded, summary.rate, summary.missed_in_a_row) == (
        2,
        4,
        50,
        1,
    )
    assert attendance_summary(absent).missed_in_a_row == 3
    assert attendance_summary(steady).rate == 100
    assert volunteers_missing_in_a_row(branch_ids=[group.branch_id]) == {group.branch_id: [absent]}


def test_recording_again_replaces_the_earlier_record(team, coordinator):
    group, volunteer, *_ = team
    (session,) = held_sessions(group, 1)
    record_attendance(session=session, present_ids=[], by=coordinator)
    record_attendance(session=session, present_ids=[volunteer.pk], by=coordinator)
    assert attendance_summary(volunteer).rate == 100


def test_cancelled_sessions_do_not_count(team, coordinator):
    group, volunteer, *_ = team
    sessions = held_sessions(group, 3)
    for session in sessions:
        record_attendance(session=session, present_ids=[], by=coordinator)
    IntervisionSession.objects.filter(pk=sessions[1].pk).update(status="cancelled")
    assert attendance_summary(volunteer).missed_in_a_row == 2
    assert volunteers_missing_in_a_row(branch_ids=[group.branch_id]) == {}


def test_rate_shows_on_the_volunteers_record_in_the_admin(client_for, team, coordinator):
    group, volunteer, steady, absent = team
    for session in held_sessions(group, 3):
        record_attendance(session=session, present_ids=[steady.pk, volunteer.pk], by=coordinator)
    client = client_for("coordinator")
    body = client.get(f"/admin/portal_volunteer/edit/{absent.pk}/").content.decode()
    assert "Aanwezigheid bij intervisie" in body
    assert "0% (0 van 3 bijeenkomsten)" in body
    assert "3 keer achter elkaar afwezig" in body
    body = client.get(f"/admin/portal_volunteer/edit/{volunteer.pk}/").content.decode()
    assert "100% (3 van 3 bijeenkomsten)" in body


def test_weekly_digest_schedule_exists_after_migrate():
    assert not Schedule.objects.filter(name__startswith="intervision: weekly digest").exists()
    schedule = Schedule.objects.get(func="portal.tasks.queue_weekly_digests")
    assert schedule.schedule_type == Schedule.WEEKLY and schedule.repeats == -1
    assert Schedule.objects.filter(func="intervision.tasks.invite_upcoming_sessions").exists()
    assert Schedule.objects.filter(func="intervision.tasks.extend_all_series").exists()


@pytest.mark.smtp
def test_weekly_digest_tells_the_branch_coordinators_over_smtp(
    smtp_server,
    team,
    coordinator,
    other_branch_coordinator,
    other_branch,
    django_capture_on_commit_callbacks,
):
    group, volunteer, steady, absent = team
    for session in held_sessions(group, 3):
        record_attendance(session=session, present_ids=[steady.pk, volunteer.pk], by=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        assert queue_weekly_digests() == 1
    (message,) = smtp_server.messages_to(coordinator.email)
    text = message.message.get_body(("plain",)).get_content()
    assert "Drie keer achter elkaar afwezig bij intervisie" in text
    assert "Ayla Weg" in text
    assert f"http://testserver/admin/portal_volunteer/edit/{absent.pk}/" in text
    assert "Sterre" not in text and "Anouk" not in text
    assert message.message["Subject"].endswith("je weekoverzicht")
    assert smtp_server.messages_to(other_branch_coordinator.email) == []


@pytest.mark.smtp
def test_no_digest_when_nobody_missed_three(smtp_server, team, coordinator):
    group = team[0]
    for session in held_sessions(group, 2):
        record_attendance(session=session, present_ids=[], by=coordinator)
    send_weekly_digest(group.branch_id)
    assert smtp_server.messages == []
