"""Course rules, and the generic enrolment engine every part with places uses.

The enrolment engine (`enrol_volunteer`, `cancel_enrolment`, `promote_from_waitlist`,
`cancel_offering`, `change_capacity`, `check_capacity`) works on any concrete pair of
`courses.models.enrolment.Offering` / `Enrolment` (see that module's docstring for how
to subclass them). Every operation:

- runs in one transaction and first locks the offering's row (`select_for_update`), so
  capacity and waitlist order hold with many web workers on PostgreSQL;
- raises `portal.errors.ServiceError` with a Dutch message before writing anything;
- asks the offering for kind-specific refusals (`Offering.enrolment_refusal`);
- queues the offering's e-mail tasks (`Offering.notification_tasks`) on commit, with
  the enrolment's id (or the offering's for "offering_cancelled").

The course rules below it (sessions, attendance, make-up, completion) are about
`CoursePage` only.
"""

from __future__ import annotations

import datetime
import logging
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models.enrolment import Enrolment, EnrolmentStatus, Offering
from portal.agenda.cache import agenda_changed
from portal.errors import ServiceError
from portal.models import User, Volunteer, VolunteerStatus
from portal.queue import enqueue_on_commit

logger = logging.getLogger(__name__)

O = TypeVar("O", bound=Offering)  # noqa: E741

MSG_ALREADY_ENROLLED = _("Je bent al ingeschreven.")
MSG_ALREADY_WAITLISTED = _("Je staat al op de wachtlijst.")
MSG_OFFERING_CANCELLED = _("Deze bijeenkomst is geannuleerd; aanmelden kan niet meer.")
MSG_OFFERING_PAST = _("Deze bijeenkomst is al voorbij.")
MSG_OFFERING_STARTED = _("Deze bijeenkomst is al begonnen; aanmelden kan niet meer.")
MSG_SIGNUP_NOT_OPEN = _("Aanmelden kan vanaf %(date)s.")
MSG_SIGNUP_CLOSED = _("De aanmeldtermijn is voorbij.")
MSG_VOLUNTEER_STOPPED = _(
    "Je staat als gestopt geregistreerd. Neem contact op met je coördinator als je weer mee "
    "wilt doen."
)
MSG_ENROLMENT_ALREADY_CANCELLED = _("Deze aanmelding is al afgemeld.")
MSG_CANCEL_AFTER_START = _(
    "De bijeenkomst is al begonnen; afmelden kan nu alleen via je coördinator."
)
MSG_OFFERING_ALREADY_CANCELLED = _("Deze bijeenkomst is al geannuleerd.")
MSG_CAPACITY_BELOW_ENROLLED = _(
    "Er zijn al %(enrolled)s deelnemers ingeschreven; het aantal plaatsen kan niet lager "
    "worden dan dat. Meld eerst deelnemers af."
)
MSG_CAPACITY_TOO_LOW = _("Er moet minstens één plaats zijn.")


# The enrolment engine ------------------------------------------------------------------


def _lock(offering: O) -> O:
    """The offering's row, locked until the transaction ends."""
    return type(offering)._default_manager.select_for_update().get(pk=offering.pk)


def _notify(offering: Offering, event: str, object_id: int) -> None:
    # Every change worth an e-mail also changes someone's agenda and calendar feed.
    agenda_changed()
    task = offering.notification_tasks.get(event)
    if task:
        enqueue_on_commit(task, object_id)


def _local_date(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y")


def enrolment_refusal(
    *,
    offering: Offering,
    volunteer: Volunteer,
    now: datetime.datetime | None = None,
    by_coordinator: bool = False,
) -> ServiceError | None:
    """Why this volunteer may not sign up for this offering now, or None. Read only.

    `by_coordinator`: a coordinator adds the volunteer by hand; the sign-up period and
    a start already past do not bind them (a late joiner makes up what they missed),
    every other rule does."""
    now = now or timezone.now()
    existing = offering.enrolments.filter(volunteer=volunteer).first()
    if existing is not None and existing.is_enrolled:
        return ServiceError(MSG_ALREADY_ENROLLED, code="already_enrolled")
    if existing is not None and existing.is_waitlisted:
        return ServiceError(MSG_ALREADY_WAITLISTED, code="already_waitlisted")
    if offering.is_cancelled:
        return ServiceError(MSG_OFFERING_CANCELLED, code="offering_cancelled")
    ends, starts = offering.offering_ends_at(), offering.offering_starts_at()
    if ends is not None and ends <= now:
        return ServiceError(MSG_OFFERING_PAST, code="offering_past")
    if not by_coordinator:
        if starts is not None and starts <= now:
            return ServiceError(MSG_OFFERING_STARTED, code="offering_started")
        opens, closes = offering.signup_opens_at(), offering.signup_closes_at()
        if opens is not None and now < opens:
            return ServiceError(
                MSG_SIGNUP_NOT_OPEN % {"date": _local_date(opens)}, code="signup_not_open"
            )
        if closes is not None and now >= closes:
            return ServiceError(MSG_SIGNUP_CLOSED, code="signup_closed")
    if volunteer.status == VolunteerStatus.STOPPED:
        return ServiceError(MSG_VOLUNTEER_STOPPED, code="volunteer_stopped")
    return offering.enrolment_refusal(volunteer=volunteer, now=now)


@transaction.atomic
def enrol_volunteer(
    *,
    offering: Offering,
    volunteer: Volunteer,
    now: datetime.datetime | None = None,
    by_coordinator: bool = False,
) -> Enrolment:
    """Give the volunteer a place, or the next place on the waitlist when it is full.

    `by_coordinator`: added by hand in the admin (see `enrolment_refusal`)."""
    offering = _lock(offering)
    # Taken after the lock, so timestamps follow the order in which places were given.
    now = now or timezone.now()
    refusal = enrolment_refusal(
        offering=offering, volunteer=volunteer, now=now, by_coordinator=by_coordinator
    )
    if refusal is not None:
        raise refusal
    enrolments = offering.enrolments
    enrolment = enrolments.filter(volunteer=volunteer).first() or enrolments.model(
        offering=offering, volunteer=volunteer, created_at=now
    )
    enrolment.cancelled_at, enrolment.cancelled_by, enrolment.promoted_at = None, None, None
    if enrolments.enrolled().count() < offering.capacity:
        enrolment.status, enrolment.enrolled_at = EnrolmentStatus.ENROLLED, now
        enrolment.waitlist_number, enrolment.waitlisted_at = None, None
        event = "enrolled"
    else:
        last = enrolments.waitlisted().aggregate(last=Max("waitlist_number"))["last"] or 0
        enrolment.status, enrolment.waitlisted_at = EnrolmentStatus.WAITLISTED, now
        enrolment.waitlist_number, enrolment.enrolled_at = last + 1, None
        event = "waitlisted"
    enrolment.save()
    _notify(offering, event, enrolment.pk)
    logger.info("offering %s: volunteer %s %s", offering.pk, volunteer.pk, enrolment.status)
    return enrolment


@transaction.atomic
def cancel_enrolment(
    *, enrolment: Enrolment, by: User | None, now: datetime.datetime | None = None
) -> Enrolment:
    """Cancel a place or a waitlist spot; a freed place goes to the first on the waitlist.

    A volunteer cancels their own place until the offering starts; a coordinator (`by`
    someone else, or None for the system) at any time.
    """
    now = now or timezone.now()
    offering = _lock(enrolment.offering)
    locked = type(enrolment).objects.select_for_update().get(pk=enrolment.pk)
    if locked.is_cancelled:
        raise ServiceError(MSG_ENROLMENT_ALREADY_CANCELLED, code="enrolment_already_cancelled")
    by_self = by is not None and by.pk == locked.volunteer.user_id
    starts = offering.offering_starts_at()
    if by_self and starts is not None and starts <= now:
        raise ServiceError(MSG_CANCEL_AFTER_START, code="cancel_after_start")
    freed_a_place = locked.is_enrolled
    locked.status, locked.waitlist_number = EnrolmentStatus.CANCELLED, None
    locked.cancelled_at, locked.cancelled_by = now, by
    locked.save()
    _notify(offering, "cancelled", locked.pk)
    if freed_a_place:
        promote_from_waitlist(offering=offering, now=now)
    enrolment.refresh_from_db()
    return enrolment


@transaction.atomic
def promote_from_waitlist(
    *, offering: Offering, now: datetime.datetime | None = None
) -> list[Enrolment]:
    """Fill free places from the front of the waitlist; tell each promoted volunteer.

    Nobody is promoted onto a cancelled offering or one that has already started.
    """
    now = now or timezone.now()
    offering = _lock(offering)
    starts = offering.offering_starts_at()
    if offering.is_cancelled or (starts is not None and starts <= now):
        return []
    free = offering.capacity - offering.enrolments.enrolled().count()
    if free <= 0:
        return []
    promoted = list(offering.enrolments.waitlisted()[:free])
    for enrolment in promoted:
        enrolment.status, enrolment.waitlist_number = EnrolmentStatus.ENROLLED, None
        enrolment.enrolled_at = enrolment.promoted_at = now
        enrolment.save()
        _notify(offering, "promoted", enrolment.pk)
        logger.info("offering %s: volunteer %s promoted", offering.pk, enrolment.volunteer_id)
    return promoted


@transaction.atomic
def cancel_offering(
    *, offering: O, by: User | None, reason: str = "", now: datetime.datetime | None = None
) -> O:
    """Cancel the whole offering; everyone enrolled or waitlisted is told.

    Enrolments keep their status, so the list of who was expected stays readable.
    """
    now = now or timezone.now()
    locked = _lock(offering)
    if locked.is_cancelled:
        raise ServiceError(MSG_OFFERING_ALREADY_CANCELLED, code="offering_already_cancelled")
    type(locked)._default_manager.filter(pk=locked.pk).update(
        cancelled_at=now, cancellation_reason=reason.strip()
    )
    _notify(locked, "offering_cancelled", locked.pk)
    logger.info("offering %s cancelled by user %s", locked.pk, getattr(by, "pk", None))
    offering.refresh_from_db()
    return offering


def check_capacity(*, offering: Offering, capacity: int | None) -> None:
    """Raise ServiceError if the offering cannot have this many places. Read only."""
    if capacity is None or capacity < 1:
        raise ServiceError(MSG_CAPACITY_TOO_LOW, code="capacity_too_low", field="capacity")
    if offering.pk is None:
        return
    enrolled = offering.enrolments.enrolled().count()
    if capacity < enrolled:
        raise ServiceError(
            MSG_CAPACITY_BELOW_ENROLLED % {"enrolled": enrolled},
            code="capacity_below_enrolled",
            field="capacity",
        )


@transaction.atomic
def change_capacity(*, offering: O, capacity: int, now: datetime.datetime | None = None) -> O:
    """Set the number of places; never below the number enrolled. More places promote
    from the waitlist at once.

    For an offering that is a Wagtail page the editor sets `capacity`; the page's
    `clean()` calls `check_capacity` and publishing calls `promote_from_waitlist`.
    """
    locked = _lock(offering)
    check_capacity(offering=locked, capacity=capacity)
    type(locked)._default_manager.filter(pk=locked.pk).update(capacity=capacity)
    promote_from_waitlist(offering=locked, now=now)
    offering.refresh_from_db()
    return offering


# Courses: sessions, reminders, attendance, make-up, completion ---------------------------

MSG_SESSION_ALREADY_CANCELLED = _("Deze bijeenkomst is al geannuleerd.")
MSG_SESSION_PAST = _("Een bijeenkomst die al geweest is kan niet meer worden geannuleerd.")
MSG_COURSE_CANCELLED = _("De hele cursus is geannuleerd.")
MSG_NOT_A_PARTICIPANT = _("%(name)s is geen deelnemer van deze cursus.")
MSG_SESSION_OF_OTHER_COURSE = _("Deze bijeenkomst hoort niet bij deze cursus.")
MSG_SESSION_CANCELLED = _("Deze bijeenkomst is geannuleerd; er is geen aanwezigheid te noteren.")
MSG_SESSION_IN_FUTURE = _("Aanwezigheid noteer je vanaf de dag van de bijeenkomst.")
MSG_UNKNOWN_ATTENDANCE = _("Kies aanwezig, afwezig of afgemeld.")
MSG_MAKE_UP_NOT_MISSED = _("Alleen een gemiste bijeenkomst kan worden ingehaald.")
MSG_MAKE_UP_SAME_COURSE = _("Inhalen gebeurt bij een bijeenkomst van een andere cursus.")
MSG_MAKE_UP_OTHER_TOPIC = _(
    "De inhaalbijeenkomst moet over hetzelfde onderwerp gaan („%(topic)s”)."
)
MSG_MAKE_UP_CANCELLED = _("De gekozen inhaalbijeenkomst is geannuleerd.")
MSG_MAKE_UP_IN_FUTURE = _("Een inhaalbijeenkomst noteer je vanaf de dag dat ze plaatsvindt.")


def _lock_course(course_id: int):
    from courses.models import CoursePage

    return CoursePage.objects.select_for_update().get(pk=course_id)


@transaction.atomic
def cancel_session(*, session, by: User | None, now: datetime.datetime | None = None):
    """Cancel one session; every participant is told, with the updated calendar.

    Attendance is no longer expected for it, so completion is worked out again.
    """
    from courses.models import CourseSession

    now = now or timezone.now()
    course = _lock_course(session.course_id)
    locked = CourseSession.objects.get(pk=session.pk)
    if course.is_cancelled:
        raise ServiceError(MSG_COURSE_CANCELLED, code="course_cancelled")
    if locked.is_cancelled:
        raise ServiceError(MSG_SESSION_ALREADY_CANCELLED, code="session_already_cancelled")
    if locked.ends_at <= now:
        raise ServiceError(MSG_SESSION_PAST, code="session_past")
    CourseSession.objects.filter(pk=locked.pk).update(
        cancelled_at=now, sequence=locked.sequence + 1, changed_at=now
    )
    enqueue_on_commit("courses.tasks.send_session_cancelled", locked.pk)
    agenda_changed()
    for enrolment in course.enrolments.enrolled():
        update_completion(enrolment=enrolment)
    logger.info("course session %s cancelled by user %s", locked.pk, getattr(by, "pk", None))
    session.refresh_from_db()
    return session


@transaction.atomic
def cancel_course(*, course, by: User | None, reason: str = "", now=None):
    """Cancel the whole course: every session goes out as cancelled in calendars."""
    from courses.models import CourseSession

    now = now or timezone.now()
    cancel_offering(offering=course, by=by, reason=reason, now=now)
    CourseSession.objects.filter(course_id=course.pk).update(
        sequence=F("sequence") + 1, changed_at=now
    )
    course.refresh_from_db()
    return course


def due_reminders(*, now: datetime.datetime) -> list[tuple[int, int]]:
    """(session id, enrolment id) of every reminder that should go out now and has not.

    Reminders are for tomorrow's sessions (Europe/Amsterdam), from
    settings.COURSES_REMINDER_HOUR on, for participants enrolled on live, not cancelled
    courses.
    """
    from courses.models import CourseEnrolment, CourseSession, SessionReminder

    local = timezone.localtime(now)
    if local.hour < settings.COURSES_REMINDER_HOUR:
        return []
    tomorrow = local.date() + datetime.timedelta(days=1)
    sessions = CourseSession.objects.filter(
        date=tomorrow,
        cancelled_at__isnull=True,
        course__live=True,
        course__cancelled_at__isnull=True,
    ).values_list("pk", "course_id")
    course_of = dict(sessions)
    if not course_of:
        return []
    sent = set(
        SessionReminder.objects.filter(session_id__in=course_of).values_list(
            "session_id", "enrolment_id"
        )
    )
    enrolments = CourseEnrolment.objects.enrolled().filter(offering_id__in=set(course_of.values()))
    by_course: dict[int, list[int]] = {}
    for enrolment_id, course_id in enrolments.values_list("pk", "offering_id"):
        by_course.setdefault(course_id, []).append(enrolment_id)
    return [
        (session_id, enrolment_id)
        for session_id, course_id in sorted(course_of.items())
        for enrolment_id in by_course.get(course_id, [])
        if (session_id, enrolment_id) not in sent
    ]


def _attendance_refusal(*, enrolment, session, now) -> ServiceError | None:
    if session.course_id != enrolment.offering_id:
        return ServiceError(MSG_SESSION_OF_OTHER_COURSE, code="session_of_other_course")
    if not enrolment.is_enrolled:
        return ServiceError(
            MSG_NOT_A_PARTICIPANT % {"name": enrolment.volunteer.full_name},
            code="not_a_participant",
        )
    if session.is_cancelled:
        return ServiceError(MSG_SESSION_CANCELLED, code="session_cancelled")
    if session.date > timezone.localdate(now):
        return ServiceError(MSG_SESSION_IN_FUTURE, code="session_in_future")
    return None


@transaction.atomic
def record_attendance(
    *,
    course,
    marks: dict[tuple[int, int], str],
    by: User | None,
    now: datetime.datetime | None = None,
) -> int:
    """Save the attendance grid of one course: {(enrolment id, session id): status}.

    An empty status removes the mark. Every mark is checked before anything is written;
    completion is worked out again for each participant touched. Returns the number of
    marks changed.
    """
    from courses.models import Attendance, AttendanceStatus, CourseEnrolment, CourseSession

    now = now or timezone.now()
    course = _lock_course(course.pk)
    enrolments = {
        e.pk: e
        for e in CourseEnrolment.objects.filter(offering=course).select_related("volunteer__user")
    }
    sessions = {s.pk: s for s in CourseSession.objects.filter(course=course)}
    existing = {
        (a.enrolment_id, a.session_id): a
        for a in Attendance.objects.filter(enrolment__offering=course)
    }
    for (enrolment_id, session_id), status in marks.items():
        enrolment, session = enrolments.get(enrolment_id), sessions.get(session_id)
        if enrolment is None or session is None:
            raise ServiceError(MSG_SESSION_OF_OTHER_COURSE, code="session_of_other_course")
        if status and status not in AttendanceStatus.values:
            raise ServiceError(MSG_UNKNOWN_ATTENDANCE, code="unknown_attendance")
        current = existing.get((enrolment_id, session_id))
        if (current.status if current else "") == status:
            continue
        refusal = _attendance_refusal(enrolment=enrolment, session=session, now=now)
        if refusal is not None:
            raise refusal
    changed: set[int] = set()
    for (enrolment_id, session_id), status in marks.items():
        current = existing.get((enrolment_id, session_id))
        if (current.status if current else "") == status:
            continue
        if not status:
            current.delete()
        elif current is None:
            Attendance.objects.create(
                enrolment_id=enrolment_id,
                session_id=session_id,
                status=status,
                recorded_at=now,
                recorded_by=by,
            )
        else:
            current.status, current.recorded_at, current.recorded_by = status, now, by
            if status == AttendanceStatus.PRESENT:
                current.made_up_in = None
            current.save()
        changed.add(enrolment_id)
    for enrolment_id in changed:
        update_completion(enrolment=enrolments[enrolment_id])
    return len(changed)


def make_up_options(*, session, now: datetime.datetime | None = None):
    """Sessions of other courses with the same topic, not cancelled, up to today."""
    from courses.models import CourseSession

    now = now or timezone.now()
    candidates = (
        CourseSession.objects.filter(
            cancelled_at__isnull=True,
            course__cancelled_at__isnull=True,
            date__lte=timezone.localdate(now),
        )
        .exclude(course_id=session.course_id)
        .select_related("course")
        .order_by("-date")
    )
    return [c for c in candidates if c.normalised_topic == session.normalised_topic]


@transaction.atomic
def record_make_up(
    *,
    enrolment,
    session,
    make_up_session,
    by: User | None,
    now: datetime.datetime | None = None,
):
    """Note that a participant made up a missed `session` at `make_up_session`, a session
    with the same topic in another course. `make_up_session=None` removes it."""
    from courses.models import Attendance, AttendanceStatus

    now = now or timezone.now()
    _lock_course(enrolment.offering_id)
    refusal = _attendance_refusal(enrolment=enrolment, session=session, now=now)
    if refusal is not None:
        raise refusal
    attendance = Attendance.objects.filter(enrolment=enrolment, session=session).first()
    if attendance is None or attendance.status == AttendanceStatus.PRESENT:
        raise ServiceError(MSG_MAKE_UP_NOT_MISSED, code="make_up_not_missed")
    if make_up_session is not None:
        if make_up_session.course_id == session.course_id:
            raise ServiceError(MSG_MAKE_UP_SAME_COURSE, code="make_up_same_course")
        if make_up_session.normalised_topic != session.normalised_topic:
            raise ServiceError(
                MSG_MAKE_UP_OTHER_TOPIC % {"topic": session.topic}, code="make_up_other_topic"
            )
        if make_up_session.is_cancelled or make_up_session.course.is_cancelled:
            raise ServiceError(MSG_MAKE_UP_CANCELLED, code="make_up_cancelled")
        if make_up_session.date > timezone.localdate(now):
            raise ServiceError(MSG_MAKE_UP_IN_FUTURE, code="make_up_in_future")
    attendance.made_up_in = make_up_session
    attendance.recorded_at, attendance.recorded_by = now, by
    attendance.save()
    update_completion(enrolment=enrolment)
    return attendance


def completion_date(enrolment) -> datetime.date | None:
    """The day the last required session was attended or made up; None while any
    session of the course (not cancelled) is neither."""
    from courses.models import Attendance, CourseSession

    required = list(
        CourseSession.objects.filter(course_id=enrolment.offering_id, cancelled_at__isnull=True)
    )
    if not required:
        return None
    attendances = {
        a.session_id: a
        for a in Attendance.objects.filter(enrolment=enrolment).select_related("made_up_in")
    }
    days = []
    for session in required:
        attendance = attendances.get(session.pk)
        if attendance is None or not attendance.counts:
            return None
        days.append(attendance.made_up_in.date if attendance.made_up_in else session.date)
    return max(days)


@transaction.atomic
def update_completion(*, enrolment) -> bool:
    """Record (or withdraw) completion of the course; for an introduction course, also on
    the volunteer, which lets the activation rule pass. Returns whether it is complete."""
    from courses.models import CourseEnrolment, CourseKind
    from portal.services.volunteers import record_introduction_course_completed

    completed_on = completion_date(enrolment) if enrolment.is_enrolled else None
    previous = enrolment.completed_on
    if previous == completed_on:
        return completed_on is not None
    CourseEnrolment.objects.filter(pk=enrolment.pk).update(completed_on=completed_on)
    enrolment.completed_on = completed_on
    if enrolment.offering.kind == CourseKind.INTRODUCTION:
        volunteer = enrolment.volunteer
        recorded = volunteer.introduction_course_completed_on
        if completed_on is not None and (recorded is None or recorded > completed_on):
            record_introduction_course_completed(volunteer=volunteer, completed_on=completed_on)
        elif completed_on is None and recorded is not None and recorded == previous:
            # Withdraw only what this course recorded; another completed introduction
            # course (or a date a coordinator entered by hand) stays.
            other = (
                CourseEnrolment.objects.filter(
                    volunteer=volunteer,
                    offering__kind=CourseKind.INTRODUCTION,
                    completed_on__isnull=False,
                )
                .exclude(pk=enrolment.pk)
                .order_by("completed_on")
                .values_list("completed_on", flat=True)
                .first()
            )
            record_introduction_course_completed(volunteer=volunteer, completed_on=other)
    logger.info("course enrolment %s completed on %s", enrolment.pk, completed_on)
    return completed_on is not None
