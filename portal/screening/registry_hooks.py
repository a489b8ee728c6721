"""How screening plugs into portal: the status rule, the listener that keeps the
checklist in step with the record, the record section, Mijn Home-Start, the download."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from portal.registry import (
    COORDINATOR,
    NATIONAL_STAFF,
    DigestRow,
    DigestSection,
    MijnSection,
    register_agenda_provider,
    register_demo_builder,
    register_digest_provider,
    register_mijn_section,
    register_personal_data_exporter,
    register_role_permissions,
    register_status_rule,
    register_volunteer_event_listener,
    register_volunteer_record_section,
)
from portal.screening import services
from portal.screening.agenda import supervision_agenda
from portal.screening.demo import build_screening_demo

# Coordinators keep the checklists and supervision of their branches and add their
# branch's item types; national staff set the national types and read the checklists
# (never the supervision notes: those are for the branch).
COORDINATOR_PERMISSIONS = [
    "screening.view_checklistitem",
    "screening.change_checklistitem",
    "screening.view_checklistitemtype",
    "screening.add_checklistitemtype",
    "screening.change_checklistitemtype",
    "screening.delete_checklistitemtype",
    "screening.view_supervisioncontact",
    "screening.add_supervisioncontact",
]
NATIONAL_STAFF_PERMISSIONS = [
    "screening.view_checklistitem",
    "screening.view_checklistitemtype",
    "screening.add_checklistitemtype",
    "screening.change_checklistitemtype",
    "screening.delete_checklistitemtype",
]


def record_section(volunteer) -> dict | None:
    """The checklist's state on the volunteer's admin record, with the way to tick it."""
    rows = services.checklist(volunteer)
    lines = []
    for row in rows:
        value = row.state_label
        if row.done_on:
            value = f"{value} ({row.done_on:%d-%m-%Y}"
            value += f", {_('tot')} {row.expires_on:%d-%m-%Y})" if row.expires_on else ")"
        lines.append((row.item_type.name, value))
    for callback in volunteer.callback_requests.filter(answered_at__isnull=True):
        lines.append(
            (
                _("Bel mij terug"),
                _("gevraagd op %(date)s, liefst op %(when)s")
                % {
                    "date": date_format(timezone.localtime(callback.requested_at), "j F Y"),
                    "when": callback.preferred_label,
                },
            )
        )
    return {
        "title": _("Screening"),
        "rows": lines,
        "links": [
            (
                _("Screening en begeleiding bijwerken"),
                reverse("screening_admin:volunteer", args=[volunteer.pk]),
            )
        ],
    }


def mijn_section(request, volunteer) -> MijnSection | None:
    """ "Nog te doen: vrijwilligersovereenkomst tekenen": the volunteer's own checklist."""
    if volunteer is None:
        return None
    rows = services.checklist(volunteer, visible_only=True)
    if not rows:
        return None
    from portal.models import AVAILABILITY_CHOICES

    return MijnSection(
        title=_("Mijn screening"),
        template="screening/mijn_section.html",
        context={
            "todo": [row for row in rows if not row.is_valid],
            "done": [row for row in rows if row.is_valid],
            "open_callback": volunteer.callback_requests.filter(answered_at__isnull=True).first(),
            "day_parts": AVAILABILITY_CHOICES,
        },
    )


def personal_data(volunteer) -> dict:
    rows = services.checklist(volunteer)

    def iso(value):
        return value.isoformat() if value else None

    return {
        "screening": [
            {
                "item": row.item_type.name,
                "state": row.state,
                "requested_on": iso(row.requested_on),
                "done_on": iso(row.done_on),
                "expires_on": iso(row.expires_on),
            }
            for row in rows
            if row.item is not None or row.item_type.visible_to_volunteer
        ],
        "supervision": [
            {
                "date": contact.held_on.isoformat(),
                "kind": contact.kind,
                "note": contact.note,
            }
            for contact in volunteer.supervision_contacts.order_by("held_on", "id")
        ],
        "callback_requests": [
            {
                "requested_at": callback.requested_at.isoformat(),
                "preferred": callback.preferred,
                "answered_at": iso(callback.answered_at),
            }
            for callback in volunteer.callback_requests.order_by("requested_at")
        ],
        "supervision_planned": [
            {"kind": plan.kind, "due_on": plan.due_on.isoformat()}
            for plan in volunteer.supervision_plans.order_by("due_on")
        ],
    }


# The weekly digest lists the talks due this week and next, and every overdue one.
DIGEST_HORIZON = datetime.timedelta(weeks=2)


def digest_sections(*, branch_ids: list[int], today: datetime.date) -> dict[int, DigestSection]:
    """Per branch: supervision talks overdue or due within two weeks (one query)."""
    rows: dict[int, list[DigestRow]] = {}
    for plan in services.supervision_due(branch_ids, until=today + DIGEST_HORIZON).select_related(
        "volunteer__user"
    ):
        late = plan.due_on < today
        text = (
            _("%(kind)s met %(name)s, te laat sinds %(date)s")
            if late
            else _("%(kind)s met %(name)s, gepland voor %(date)s")
        ) % {
            "kind": str(plan.get_kind_display()).capitalize(),
            "name": plan.volunteer.full_name,
            "date": date_format(plan.due_on, "j F Y"),
        }
        rows.setdefault(plan.volunteer.branch_id, []).append(
            DigestRow(text=text, url=reverse("screening_admin:volunteer", args=[plan.volunteer_id]))
        )
    return {
        branch_id: DigestSection(
            title=_("Begeleidingsgesprekken"),
            intro=_("Gesprekken die te laat zijn of in de komende twee weken gepland staan."),
            rows=tuple(branch_rows),
            order=45,
        )
        for branch_id, branch_rows in rows.items()
    }


def register() -> None:
    register_role_permissions(COORDINATOR, COORDINATOR_PERMISSIONS)
    register_role_permissions(NATIONAL_STAFF, NATIONAL_STAFF_PERMISSIONS)
    register_status_rule(services.status_rule)
    register_volunteer_event_listener(services.on_volunteer_event)
    register_volunteer_record_section(record_section)
    register_mijn_section(mijn_section, order=15)
    register_personal_data_exporter(personal_data)
    register_digest_provider(digest_sections)
    register_agenda_provider(supervision_agenda, own_branches_only=True)
    # After the volunteers (portal, 0), whom it supervises.
    register_demo_builder("screening", build_screening_demo, order=10)
