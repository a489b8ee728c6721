"""Demo supervision talks: per branch a few held talks, one overdue and a few planned
in the coming weeks, so the coordinators' agenda, admin home and digest show them.

Recorded through `record_supervision_contact`, as a coordinator would, so the plans
follow from the talks. Runs once: nothing happens when any talk exists.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from portal.models import Branch, Volunteer, VolunteerStatus
from portal.screening.models import SupervisionContact, SupervisionKind
from portal.screening.services import record_supervision_contact

K = SupervisionKind
DAY = datetime.timedelta(days=1)

# Per active volunteer of a branch, in order: (kind, held days ago, next talk in days
# from today or None for the kind's default, note). The default after a phone call is
# three months, so the call of 100 days ago makes the overdue talk.
TALKS: list[list[tuple[str, int, int | None, str]]] = [
    [
        (K.HOME_VISIT, 60, None, "Kennismaking thuis; gaat met veel zin van start."),
        (K.PHONE, 20, 7, "Loopt goed. Wil graag meer weten over de themabijeenkomsten."),
    ],
    [(K.PHONE, 100, None, "Het contact gaat goed, maar ze heeft het erg druk op het werk.")],
    [
        (K.EVALUATION_3M, 45, None, "Evaluatie: tevreden over de begeleiding en de intervisie."),
        (K.PHONE, 25, 14, "Vraagt om een gesprek over het afsluiten van een gezin."),
    ],
    [(K.OTHER, 35, 21, "Samen de intervisiegroep voorbereid.")],
]


@transaction.atomic
def build_screening_demo(stdout=None) -> None:
    if SupervisionContact.objects.exists():
        return
    today = timezone.localdate()
    made = 0
    for branch in Branch.objects.order_by("name"):
        coordinator = branch.coordinators.order_by("pk").first()
        volunteers = Volunteer.objects.filter(branch=branch, status=VolunteerStatus.ACTIVE)
        for volunteer, talks in zip(volunteers.order_by("pk"), TALKS, strict=False):
            for kind, days_ago, next_in, note in talks:
                record_supervision_contact(
                    volunteer=volunteer,
                    held_on=today - days_ago * DAY,
                    kind=kind,
                    note=note,
                    next_due_on=today + next_in * DAY if next_in is not None else None,
                    by=coordinator,
                )
                made += 1
    if stdout:
        stdout.write(f"  screening: {made} supervision talks")
