"""What a volunteer sees of their family: only while the match runs.

`family_summary(volunteer)` runs three queries, whatever the number of matches or visits.
"""

from __future__ import annotations

from django.db.models import Max
from django.utils import timezone

from portal.models import Volunteer
from support import services
from support.forms import VisitForm
from support.models import YEARLY_HOURS_AVERAGE, Match, VolunteerSupportSettings


def family_summary(volunteer: Volunteer, *, only_with_match: bool = False) -> dict | None:
    """None when `only_with_match` and the volunteer has no running match (one query)."""
    today = timezone.localdate()
    matches = list(
        Match.objects.active()
        .filter(volunteer=volunteer)
        .select_related("referral", "branch", "created_by")
        .annotate(last_visit=Max("visits__date"))
        .order_by("started_on", "pk")
    )
    if only_with_match and not matches:
        return None
    minutes = services.minutes_in_year(volunteer=volunteer, year=today.year)
    found = VolunteerSupportSettings.objects.filter(volunteer=volunteer).first()
    hours = minutes / 60
    return {
        "matches": matches,
        "hours_this_year": hours,
        "average_hours": YEARLY_HOURS_AVERAGE,
        "percent_of_average": min(round(100 * hours / YEARLY_HOURS_AVERAGE), 100),
        "weekly_email": found.weekly_email if found else True,
        "visit_form": VisitForm(),
        "today": today,
    }
