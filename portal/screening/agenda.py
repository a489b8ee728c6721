"""Planned supervision talks in the coordinators' agenda and branch feed.

A talk's due date is the coordinator's planning, not an appointment: the time is agreed
with the volunteer. So the item sits at 9:00 on the due date and says so, and
volunteers do not get it in their own agenda (a due date there would read as a
meeting they had agreed to). The feed shows "Begeleidingsgesprek" and the volunteer's
first name only: never the family name, never a note (feeds leave the portal).
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.registry import AgendaItem
from portal.screening import services

TALK_AT = datetime.time(9)
TALK_LENGTH = datetime.timedelta(minutes=45)


def supervision_agenda(
    *,
    volunteer_id: int | None = None,
    branch_ids: list[int] | None = None,
    start: datetime.datetime,
    end: datetime.datetime,
) -> list[AgendaItem]:
    """The planned talks of the coordinator's own branches in [start, end). One query."""
    if volunteer_id is not None or not branch_ids:
        return []
    first, last = timezone.localdate(start), timezone.localdate(end)
    plans = (
        services.planned_talks(branch_ids)
        .filter(due_on__gte=first, due_on__lte=last)
        .select_related("volunteer__user")
        .only("pk", "kind", "due_on", "volunteer__branch", "volunteer__user__first_name")
    )
    items = []
    for plan in plans:
        begin = timezone.make_aware(datetime.datetime.combine(plan.due_on, TALK_AT))
        if not (start <= begin < end):
            continue
        first_name = plan.volunteer.user.first_name.strip() or _("vrijwilliger")
        items.append(
            AgendaItem(
                # The due date is part of the uid: a moved talk is a new planning, so a
                # subscribed calendar drops the old one and adds the new one (Google may
                # keep an imported event's old time whatever its SEQUENCE says).
                uid=f"supervision-{plan.pk}-{plan.due_on:%Y%m%d}@vrijwilliger.home-start.nl",
                kind="supervision_talk",
                title=_("Begeleidingsgesprek %(name)s") % {"name": first_name},
                start=begin,
                end=begin + TALK_LENGTH,
                status="planned",
                status_label=_("%(kind)s; spreek zelf het tijdstip af")
                % {"kind": str(plan.get_kind_display()).capitalize()},
                url=reverse("screening_admin:volunteer", args=[plan.volunteer_id]),
                branch_id=plan.volunteer.branch_id,
                kind_label=_("Begeleidingsgesprek"),
                name=first_name,
            )
        )
    return items
