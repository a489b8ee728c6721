"""What intervision adds to a volunteer's admin record, to their data download and to
the coordinators' weekly digest."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from intervision.models import Attendance, IntervisionGroup, Rsvp, SessionNote
from intervision.services import (
    MISSED_IN_A_ROW,
    attendance_summary,
    volunteers_missing_in_a_row,
)
from portal.models import Volunteer
from portal.registry import DigestRow, DigestSection


def attendance_record_section(volunteer: Volunteer) -> dict | None:
    groups = list(IntervisionGroup.objects.filter(members=volunteer).values_list("name", flat=True))
    summary = attendance_summary(volunteer)
    if not groups and not summary.recorded:
        return None
    if summary.rate is None:
        rate = _("nog geen aanwezigheid vastgelegd")
    else:
        rate = _("%(rate)s%% (%(present)s van %(recorded)s bijeenkomsten)") % {
            "rate": summary.rate,
            "present": summary.present,
            "recorded": summary.recorded,
        }
    rows = [
        (_("Intervisiegroep"), ", ".join(groups) or "–"),
        (_("Aanwezigheid bij intervisie"), rate),
    ]
    if summary.missed_in_a_row >= MISSED_IN_A_ROW:
        rows.append(
            (
                _("Let op"),
                _("%(count)s keer achter elkaar afwezig") % {"count": summary.missed_in_a_row},
            )
        )
    return {"title": _("Intervisie"), "rows": rows}


def absence_digest_sections(
    *, branch_ids: list[int], today: datetime.date
) -> dict[int, DigestSection]:
    """Per branch: the volunteers who missed the last three recorded sessions in a row."""
    return {
        branch_id: DigestSection(
            title=_("Drie keer achter elkaar afwezig bij intervisie"),
            intro=_(
                "Deze vrijwilligers waren bij de laatste drie intervisiebijeenkomsten van "
                "hun groep afwezig. Misschien is het tijd om even contact op te nemen."
            ),
            rows=tuple(
                DigestRow(
                    text=volunteer.full_name,
                    url=reverse("portal_volunteer:edit", args=[volunteer.pk]),
                )
                for volunteer in sorted(flagged, key=lambda v: v.full_name)
            ),
            order=50,
        )
        for branch_id, flagged in volunteers_missing_in_a_row(branch_ids=branch_ids).items()
    }


def export_intervision_data(volunteer: Volunteer) -> dict:
    """The volunteer's groups, answers and attendance; notes they wrote themselves."""
    return {
        "intervision": {
            "groups": list(
                IntervisionGroup.objects.filter(members=volunteer).values_list("name", flat=True)
            ),
            "answers": [
                {"session_start": start.isoformat(), "answer": answer}
                for start, answer in Rsvp.objects.filter(volunteer=volunteer).values_list(
                    "session__start", "answer"
                )
            ],
            "attendance": [
                {"session_start": start.isoformat(), "present": present}
                for start, present in Attendance.objects.filter(volunteer=volunteer).values_list(
                    "session__start", "present"
                )
            ],
            "notes_written": [
                {"session_start": start.isoformat(), "text": text}
                for start, text in SessionNote.objects.filter(author=volunteer.user).values_list(
                    "session__start", "text"
                )
            ],
        }
    }
