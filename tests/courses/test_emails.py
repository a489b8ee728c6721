"""Course e-mails through the tasks, over a real SMTP server; reminders once each, also
through a real django-q2 cluster that restarts."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import Schedule, Success
from django_q.scheduler import scheduler
from icalendar import Calendar

from courses import services, tasks
from courses.models import SessionReminder
from tests.courses.factories import make_course
from tests.portal.factories import VolunteerFactory
from tests.services import wait_until

REMINDER_SCHEDULE = "courses: reminders the day before each session"


def calendar_of(message) -> Calendar:
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return Calendar.from_ical(parts[0].get_content())


def body_of(message) -> str:
    return " ".join(message.get_body(("plain",)).get_content().split())


@pytest.mark.django_db
def test_confirmation_carries_every_session_as_ics(
    smtp_server, course, volunteer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.enrol_volunteer(offering=course, volunteer=volunteer)
    [received] = smtp_server.messages_to(volunteer.email)
    message = received.message
    assert message["Subject"] == f"Je bent ingeschreven voor {course.title}"
    assert "Beste Anouk," in body_of(message)
    events = calendar_of(message).walk("VEVENT")
    assert sorted(str(e["UID"]) for e in events) == sorted(s.uid for s in course.sessions.all())


@pytest.mark.django_db
def test_waitlist_promotion_and_cancellation_mails(
    smtp_server, branch, coordinator, django_capture_on_commit_callbacks
):
    course = make_course(branch, capacity=1)
    first, second = VolunteerFactory(branch=branch), VolunteerFactory(branch=branch)
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = services.enrol_volunteer(offering=course, volunteer=first)
        services.enrol_volunteer(offering=course, volunteer=second)
    [waitlisted] = smtp_server.messages_to(second.email)
    assert "op de wachtlijst, op plaats 1" in body_of(waitlisted.message)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_enrolment(enrolment=enrolment, by=coordinator)
    [cancelled] = smtp_server.messages_to(first.email)[1:]
    assert "Je coördinator heeft je afgemeld" in body_of(cancelled.message)
    promoted = smtp_server.messages_to(second.email)[1].message
    assert promoted["Subject"].startswith("Er is een plaats voor je vrijgekomen")
    assert len(calendar_of(promoted).walk("VEVENT")) == 6


@pytest.mark.django_db
def test_course_cancellation_reaches_enrolled_and_waitlisted_only(
    smtp_server, branch, django_capture_on_commit_callbacks
):
    course = make_course(branch, capacity=1)
    people = [VolunteerFactory(branch=branch) for _ in range(3)]
    enrolments = [services.enrol_volunteer(offering=course, volunteer=v) for v in people]
    services.cancel_enrolment(enrolment=enrolments[2], by=people[2].user)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_course(course=course, by=None, reason="De trainer is ziek.")
    assert [len(smtp_server.messages_to(v.email)) for v in people] == [1, 1, 0]
    message = smtp_server.messages_to(people[0].email)[0].message
    assert "gaat helaas niet door" in body_of(message) and "De trainer is ziek." in body_of(message)
    assert {str(e["STATUS"]) for e in calendar_of(message).walk("VEVENT")} == {"CANCELLED"}


@pytest.mark.django_db
def test_session_cancellation_mail_updates_the_calendar(
    smtp_server, course, volunteer, django_capture_on_commit_callbacks
):
    services.enrol_volunteer(offering=course, volunteer=volunteer)
    session = course.sessions.order_by("date")[0]
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_session(session=session, by=None)
    [received] = smtp_server.messages_to(volunteer.email)
    assert "gaat niet door" in received.message["Subject"]
    status = {str(e["UID"]): str(e["STATUS"]) for e in calendar_of(received.message).walk("VEVENT")}
    assert status[session.uid] == "CANCELLED"
    assert list(status.values()).count("CONFIRMED") == 5


@pytest.mark.django_db
def test_reminders_go_out_once_the_day_before_from_ten(smtp_server, branch):
    session_day = datetime.date(2026, 3, 20)
    with time_machine.travel(datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)):
        course = make_course(branch, first_date=session_day, capacity=1)
        cancelled = make_course(branch, first_date=session_day, kind="training", title="Weg")
        enrolled, waiting = VolunteerFactory(branch=branch), VolunteerFactory(branch=branch)
        services.enrol_volunteer(offering=course, volunteer=enrolled)
        services.enrol_volunteer(offering=course, volunteer=waiting)
        services.enrol_volunteer(offering=cancelled, volunteer=VolunteerFactory(branch=branch))
        services.cancel_course(course=cancelled, by=None)
    early = timezone.make_aware(datetime.datetime(2026, 3, 19, 9, 59))
    assert services.due_reminders(now=early) == []
    with time_machine.travel(
        timezone.make_aware(datetime.datetime(2026, 3, 19, 10, 0)), tick=False
    ):
        assert tasks.send_session_reminders() == 1
        assert tasks.send_session_reminders() == 0
    [received] = smtp_server.messages_to(enrolled.email)
    assert received.message["Subject"] == f"Herinnering: morgen {course.title}"
    assert "van 09:30 tot 12:30" in body_of(received.message)
    assert smtp_server.messages_to(waiting.email) == []
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_reminder_that_could_not_be_sent_is_tried_again(smtp_server, course, volunteer):
    services.enrol_volunteer(offering=course, volunteer=volunteer)
    session = course.sessions.order_by("date")[0]
    enrolment = course.enrolments.get()
    smtp_server.defer_recipients.add(volunteer.email)
    with pytest.raises(Exception, match="Try again later"):
        tasks.send_session_reminder(session.pk, enrolment.pk)
    assert not SessionReminder.objects.exists()
    smtp_server.defer_recipients.clear()
    assert tasks.send_session_reminder(session.pk, enrolment.pk) is True
    assert tasks.send_session_reminder(session.pk, enrolment.pk) is False
    assert len(smtp_server.messages_to(volunteer.email)) == 1


@pytest.mark.django_db
def test_reminder_schedule_is_created_by_the_migration():
    schedule = Schedule.objects.get(name=REMINDER_SCHEDULE)
    assert schedule.func == "courses.tasks.send_session_reminders"
    assert schedule.schedule_type == Schedule.HOURLY and schedule.repeats == -1


@pytest.mark.cluster
@pytest.mark.django_db(transaction=True)
def test_reminders_through_the_cluster_are_sent_once_across_a_restart(
    q_cluster, smtp_server, branch
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    course = make_course(branch, first_date=tomorrow, sessions=1)
    people = [VolunteerFactory(branch=branch) for _ in range(3)]
    for volunteer in people:
        services.enrol_volunteer(offering=course, volunteer=volunteer)
    schedule = Schedule.objects.get(name=REMINDER_SCHEDULE)

    def run_schedule_now():
        # What the cluster's guard does every 30 s, done now: due schedules become tasks
        # on the broker, which the cluster's workers pick up.
        Schedule.objects.filter(pk=schedule.pk).update(
            next_run=timezone.now() - datetime.timedelta(seconds=1)
        )
        scheduler(broker=get_broker())

    def runs() -> int:
        return Success.objects.filter(func="courses.tasks.send_session_reminders").count()

    def reminders() -> dict[str, int]:
        counts: dict[str, int] = {}
        for received in smtp_server.messages:
            if received.message["Subject"].startswith("Herinnering"):
                for rcpt in received.rcpt_tos:
                    counts[rcpt] = counts.get(rcpt, 0) + 1
        return counts

    env = {"TEST_EMAIL_URL": smtp_server.url, "COURSES_REMINDER_HOUR": "0"}
    cluster = q_cluster(**env)
    run_schedule_now()
    assert wait_until(lambda: runs() == 1, timeout=60), cluster.output()
    assert reminders() == {v.email: 1 for v in people}
    cluster.kill()  # a crash; the next hourly run comes from a new cluster

    cluster = q_cluster(**env)
    run_schedule_now()
    assert wait_until(lambda: runs() == 2, timeout=60), cluster.output()
    results = Success.objects.filter(func="courses.tasks.send_session_reminders")
    assert sorted(results.values_list("result", flat=True)) == [0, 3]
    assert reminders() == {v.email: 1 for v in people}
    assert SessionReminder.objects.count() == 3
