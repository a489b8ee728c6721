"""Intervision's share of the agenda: sessions of a volunteer's groups or of branches,
and theme meetings."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models.enrolment import EnrolmentStatus
from intervision.models import (
    IntervisionSession,
    Rsvp,
    RsvpAnswer,
    ThemeMeeting,
    ThemeMeetingEnrolment,
)
from portal.registry import AgendaItem, UpcomingEvent

UID_DOMAIN = "intervisie.home-start.nl"


def session_uid(session_id: int) -> str:
    return f"session-{session_id}@{UID_DOMAIN}"


def _status(session: IntervisionSession, answer: str | None, *, personal: bool):
    if session.is_cancelled:
        return "cancelled", _("Afgelast")
    if not personal:
        return "scheduled", _("Gepland")
    if answer == RsvpAnswer.YES:
        return "attending", _("Je hebt gezegd dat je komt")
    if answer == RsvpAnswer.NO:
        return "not_attending", _("Je hebt gezegd dat je niet komt")
    return "invited", _("Je bent uitgenodigd; laat weten of je komt")


def intervision_agenda(
    *,
    volunteer_id: int | None = None,
    branch_ids: list[int] | None = None,
    start: datetime.datetime,
    end: datetime.datetime,
) -> list[AgendaItem]:
    """Two queries whatever the number of sessions: the sessions, and the answers."""
    sessions = IntervisionSession.objects.overlapping(start, end).select_related("group")
    if volunteer_id is not None:
        sessions = sessions.filter(group__members__id=volunteer_id)
    else:
        sessions = sessions.filter(group__branch_id__in=branch_ids)
    sessions = list(sessions.order_by("start", "id"))
    answers: dict[int, str] = {}
    if volunteer_id is not None and sessions:
        answers = dict(
            Rsvp.objects.filter(
                volunteer_id=volunteer_id, session_id__in=[s.pk for s in sessions]
            ).values_list("session_id", "answer")
        )
    items = []
    now = timezone.now()
    for session in sessions:
        answer = answers.get(session.pk)
        personal = volunteer_id is not None
        status, label = _status(session, answer, personal=personal)
        answerable = personal and not session.is_cancelled and session.start > now
        items.append(
            AgendaItem(
                uid=session_uid(session.pk),
                kind="intervision_session",
                title=_("Intervisie: %(group)s") % {"group": session.group.name},
                start=session.start,
                end=session.end,
                status=status,
                status_label=label,
                cancelled=session.is_cancelled,
                moved=session.moved,
                location=session.venue,
                url=reverse("intervision:session", args=[session.pk]),
                sequence=session.sequence,
                updated_at=session.updated_at,
                branch_id=session.group.branch_id,
                kind_label=_("Intervisie"),
                name=session.group.name,
                cancel_reason=session.cancel_reason if session.is_cancelled else "",
                rsvp_url=reverse("intervision:answer", args=[session.pk]) if answerable else "",
                rsvp_answer=(answer or "") if answerable else "",
            )
        )
    return items


def theme_meeting_uid(meeting_id: int) -> str:
    return f"theme-meeting-{meeting_id}@{UID_DOMAIN}"


def _meeting_item(meeting: ThemeMeeting, status: str, label: str) -> AgendaItem:
    return AgendaItem(
        uid=theme_meeting_uid(meeting.pk),
        kind="theme_meeting",
        title=_("Themabijeenkomst: %(title)s") % {"title": meeting.title},
        start=meeting.starts_at,
        end=meeting.ends_at,
        status="cancelled" if meeting.is_cancelled else status,
        status_label=_("Afgelast") if meeting.is_cancelled else label,
        cancelled=meeting.is_cancelled,
        location=meeting.venue,
        url=reverse("intervision:theme_meeting", args=[meeting.pk]),
        sequence=meeting.sequence,
        updated_at=meeting.updated_at,
        branch_id=meeting.branch_id,
        kind_label=_("Themabijeenkomst"),
        name=meeting.title,
    )


def theme_meeting_agenda(
    *,
    volunteer_id: int | None = None,
    branch_ids: list[int] | None = None,
    start: datetime.datetime,
    end: datetime.datetime,
) -> list[AgendaItem]:
    """A volunteer's meetings they hold a place or a waitlist spot for (one query); a
    coordinator's meetings organised by or open to their branches (one query)."""
    if volunteer_id is not None:
        enrolments = ThemeMeetingEnrolment.objects.filter(
            volunteer_id=volunteer_id,
            status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED],
            offering__starts_at__lt=end,
            offering__ends_at__gt=start,
        ).select_related("offering")
        labels = {
            EnrolmentStatus.ENROLLED: _("Je bent ingeschreven"),
            EnrolmentStatus.WAITLISTED: _("Je staat op de wachtlijst"),
        }
        return [_meeting_item(e.offering, e.status, str(labels[e.status])) for e in enrolments]
    meetings = (
        ThemeMeeting.objects.filter(starts_at__lt=end, ends_at__gt=start)
        .filter(
            Q(branch_id__in=branch_ids)
            | Q(open_to_all_branches=True)
            | Q(open_to_branches__id__in=branch_ids)
        )
        .distinct()
    )
    return [_meeting_item(m, "scheduled", _("Gepland")) for m in meetings]


def upcoming_theme_meetings(*, branch_ids: list[int] | None, limit: int) -> list[UpcomingEvent]:
    """For public pages and newsletters: no personal data, places left included."""
    meetings = ThemeMeeting.objects.upcoming().select_related("branch")
    if branch_ids is not None:
        meetings = meetings.filter(
            Q(branch__isnull=True) | Q(branch_id__in=branch_ids) | Q(open_to_all_branches=True)
        )
    meetings = meetings.annotate(
        taken=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED))
    ).order_by("starts_at")[:limit]
    return [
        UpcomingEvent(
            kind="theme_meeting",
            title=m.title,
            start=m.starts_at,
            end=m.ends_at,
            url=reverse("intervision:theme_meeting", args=[m.pk]),
            branch_name=m.branch.name if m.branch else "",
            venue=m.venue,
            places_left=max(m.capacity - m.taken, 0),
        )
        for m in meetings
    ]
