"""The screening of `manage.py seed_scale`: each volunteer's checklist as their status
implies, and their supervision talks (see portal/scale.py).

Written in bulk, keeping what portal/screening/services.py keeps:

- the VOG and introduction course items mirror the volunteer record's dates, and every
  item's expiry is its done date plus the type's validity (a branch's own type replacing
  the national one);
- past the intake (VOG requested and on) the intake is done; an active volunteer has
  every required item done and still valid: a VOG older than its validity was renewed
  (the record's date moves with it), so some expire within the warning period as in
  real life; applicants and volunteers in the pipeline are partly done;
- active volunteers had their evaluation three months after activation and a yearly one
  since, with the next talk planned; a volunteer who stopped after being active has an
  exit talk.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from portal.agenda.cache import agenda_changed
from portal.models import Volunteer, VolunteerStatus, VolunteerStatusChange
from portal.scale import BATCH, SCALE_EMAIL_DOMAIN, ScaleContext
from portal.screening.models import (
    KEY_COURSE,
    KEY_INTAKE,
    KEY_VOG,
    ChecklistItem,
    SupervisionContact,
    SupervisionKind,
    SupervisionPlan,
)
from portal.screening.services import (
    EVALUATION_AFTER_ACTIVATION_MONTHS,
    add_months,
    effective_types_by_branch,
    expiry_of,
)

S = VolunteerStatus
K = SupervisionKind
PAST_INTAKE = {S.VOG_REQUESTED, S.VOG_RECEIVED, S.IN_TRAINING, S.ACTIVE, S.PAUSED, S.STOPPED}
WERE_ACTIVE = {S.ACTIVE, S.PAUSED, S.STOPPED}
NOTES = [
    "Gaat goed, heeft plezier in de bezoeken.",
    "Wil graag een keer meedoen aan een themabijeenkomst.",
    "Even druk thuis, later opnieuw bellen.",
    "",
]


def _between(rng, first: datetime.date, last: datetime.date) -> datetime.date:
    if last <= first:
        return first
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def seed_screening(context: ScaleContext) -> None:
    rng, today = context.rng, context.today
    volunteers = list(
        Volunteer.objects.filter(user__email__endswith="@" + SCALE_EMAIL_DOMAIN)
        .exclude(checklist_items__isnull=False)
        .order_by("pk")
    )
    moves: dict[int, dict[str, datetime.date]] = {}
    for volunteer_id, to_status, changed_at in (
        VolunteerStatusChange.objects.filter(volunteer__in=volunteers)
        .order_by("changed_at", "pk")
        .values_list("volunteer_id", "to_status", "changed_at")
    ):
        moves.setdefault(volunteer_id, {})[to_status] = timezone.localdate(changed_at)
    types = effective_types_by_branch({v.branch_id for v in volunteers})
    items, talks, plans = [], [], []
    renewed: dict[int, Volunteer] = {}
    for volunteer in volunteers:
        dates = moves.get(volunteer.pk, {})
        applied = dates.get(S.APPLIED, timezone.localdate(volunteer.created_at))
        checker = context.coordinators.get(volunteer.branch_id)
        activated = dates.get(S.ACTIVE)
        if volunteer.status == S.ACTIVE and volunteer.vog_received_on is not None:
            vog_type = next((t for t in types[volunteer.branch_id] if t.key == KEY_VOG), None)
            if vog_type is not None and vog_type.validity_months:
                while expiry_of(vog_type, volunteer.vog_received_on) <= today:
                    # Renewed a little before it ran out, as the reminder asks.
                    renewal = add_months(volunteer.vog_received_on, vog_type.validity_months)
                    volunteer.vog_received_on = renewal - datetime.timedelta(
                        days=rng.randint(7, 40)
                    )
                    volunteer.vog_requested_on = volunteer.vog_received_on - datetime.timedelta(
                        days=rng.randint(7, 21)
                    )
                    renewed[volunteer.pk] = volunteer
        for item_type in types[volunteer.branch_id]:
            requested = done = None
            if item_type.key == KEY_VOG:
                requested, done = volunteer.vog_requested_on, volunteer.vog_received_on
            elif item_type.key == KEY_COURSE:
                done = volunteer.introduction_course_completed_on
            elif item_type.key == KEY_INTAKE:
                if volunteer.status in PAST_INTAKE:
                    done = dates.get(S.VOG_REQUESTED) or dates.get(S.INTAKE) or applied
                elif volunteer.status == S.INTAKE and rng.random() < 0.4:
                    done = _between(rng, dates.get(S.INTAKE, applied), today)
            elif activated is not None and volunteer.status in WERE_ACTIVE:
                if item_type.required_for_active or rng.random() < 0.5:
                    done = _between(rng, dates.get(S.INTAKE, applied), activated)
            elif volunteer.status in PAST_INTAKE and rng.random() < 0.4:
                done = _between(rng, dates.get(S.INTAKE, applied), today)
            if done is None and requested is None:
                continue
            items.append(
                ChecklistItem(
                    volunteer=volunteer,
                    item_type=item_type,
                    requested_on=requested,
                    done_on=done,
                    expires_on=expiry_of(item_type, done),
                    checked_by=checker if done else None,
                    updated_at=context.now,
                )
            )
        if activated is None or volunteer.status not in WERE_ACTIVE:
            continue
        ended = (
            timezone.localdate(volunteer.status_changed_at)
            if volunteer.status != S.ACTIVE
            else today
        )
        held, kind = add_months(activated, EVALUATION_AFTER_ACTIVATION_MONTHS), K.EVALUATION_3M
        while held <= ended:
            talks.append(
                SupervisionContact(
                    volunteer=volunteer,
                    held_on=held,
                    kind=kind,
                    note=rng.choice(NOTES),
                    recorded_by=checker,
                    created_at=context.now,
                )
            )
            if rng.random() < 0.5 and add_months(held, 6) <= ended:
                talks.append(
                    SupervisionContact(
                        volunteer=volunteer,
                        held_on=add_months(held, 6),
                        kind=rng.choice([K.PHONE, K.HOME_VISIT]),
                        note=rng.choice(NOTES),
                        recorded_by=checker,
                        created_at=context.now,
                    )
                )
            held, kind = add_months(held, 12), K.YEARLY
        if volunteer.status == S.ACTIVE:
            plans.append(SupervisionPlan(volunteer=volunteer, kind=kind, due_on=held))
        elif volunteer.status == S.STOPPED:
            exit_on = ended + datetime.timedelta(days=rng.randint(0, 14))
            if exit_on <= today:
                talks.append(
                    SupervisionContact(
                        volunteer=volunteer,
                        held_on=exit_on,
                        kind=K.EXIT,
                        recorded_by=checker,
                        created_at=context.now,
                    )
                )
            else:
                plans.append(SupervisionPlan(volunteer=volunteer, kind=K.EXIT, due_on=exit_on))
    Volunteer.objects.bulk_update(
        list(renewed.values()), ["vog_requested_on", "vog_received_on"], batch_size=BATCH
    )
    ChecklistItem.objects.bulk_create(items, batch_size=BATCH)
    SupervisionContact.objects.bulk_create(talks, batch_size=BATCH)
    SupervisionPlan.objects.bulk_create(plans, batch_size=BATCH)
    agenda_changed()
    context.say(
        f"  screening: {len(items)} checklist items ({len(renewed)} VOGs renewed), "
        f"{len(talks)} supervision talks"
    )
