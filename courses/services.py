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

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models.enrolment import Enrolment, EnrolmentStatus, Offering
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
    task = offering.notification_tasks.get(event)
    if task:
        enqueue_on_commit(task, object_id)


def _local_date(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y")


def enrolment_refusal(
    *, offering: Offering, volunteer: Volunteer, now: datetime.datetime | None = None
) -> ServiceError | None:
    """Why this volunteer may not sign up for this offering now, or None. Read only."""
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
    *, offering: Offering, volunteer: Volunteer, now: datetime.datetime | None = None
) -> Enrolment:
    """Give the volunteer a place, or the next place on the waitlist when it is full."""
    offering = _lock(offering)
    # Taken after the lock, so timestamps follow the order in which places were given.
    now = now or timezone.now()
    refusal = enrolment_refusal(offering=offering, volunteer=volunteer, now=now)
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
