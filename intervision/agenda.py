"""Intervision's share of the agenda: sessions of a volunteer's groups, or of branches."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from intervision.models import IntervisionSession, Rsvp, RsvpAnswer
from portal.emails import absolute_url
from portal.registry import AgendaItem

UID_DOMAIN = "intervisie.home-start.nl"


def session_uid(session_id: int) -> str:
    return f"session-{session_id}@{UID_DOMAIN}"


def _status(session: IntervisionSession, answer: str | None, *, personal: bool):
    if session.is_cancelled:
        reason = session.cancel_reason
        label = _("Afgelast: %(reason)s") % {"reason": reason} if reason else _("Afgelast")
        return "cancelled", label
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
    for session in sessions:
        status, label = _status(session, answers.get(session.pk), personal=volunteer_id is not None)
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
                url=absolute_url(reverse("intervision:session", args=[session.pk])),
                sequence=session.sequence,
                updated_at=session.updated_at,
                branch_id=session.group.branch_id,
            )
        )
    return items
