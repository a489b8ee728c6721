"""The rules of screening and supervision.

- The checklist of a branch: the national item types plus the branch's own, a branch
  type replacing the national one with the same key (`effective_types`).
- A volunteer's item expires `validity_months` after it was done (`add_months`, which
  keeps to the month's last day: 31 January + 1 month is 28 or 29 February).
- The activation rule (`status_rule`): leaving the intake needs the intake done; becoming
  active needs every required item done and not expired. A volunteer whose item expires
  while active stays active and is flagged on the screening screen and the admin
  home: the coordinator decides.
- Supervision: each recorded talk plans the next one (`record_supervision_contact`);
  activation plans the evaluation after 3 months, stopping plans the exit talk.
"""

from __future__ import annotations

import calendar
import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.agenda.cache import agenda_changed
from portal.errors import ServiceError
from portal.models import User, Volunteer, VolunteerStatus
from portal.queue import enqueue_on_commit
from portal.screening.models import (
    KEY_COURSE,
    KEY_INTAKE,
    KEY_VOG,
    CallbackRequest,
    ChecklistItem,
    ChecklistItemType,
    ScreeningReminder,
    SupervisionContact,
    SupervisionKind,
    SupervisionPlan,
)

logger = logging.getLogger(__name__)

S = VolunteerStatus
K = SupervisionKind

# A requested item (a VOG) that has not come in after this long is reminded.
REQUEST_WAIT = datetime.timedelta(weeks=4)
# Volunteer and coordinator hear this long before an item expires.
EXPIRY_WARNING = datetime.timedelta(weeks=8)
# Statuses past the intake: reaching any of them needs the intake done.
AFTER_INTAKE = {S.VOG_REQUESTED, S.VOG_RECEIVED, S.IN_TRAINING, S.ACTIVE, S.PAUSED}

EVALUATION_AFTER_ACTIVATION_MONTHS = 3
EXIT_TALK_WITHIN = datetime.timedelta(weeks=2)
# The default next talk after each kind: (kind of the next talk, months later).
NEXT_AFTER: dict[str, tuple[str, int] | None] = {
    K.PHONE: (K.PHONE, 3),
    K.HOME_VISIT: (K.PHONE, 3),
    K.OTHER: (K.PHONE, 3),
    K.EVALUATION_3M: (K.YEARLY, 12),
    K.YEARLY: (K.YEARLY, 12),
    K.EXIT: None,
}
# Holding one of these also settles the planned talks of the kinds listed.
SETTLES: dict[str, set[str]] = {
    K.PHONE: {K.PHONE, K.HOME_VISIT, K.OTHER},
    K.HOME_VISIT: {K.PHONE, K.HOME_VISIT, K.OTHER},
    K.OTHER: {K.PHONE, K.HOME_VISIT, K.OTHER},
    K.EVALUATION_3M: {K.EVALUATION_3M, K.PHONE, K.HOME_VISIT, K.OTHER},
    K.YEARLY: {K.EVALUATION_3M, K.YEARLY, K.PHONE, K.HOME_VISIT, K.OTHER},
    K.EXIT: set(K.values),
}

MSG_TYPE_NOT_FOR_BRANCH = _("Dit onderdeel hoort niet bij de screening van deze afdeling.")
MSG_DATE_IN_FUTURE = _("Een datum kan niet in de toekomst liggen.")
MSG_DATE_TOO_OLD = _("Deze datum ligt te ver in het verleden.")
MSG_NEEDS_INTAKE = _("Eerst het intakegesprek afronden: vink het af in de screening.")
MSG_ITEM_MISSING = _("Nog te doen voordat de vrijwilliger actief kan worden: %(name)s.")
MSG_ITEM_EXPIRED = _("Verlopen op %(date)s: %(name)s. Eerst vernieuwen.")
MSG_NEXT_DUE_BEFORE_HELD = _("De volgende afspraak moet na het gesprek liggen.")
MSG_NEXT_DUE_TOO_FAR = _("Plan het volgende gesprek binnen twee jaar.")
MSG_CONTACT_NOT_FOR_STOPPED = _("Met een gestopte vrijwilliger is alleen een exitgesprek mogelijk.")

EARLIEST_DATE = datetime.date(1990, 1, 1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus whole months, on the month's last day where the day does not exist."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expiry_of(item_type: ChecklistItemType, done_on: datetime.date | None) -> datetime.date | None:
    if done_on is None or not item_type.validity_months:
        return None
    return add_months(done_on, item_type.validity_months)


# --- The checklist of a branch and of a volunteer ------------------------------------


def effective_types_by_branch(branch_ids: Iterable[int]) -> dict[int, list[ChecklistItemType]]:
    """Per branch, its checklist in order: one query for any number of branches."""
    branch_ids = list(branch_ids)
    types = list(ChecklistItemType.objects.for_branch_ids(branch_ids))
    national = [t for t in types if t.branch_id is None]
    result = {}
    for branch_id in branch_ids:
        own = {t.key: t for t in types if t.branch_id == branch_id}
        merged = [own.pop(t.key, t) for t in national] + list(own.values())
        result[branch_id] = sorted(merged, key=lambda t: (t.order, t.name))
    return result


def effective_types(branch_id: int) -> list[ChecklistItemType]:
    return effective_types_by_branch([branch_id])[branch_id]


def effective_type(branch_id: int, key: str) -> ChecklistItemType | None:
    return next((t for t in effective_types(branch_id) if t.key == key), None)


class ItemState:
    TODO = "todo"
    REQUESTED = "requested"
    DONE = "done"
    EXPIRING = "expiring"
    EXPIRED = "expired"


STATE_LABELS = {
    ItemState.TODO: _("nog te doen"),
    ItemState.REQUESTED: _("aangevraagd"),
    ItemState.DONE: _("gedaan"),
    ItemState.EXPIRING: _("verloopt binnenkort"),
    ItemState.EXPIRED: _("verlopen"),
}


@dataclass(frozen=True)
class ChecklistRow:
    item_type: ChecklistItemType
    item: ChecklistItem | None
    state: str

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def done_on(self) -> datetime.date | None:
        return self.item.done_on if self.item else None

    @property
    def requested_on(self) -> datetime.date | None:
        return self.item.requested_on if self.item else None

    @property
    def expires_on(self) -> datetime.date | None:
        return self.item.expires_on if self.item else None

    @property
    def is_valid(self) -> bool:
        return self.state in (ItemState.DONE, ItemState.EXPIRING)

    @property
    def renewal_requested(self) -> bool:
        return bool(
            self.item
            and self.item.requested_on
            and self.item.done_on
            and self.item.requested_on >= self.item.done_on
        )


def item_state(item: ChecklistItem | None, today: datetime.date) -> str:
    if item is None or item.done_on is None:
        return ItemState.REQUESTED if item is not None and item.requested_on else ItemState.TODO
    if item.expires_on is not None and item.expires_on <= today:
        return ItemState.EXPIRED
    if item.expires_on is not None and item.expires_on - EXPIRY_WARNING <= today:
        return ItemState.EXPIRING
    return ItemState.DONE


def checklist(
    volunteer: Volunteer,
    *,
    today: datetime.date | None = None,
    visible_only: bool = False,
    from_record: bool = False,
) -> list[ChecklistRow]:
    """The volunteer's checklist in order, one row per item type: two queries.

    `from_record` takes the VOG and course dates from the (possibly unsaved) volunteer
    record, which the checklist mirrors: the admin form checks a status change against
    the dates entered in the same save.
    """
    today = today or timezone.localdate()
    types = effective_types(volunteer.branch_id)
    if visible_only:
        types = [t for t in types if t.visible_to_volunteer]
    items = {
        item.item_type_id: item
        for item in ChecklistItem.objects.filter(volunteer=volunteer).select_related("checked_by")
    }
    if from_record:
        record_dates = {
            KEY_VOG: (volunteer.vog_requested_on, volunteer.vog_received_on),
            KEY_COURSE: (None, volunteer.introduction_course_completed_on),
        }
        for t in types:
            if t.key in record_dates:
                requested_on, done_on = record_dates[t.key]
                saved = items.get(t.pk)
                if t.key == KEY_COURSE and done_on is None:
                    continue  # ticked by hand without a course in the portal
                if saved is None or saved.done_on != done_on:
                    items[t.pk] = ChecklistItem(
                        item_type=t,
                        requested_on=requested_on if t.key == KEY_VOG else None,
                        done_on=done_on,
                        expires_on=expiry_of(t, done_on),
                    )
    return [ChecklistRow(t, items.get(t.pk), item_state(items.get(t.pk), today)) for t in types]


def activation_blockers_of(rows: list[ChecklistRow]) -> list[ServiceError]:
    blockers = []
    for row in rows:
        if not row.item_type.required_for_active or row.is_valid:
            continue
        if row.state == ItemState.EXPIRED:
            message = MSG_ITEM_EXPIRED % {
                "name": row.item_type.name,
                "date": f"{row.expires_on:%d-%m-%Y}",
            }
            blockers.append(ServiceError(message, code="item_expired"))
        else:
            message = MSG_ITEM_MISSING % {"name": row.item_type.name}
            blockers.append(ServiceError(message, code="item_missing"))
    return blockers


def status_rule(volunteer: Volunteer, to_status: str) -> list[ServiceError]:
    """The checklist's word on a status change (registered with portal's status service)."""
    if to_status not in AFTER_INTAKE:
        return []
    rows = checklist(volunteer, from_record=True)
    if to_status == S.ACTIVE:
        return activation_blockers_of(rows)
    intake = next((row for row in rows if row.item_type.key == KEY_INTAKE), None)
    if intake is not None and intake.done_on is None:
        return [ServiceError(MSG_NEEDS_INTAKE, code="needs_intake")]
    return []


# --- Writing items --------------------------------------------------------------------


def _check_date(value: datetime.date | None, field: str, today: datetime.date) -> None:
    if value is None:
        return
    if value > today:
        raise ServiceError(MSG_DATE_IN_FUTURE, code="date_in_future", field=field)
    if value < EARLIEST_DATE:
        raise ServiceError(MSG_DATE_TOO_OLD, code="date_too_old", field=field)


@transaction.atomic
def record_checklist_item(
    *,
    volunteer: Volunteer,
    item_type: ChecklistItemType,
    done_on: datetime.date | None,
    requested_on: datetime.date | None = None,
    by: User | None,
) -> ChecklistItem:
    """Tick (or untick, with `done_on=None`) one item of a volunteer's checklist."""
    today = timezone.localdate()
    if item_type.pk not in {t.pk for t in effective_types(volunteer.branch_id)}:
        raise ServiceError(MSG_TYPE_NOT_FOR_BRANCH, code="type_not_for_branch")
    _check_date(done_on, "done_on", today)
    _check_date(requested_on, "requested_on", today)
    Volunteer.objects.select_for_update().filter(pk=volunteer.pk).first()
    item, _created = ChecklistItem.objects.get_or_create(volunteer=volunteer, item_type=item_type)
    if item.done_on != done_on:
        item.checked_by = by if done_on else None
    item.done_on, item.requested_on = done_on, requested_on
    item.expires_on = expiry_of(item_type, done_on)
    item.updated_at = timezone.now()
    item.save()
    if item_type.key == KEY_VOG:
        # The record's VOG dates (listing, export) follow the checklist.
        Volunteer.objects.filter(pk=volunteer.pk).update(
            vog_requested_on=requested_on, vog_received_on=done_on
        )
    return item


def _sync_item(
    volunteer: Volunteer,
    key: str,
    *,
    done_on: datetime.date | None,
    requested_on: datetime.date | None = None,
    keep_requested: bool = False,
    by: User | None,
) -> None:
    item_type = effective_type(volunteer.branch_id, key)
    if item_type is None:
        return
    item = ChecklistItem.objects.filter(volunteer=volunteer, item_type=item_type).first()
    if item is None:
        if done_on is None and requested_on is None:
            return
        item = ChecklistItem(volunteer=volunteer, item_type=item_type)
    if keep_requested:
        requested_on = item.requested_on
    if item.pk and item.done_on == done_on and item.requested_on == requested_on:
        return
    if item.done_on != done_on:
        item.checked_by = by if done_on else None
    item.done_on, item.requested_on = done_on, requested_on
    item.expires_on = expiry_of(item_type, done_on)
    item.updated_at = timezone.now()
    item.save()


def on_volunteer_event(*, event: str, volunteer: Volunteer, by=None, **details) -> None:
    """Keep the checklist and the supervision plan in step with the volunteer record."""
    if event in ("status_changed", "details_saved"):
        _sync_item(
            volunteer,
            KEY_VOG,
            done_on=volunteer.vog_received_on,
            requested_on=volunteer.vog_requested_on,
            by=by,
        )
    if event == "introduction_course_completed":
        _sync_item(
            volunteer, KEY_COURSE, done_on=details["completed_on"], keep_requested=True, by=None
        )
    if event == "demo_step":
        _demo_step(volunteer, details["step"], by)
    if event == "details_saved" and volunteer.supervision_plans.exists():
        # The name or branch of a volunteer with planned talks may have changed: the
        # coordinators' feeds show both.
        agenda_changed()
    if event == "status_changed":
        plan_after_status_change(
            volunteer=volunteer, from_status=details["from_status"], to_status=details["to_status"]
        )


def _demo_step(volunteer: Volunteer, step: str, by: User | None) -> None:
    """Demo content walks the pipeline: tick what a coordinator would have ticked."""
    today = timezone.localdate()
    keys = {"vog_requested": [KEY_INTAKE], "in_training": [KEY_INTAKE], "active": []}.get(step)
    if step == "active":
        keys = [t.key for t in effective_types(volunteer.branch_id) if t.required_for_active]
        keys = [key for key in keys if key not in (KEY_VOG, KEY_COURSE)]
    for key in keys or []:
        item_type = effective_type(volunteer.branch_id, key)
        if item_type is not None:
            record_checklist_item(volunteer=volunteer, item_type=item_type, done_on=today, by=by)


# --- Supervision ----------------------------------------------------------------------


def _plan(volunteer: Volunteer, kind: str, due_on: datetime.date) -> None:
    SupervisionPlan.objects.update_or_create(
        volunteer=volunteer, kind=kind, defaults={"due_on": due_on}
    )
    # Planned talks are in the coordinators' agendas and feeds.
    agenda_changed()


def _unplan(plans) -> None:
    if plans.delete()[0]:
        agenda_changed()


def plan_after_status_change(*, volunteer: Volunteer, from_status: str, to_status: str) -> None:
    today = timezone.localdate()
    if to_status == S.ACTIVE:
        evaluated = SupervisionContact.objects.filter(
            volunteer=volunteer, kind__in=[K.EVALUATION_3M, K.YEARLY]
        ).exists()
        planned = SupervisionPlan.objects.filter(
            volunteer=volunteer, kind__in=[K.EVALUATION_3M, K.YEARLY]
        ).exists()
        if not evaluated and not planned:
            _plan(volunteer, K.EVALUATION_3M, add_months(today, EVALUATION_AFTER_ACTIVATION_MONTHS))
    elif to_status == S.STOPPED:
        _unplan(SupervisionPlan.objects.filter(volunteer=volunteer).exclude(kind=K.EXIT))
        if from_status in (S.ACTIVE, S.PAUSED, S.IN_TRAINING):
            _plan(volunteer, K.EXIT, today + EXIT_TALK_WITHIN)


def default_next_due(kind: str, held_on: datetime.date) -> datetime.date | None:
    follow = NEXT_AFTER.get(kind)
    return add_months(held_on, follow[1]) if follow else None


@transaction.atomic
def record_supervision_contact(
    *,
    volunteer: Volunteer,
    held_on: datetime.date,
    kind: str,
    note: str = "",
    next_due_on: datetime.date | None = None,
    by: User | None,
) -> SupervisionContact:
    """Record a talk and plan the next one (the given date, or the kind's default)."""
    today = timezone.localdate()
    if kind not in K.values:
        raise ServiceError(_("Kies een soort gesprek."), code="bad_kind", field="kind")
    _check_date(held_on, "held_on", today)
    if volunteer.status == S.STOPPED and kind != K.EXIT:
        raise ServiceError(MSG_CONTACT_NOT_FOR_STOPPED, code="stopped", field="kind")
    follow = NEXT_AFTER[kind]
    if next_due_on is not None:
        if next_due_on <= held_on:
            raise ServiceError(MSG_NEXT_DUE_BEFORE_HELD, code="next_before", field="next_due_on")
        if next_due_on > held_on + datetime.timedelta(days=2 * 366):
            raise ServiceError(MSG_NEXT_DUE_TOO_FAR, code="next_too_far", field="next_due_on")
    Volunteer.objects.select_for_update().filter(pk=volunteer.pk).first()
    contact = SupervisionContact.objects.create(
        volunteer=volunteer, held_on=held_on, kind=kind, note=note.strip(), recorded_by=by
    )
    _unplan(SupervisionPlan.objects.filter(volunteer=volunteer, kind__in=SETTLES[kind]))
    if follow is not None:
        _plan(volunteer, follow[0], next_due_on or add_months(held_on, follow[1]))
    return contact


def planned_talks(branch_ids: Iterable[int]):
    """Planned talks of the branches' volunteers who are not stopped (the exit talk of
    a stopped volunteer included), earliest first."""
    return (
        SupervisionPlan.objects.filter(volunteer__branch_id__in=list(branch_ids))
        .filter(~Q(volunteer__status=S.STOPPED) | Q(kind=K.EXIT))
        .order_by("due_on", "pk")
    )


def supervision_due(branch_ids: Iterable[int], *, until: datetime.date):
    """Planned talks due on or before `until` (`planned_talks`), earliest first."""
    return planned_talks(branch_ids).filter(due_on__lte=until)


# --- Reminders ------------------------------------------------------------------------


def _not_sent(kind: str, reference_field: str):
    return ~Exists(
        ScreeningReminder.objects.filter(
            item=OuterRef("pk"), kind=kind, reference_date=OuterRef(reference_field)
        )
    )


def due_screening_reminders(*, today: datetime.date) -> list[tuple[int, str, datetime.date]]:
    """(item id, kind, reference date) of every reminder due and not yet sent."""
    live = ChecklistItem.objects.exclude(volunteer__status=S.STOPPED)
    overdue = (
        live.filter(requested_on__lte=today - REQUEST_WAIT)
        .filter(Q(done_on__isnull=True) | Q(done_on__lt=F("requested_on")))
        .filter(_not_sent(ScreeningReminder.Kind.REQUEST_OVERDUE, "requested_on"))
        .values_list("pk", "requested_on")
    )
    expiring = (
        live.filter(expires_on__lte=today + EXPIRY_WARNING)
        .filter(Q(requested_on__isnull=True) | Q(requested_on__lt=F("done_on")))
        .filter(_not_sent(ScreeningReminder.Kind.EXPIRING, "expires_on"))
        .values_list("pk", "expires_on")
    )
    return [(pk, ScreeningReminder.Kind.REQUEST_OVERDUE, day) for pk, day in overdue] + [
        (pk, ScreeningReminder.Kind.EXPIRING, day) for pk, day in expiring
    ]


# --- "Bel mij terug" ------------------------------------------------------------------

MSG_CALLBACK_OPEN = _("Je hebt al gevraagd om teruggebeld te worden. Je coördinator belt je.")
MSG_CALLBACK_BAD_CHOICE = _("Kies een dagdeel uit de lijst.")


@transaction.atomic
def request_callback(*, volunteer: Volunteer, preferred: str) -> CallbackRequest:
    """Record the volunteer's wish to be called and tell the branch's coordinators."""
    from portal.models import AVAILABILITY_CHOICES

    if preferred not in dict(AVAILABILITY_CHOICES):
        raise ServiceError(MSG_CALLBACK_BAD_CHOICE, code="bad_choice", field="preferred")
    Volunteer.objects.select_for_update().filter(pk=volunteer.pk).first()
    if CallbackRequest.objects.filter(volunteer=volunteer, answered_at__isnull=True).exists():
        raise ServiceError(MSG_CALLBACK_OPEN, code="callback_open")
    callback = CallbackRequest.objects.create(volunteer=volunteer, preferred=preferred)
    enqueue_on_commit("portal.screening.tasks.send_callback_notice", callback.pk)
    return callback


@transaction.atomic
def answer_callback(*, callback: CallbackRequest, by: User) -> CallbackRequest:
    if callback.answered_at is None:
        callback.answered_at, callback.answered_by = timezone.now(), by
        callback.save(update_fields=["answered_at", "answered_by"])
    return callback
