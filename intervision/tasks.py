"""django-q2 entry points of intervision. They take ids and read the committed rows."""

from __future__ import annotations

import logging

from django.urls import reverse
from django.utils import timezone

from intervision import services
from intervision.models import IntervisionSession
from portal.emails import absolute_url, build_email
from portal.models import Volunteer

logger = logging.getLogger(__name__)


def _session_and_member(session_id: int, volunteer_id: int):
    session = IntervisionSession.objects.select_related("group").filter(pk=session_id).first()
    volunteer = Volunteer.objects.select_related("user").filter(pk=volunteer_id).first()
    if session is None or volunteer is None:
        return None, None
    if not session.group.members.filter(pk=volunteer_id).exists() or not volunteer.user.is_active:
        return None, None
    return session, volunteer


def _links(session, volunteer) -> dict:
    token = services.rsvp_token(session_id=session.pk, volunteer_id=volunteer.pk)
    answer_url = absolute_url(reverse("intervision:answer_by_link", args=[token]))
    return {
        "answer_url": answer_url,
        "yes_url": f"{answer_url}?antwoord=yes",
        "no_url": f"{answer_url}?antwoord=no",
        "agenda_url": absolute_url(reverse("portal:agenda")),
        "start": timezone.localtime(session.start),
        "end": timezone.localtime(session.end),
    }


def send_invitation(session_id: int, volunteer_id: int) -> None:
    session, volunteer = _session_and_member(session_id, volunteer_id)
    if session is None or session.is_cancelled or session.is_past:
        return
    context = {"session": session, "volunteer": volunteer, **_links(session, volunteer)}
    build_email("intervision_invitation", context, to=[volunteer.email]).send()
    logger.info("intervision invitation sent: session %s volunteer %s", session_id, volunteer_id)


def send_session_change(session_id: int, volunteer_id: int) -> None:
    session, volunteer = _session_and_member(session_id, volunteer_id)
    if session is None or session.is_past:
        return
    context = {"session": session, "volunteer": volunteer, **_links(session, volunteer)}
    build_email("intervision_session_changed", context, to=[volunteer.email]).send()


def invite_upcoming_sessions() -> int:
    """Daily, by the schedule made in migration 0002."""
    return services.invite_upcoming_sessions()


def extend_all_series() -> int:
    """Daily, by the schedule made in migration 0002."""
    return services.extend_all_series()


# --- Theme meetings: the enrolment engine queues these with an enrolment id ---------


def _theme_notice(enrolment_id: int, event: str, *, when=None) -> None:
    from intervision.models import ThemeMeetingEnrolment

    enrolment = (
        ThemeMeetingEnrolment.objects.select_related("offering", "volunteer__user")
        .filter(pk=enrolment_id)
        .first()
    )
    if enrolment is None or (when is not None and not when(enrolment)):
        return
    user = enrolment.volunteer.user
    if not user.email or not user.is_active:
        return
    meeting = enrolment.offering
    context = {
        "event": event,
        "meeting": meeting,
        "name": user.first_name or user.email,
        "start": timezone.localtime(meeting.starts_at),
        "end": timezone.localtime(meeting.ends_at),
        "position": enrolment.waitlist_position(),
        "meeting_url": absolute_url(reverse("intervision:theme_meeting", args=[meeting.pk])),
        "agenda_url": absolute_url(reverse("portal:agenda")),
    }
    build_email("theme_meeting_notice", context, to=[user.email]).send()
    logger.info("theme meeting %s: %s sent for enrolment %s", meeting.pk, event, enrolment_id)


def send_theme_meeting_enrolled(enrolment_id: int) -> None:
    _theme_notice(enrolment_id, "enrolled", when=lambda e: e.is_enrolled)


def send_theme_meeting_waitlisted(enrolment_id: int) -> None:
    _theme_notice(enrolment_id, "waitlisted", when=lambda e: e.is_waitlisted)


def send_theme_meeting_promoted(enrolment_id: int) -> None:
    _theme_notice(enrolment_id, "promoted", when=lambda e: e.is_enrolled)


def send_theme_meeting_enrolment_cancelled(enrolment_id: int) -> None:
    _theme_notice(enrolment_id, "enrolment_cancelled", when=lambda e: e.is_cancelled)


def send_theme_meeting_cancelled(meeting_id: int) -> None:
    """The whole meeting is off: everyone enrolled or on the waitlist hears it."""
    from intervision.models import ThemeMeetingEnrolment

    for enrolment_id in ThemeMeetingEnrolment.objects.filter(
        offering_id=meeting_id, status__in=["enrolled", "waitlisted"]
    ).values_list("pk", flat=True):
        _theme_notice(enrolment_id, "meeting_cancelled")
