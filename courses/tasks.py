"""django-q2 entry points of courses. They take ids, load the committed rows and send
one kind of e-mail; the rules stay in `courses.services`."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from courses import services
from courses.calendar import course_calendar
from courses.models import (
    CourseEnrolment,
    CoursePage,
    CourseSession,
    EnrolmentStatus,
    SessionReminder,
)
from portal.emails import absolute_url, build_email

logger = logging.getLogger(__name__)

ICS_TYPE = "text/calendar; charset=utf-8; method=PUBLISH"


def _enrolment(enrolment_id: int) -> CourseEnrolment | None:
    return (
        CourseEnrolment.objects.select_related("volunteer__user", "offering__branch")
        .filter(pk=enrolment_id)
        .first()
    )


def _send(name: str, enrolment: CourseEnrolment, *, with_calendar: bool = False, **extra) -> None:
    course = enrolment.offering
    user = enrolment.volunteer.user
    if not user.email or not user.is_active:
        return
    context = {
        "course": course,
        "enrolment": enrolment,
        "name": user.first_name or user.get_full_name(),
        "course_url": absolute_url(course.url or "/"),
        "sessions": course.session_list,
        **extra,
    }
    message = build_email(name, context, to=[user.email], language=settings.LANGUAGE_CODE)
    if with_calendar:
        ics = course_calendar(course, now=timezone.now(), base_url=absolute_url(""))
        message.attach(f"{course.slug}.ics", ics, ICS_TYPE)
    message.send()
    logger.info("course %s: %s sent for enrolment %s", course.pk, name, enrolment.pk)


def send_enrolment_confirmation(enrolment_id: int) -> None:
    enrolment = _enrolment(enrolment_id)
    if enrolment is not None and enrolment.is_enrolled:
        _send("course_enrolled", enrolment, with_calendar=True)


def send_waitlist_notice(enrolment_id: int) -> None:
    enrolment = _enrolment(enrolment_id)
    if enrolment is not None and enrolment.is_waitlisted:
        _send("course_waitlisted", enrolment, position=enrolment.waitlist_position())


def send_promotion_notice(enrolment_id: int) -> None:
    enrolment = _enrolment(enrolment_id)
    if enrolment is not None and enrolment.is_enrolled:
        _send("course_promoted", enrolment, with_calendar=True)


def send_enrolment_cancelled(enrolment_id: int) -> None:
    enrolment = _enrolment(enrolment_id)
    if enrolment is not None and enrolment.is_cancelled:
        by_self = enrolment.cancelled_by_id == enrolment.volunteer.user_id
        _send("course_enrolment_cancelled", enrolment, by_self=by_self)


def send_course_cancelled(course_id: int) -> None:
    """Everyone enrolled or waitlisted hears that the whole course is off."""
    course = CoursePage.objects.filter(pk=course_id).first()
    if course is None or not course.is_cancelled:
        return
    for enrolment in course.enrolments.active().select_related("volunteer__user", "offering"):
        _send(
            "course_cancelled",
            enrolment,
            with_calendar=enrolment.status == EnrolmentStatus.ENROLLED,
        )


def send_session_cancelled(session_id: int) -> None:
    """Everyone enrolled hears that one session is off, with the updated calendar."""
    session = CourseSession.objects.select_related("course").filter(pk=session_id).first()
    if session is None or not session.is_cancelled:
        return
    for enrolment in session.course.enrolments.enrolled().select_related("volunteer__user"):
        _send("course_session_cancelled", enrolment, with_calendar=True, session=session)


def send_session_reminders() -> int:
    """Scheduled hourly: remind every participant of tomorrow's sessions, once each."""
    sent = 0
    for session_id, enrolment_id in services.due_reminders(now=timezone.now()):
        sent += send_session_reminder(session_id, enrolment_id)
    return sent


def send_session_reminder(session_id: int, enrolment_id: int) -> bool:
    """Send one reminder at most once: the ledger row and the e-mail share a transaction.

    A second run (a retried task, a restarted cluster, two clusters) finds the row and
    sends nothing; a failed send rolls the row back so a later run tries again.
    """
    session = CourseSession.objects.filter(pk=session_id).first()
    enrolment = _enrolment(enrolment_id)
    if session is None or enrolment is None or not enrolment.is_enrolled:
        return False
    with transaction.atomic():
        try:
            with transaction.atomic():
                SessionReminder.objects.create(session=session, enrolment=enrolment)
        except IntegrityError:
            return False
        _send("course_reminder", enrolment, session=session)
    return True
