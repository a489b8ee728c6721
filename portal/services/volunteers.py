"""Volunteer records: creating them, moving them through the pipeline, their data.

The pipeline is a transition table (`ALLOWED_TRANSITIONS`: no skipping the intake)
plus the rules the parts register (`portal.registry.register_status_rule`): the
screening checklist (`portal/screening`) decides what a volunteer needs before leaving
the intake and before becoming active. Without registered rules the activation rule is
the old one: a received VOG and a completed introduction course (`courses` records the
completion through `record_introduction_course_completed`).
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.agenda.cache import agenda_changed
from portal.errors import ServiceError
from portal.models import Branch, DeletionRequest, User, Volunteer, VolunteerStatus
from portal.models.volunteers import VolunteerStatusChange
from portal.queue import enqueue_on_commit
from portal.registry import notify_volunteer_event, registry

logger = logging.getLogger(__name__)

S = VolunteerStatus

# Which status may follow which. Anything may end in "stopped"; a stopped volunteer
# comes back through a new application. Every volunteer passes the intake; the
# registered status rules say what each step further needs.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    S.APPLIED: {S.INTAKE, S.STOPPED},
    S.INTAKE: {S.VOG_REQUESTED, S.VOG_RECEIVED, S.IN_TRAINING, S.STOPPED},
    S.VOG_REQUESTED: {S.VOG_RECEIVED, S.IN_TRAINING, S.STOPPED},
    S.VOG_RECEIVED: {S.IN_TRAINING, S.ACTIVE, S.STOPPED},
    S.IN_TRAINING: {S.VOG_REQUESTED, S.VOG_RECEIVED, S.ACTIVE, S.PAUSED, S.STOPPED},
    S.ACTIVE: {S.PAUSED, S.STOPPED},
    S.PAUSED: {S.ACTIVE, S.STOPPED},
    S.STOPPED: {S.APPLIED},
}

MSG_SAME_STATUS = _("De vrijwilliger heeft deze status al.")
MSG_TRANSITION_NOT_ALLOWED = _("Van „%(from)s” kan een vrijwilliger niet naar „%(to)s”.")
MSG_ACTIVE_NEEDS_VOG = _("Een vrijwilliger kan pas actief worden als de VOG is ontvangen.")
MSG_ACTIVE_NEEDS_COURSE = _(
    "Een vrijwilliger kan pas actief worden na het afronden van de introductiecursus."
)
MSG_STOP_NEEDS_REASON = _("Geef aan waarom de vrijwilliger stopt.")
MSG_VOG_DATE_REQUIRED = _("Vul de datum in waarop de VOG is ontvangen.")
MSG_VOG_DATE_IN_FUTURE = _("De ontvangstdatum van de VOG kan niet in de toekomst liggen.")
MSG_DELETION_ALREADY_REQUESTED = _(
    "Je verzoek om je gegevens te verwijderen is al verstuurd. Je coördinator neemt contact "
    "met je op."
)


def status_blockers(volunteer: Volunteer, to_status: str) -> list[ServiceError]:
    """What the registered rules say stands between this volunteer and `to_status`."""
    if to_status == S.STOPPED:
        return []
    if registry.status_rules:
        return [blocker for rule in registry.status_rules for blocker in rule(volunteer, to_status)]
    return _legacy_activation_blockers(volunteer) if to_status == S.ACTIVE else []


def activation_blockers(volunteer: Volunteer) -> list[ServiceError]:
    """Everything that still stands between this volunteer and status "active"."""
    return status_blockers(volunteer, S.ACTIVE)


def _legacy_activation_blockers(volunteer: Volunteer) -> list[ServiceError]:
    blockers = []
    if volunteer.vog_received_on is None:
        blockers.append(ServiceError(MSG_ACTIVE_NEEDS_VOG, code="active_needs_vog"))
    if volunteer.introduction_course_completed_on is None:
        blockers.append(ServiceError(MSG_ACTIVE_NEEDS_COURSE, code="active_needs_course"))
    return blockers


def check_status_change(
    *,
    volunteer: Volunteer,
    to_status: str,
    note: str = "",
    vog_received_on: datetime.date | None = None,
) -> None:
    """Raise ServiceError if `volunteer` may not move to `to_status` with these details."""
    if to_status == volunteer.status:
        raise ServiceError(MSG_SAME_STATUS, code="same_status", field="new_status")
    if to_status not in ALLOWED_TRANSITIONS.get(volunteer.status, set()):
        raise ServiceError(
            MSG_TRANSITION_NOT_ALLOWED
            % {"from": S(volunteer.status).label, "to": S(to_status).label},
            code="transition_not_allowed",
            field="new_status",
        )
    if to_status == S.STOPPED and not note.strip():
        raise ServiceError(MSG_STOP_NEEDS_REASON, code="stop_needs_reason", field="status_note")
    if to_status == S.VOG_RECEIVED:
        received = vog_received_on or volunteer.vog_received_on
        if received is None:
            raise ServiceError(
                MSG_VOG_DATE_REQUIRED, code="vog_date_required", field="vog_received_on"
            )
        if received > timezone.localdate():
            raise ServiceError(
                MSG_VOG_DATE_IN_FUTURE, code="vog_date_in_future", field="vog_received_on"
            )
    blockers = status_blockers(volunteer, to_status)
    if blockers:
        raise blockers[0]


@transaction.atomic
def change_volunteer_status(
    *,
    volunteer: Volunteer,
    to_status: str,
    by: User | None,
    note: str = "",
    vog_received_on: datetime.date | None = None,
) -> VolunteerStatusChange:
    """Move a volunteer to `to_status` and record who did it, when and why."""
    locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    check_status_change(
        volunteer=locked, to_status=to_status, note=note, vog_received_on=vog_received_on
    )
    now = timezone.now()
    change = VolunteerStatusChange.objects.create(
        volunteer=locked,
        from_status=locked.status,
        to_status=to_status,
        changed_at=now,
        changed_by=by,
        note=note.strip(),
    )
    locked.status = to_status
    locked.status_changed_at = now
    if to_status == S.VOG_REQUESTED and locked.vog_requested_on is None:
        locked.vog_requested_on = timezone.localdate()
    if to_status == S.VOG_RECEIVED:
        locked.vog_received_on = vog_received_on or locked.vog_received_on
    locked.stopped_reason = note.strip() if to_status == S.STOPPED else ""
    locked.save(
        update_fields=[
            "status",
            "status_changed_at",
            "vog_requested_on",
            "vog_received_on",
            "stopped_reason",
            "updated_at",
        ]
    )
    notify_volunteer_event(
        "status_changed",
        volunteer=locked,
        by=by,
        from_status=change.from_status,
        to_status=to_status,
    )
    volunteer.refresh_from_db()
    logger.debug("volunteer %s status %s -> %s", locked.pk, change.from_status, to_status)
    return change


@transaction.atomic
def record_introduction_course_completed(
    *, volunteer: Volunteer, completed_on: datetime.date | None
) -> Volunteer:
    """Called by `courses` when a volunteer completes an introduction course; None when a
    coordinator's correction of the attendance withdraws the completion."""
    Volunteer.objects.filter(pk=volunteer.pk).update(
        introduction_course_completed_on=completed_on, updated_at=timezone.now()
    )
    volunteer.refresh_from_db()
    notify_volunteer_event(
        "introduction_course_completed", volunteer=volunteer, completed_on=completed_on
    )
    return volunteer


@transaction.atomic
def create_volunteer(
    *,
    user: User,
    branch: Branch,
    postcode: str,
    phone: str = "",
    street_address: str = "",
    city: str = "",
    languages: list[str] | None = None,
    parenting_experience: str = "",
    availability: list[str] | None = None,
    by: User | None = None,
) -> Volunteer:
    """A new volunteer record with status "applied" and the first line of its history."""
    volunteer = Volunteer.objects.create(
        user=user,
        branch=branch,
        postcode=postcode,
        phone=phone,
        street_address=street_address,
        city=city,
        languages=list(languages or []),
        parenting_experience=parenting_experience,
        availability=list(availability or []),
        status=S.APPLIED,
    )
    VolunteerStatusChange.objects.create(
        volunteer=volunteer, from_status="", to_status=S.APPLIED, changed_by=by or user
    )
    return volunteer


PROFILE_FIELDS = (
    "phone",
    "street_address",
    "postcode",
    "city",
    "languages",
    "parenting_experience",
    "availability",
)


@transaction.atomic
def update_volunteer_details(
    *, volunteer: Volunteer, first_name: str, last_name: str, **details: Any
) -> Volunteer:
    """Save what a volunteer may edit about themselves in Mijn Home-Start."""
    unknown = set(details) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Not a profile field: {', '.join(sorted(unknown))}")
    user = volunteer.user
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    user.save(update_fields=["first_name", "last_name"])
    for name, value in details.items():
        setattr(volunteer, name, value)
    volunteer.save(update_fields=[*details, "updated_at"])
    return volunteer


def export_volunteer_data(volunteer: Volunteer) -> dict[str, Any]:
    """Everything the portal holds on this volunteer, for their own download."""
    user = volunteer.user
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "volunteer": {
            "branch": volunteer.branch.name,
            "phone": volunteer.phone,
            "street_address": volunteer.street_address,
            "postcode": volunteer.postcode,
            "city": volunteer.city,
            "languages": volunteer.languages,
            "parenting_experience": volunteer.parenting_experience,
            "availability": volunteer.availability,
            "status": volunteer.status,
            "vog_requested_on": _iso(volunteer.vog_requested_on),
            "vog_received_on": _iso(volunteer.vog_received_on),
            "introduction_course_completed_on": _iso(volunteer.introduction_course_completed_on),
            "stopped_reason": volunteer.stopped_reason,
            "created_at": volunteer.created_at.isoformat(),
        },
        "status_history": [
            {
                "from": change.from_status,
                "to": change.to_status,
                "at": change.changed_at.isoformat(),
                "note": change.note,
            }
            for change in volunteer.status_changes.order_by("changed_at", "id")
        ],
        "deletion_requests": [
            {"requested_at": request.requested_at.isoformat(), "note": request.note}
            for request in volunteer.deletion_requests.all()
        ],
    }
    for exporter in registry.personal_data_exporters:
        data.update(exporter(volunteer))
    return data


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


@transaction.atomic
def request_deletion(*, volunteer: Volunteer, note: str = "") -> DeletionRequest:
    """Record a volunteer's request to erase their data and tell their coordinators."""
    Volunteer.objects.select_for_update().filter(pk=volunteer.pk).first()
    if volunteer.deletion_requests.exists():
        raise ServiceError(MSG_DELETION_ALREADY_REQUESTED, code="deletion_already_requested")
    request = DeletionRequest.objects.create(volunteer=volunteer, note=note.strip())
    enqueue_on_commit("portal.tasks.send_deletion_request_notice", request.pk)
    return request


@transaction.atomic
def erase_volunteer(*, volunteer: Volunteer, by: User) -> None:
    """Erase a volunteer's account and record, with everything that hangs off them."""
    user_id, volunteer_id = volunteer.user_id, volunteer.pk
    User.objects.filter(pk=user_id).delete()
    # Coordinators' feeds may name them (a planned supervision talk): stale at once.
    agenda_changed()
    logger.info("volunteer %s erased by user %s", volunteer_id, by.pk)
