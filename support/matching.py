""" "Vrijwilliger zoeken": which volunteers of the branch could support this family.

Candidates are the branch's active volunteers below their own maximum of families,
ranked by a shared language first, then by how many of the family's dagdelen they are
available, then by nearness (same municipality, then a nearby postcode), then by the
lightest current load. One query, whatever the number of volunteers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q, Value
from django.db.models.functions import Coalesce

from portal.models import Volunteer
from portal.models.branches import postcode_number
from portal.models.volunteers import AVAILABILITY_CHOICES, VolunteerStatus
from support.models import OPEN_STATUSES
from support.referrals.models import Referral
from support.services import DEFAULT_MAX_FAMILIES

# Four-digit postcodes this close count as nearby (3531 and 3544: yes; 3531 and 3600: no).
NEARBY_POSTCODE_DISTANCE = 20
NEAR_MUNICIPALITY, NEAR_POSTCODE, NEAR_NONE = 2, 1, 0
DAY_PART_CODES = {code for code, _label in AVAILABILITY_CHOICES}


@dataclass(frozen=True)
class Candidate:
    volunteer: Volunteer
    load: int
    maximum: int
    shared_languages: tuple[str, ...]
    shared_day_parts: tuple[str, ...]
    nearness: int

    @property
    def rank(self) -> tuple:
        return (
            bool(self.shared_languages),
            len(self.shared_day_parts),
            self.nearness,
            -self.load,
        )


def _nearness(volunteer: Volunteer, referral: Referral) -> int:
    city, municipality = volunteer.city.strip().lower(), referral.municipality.strip().lower()
    if city and city == municipality:
        return NEAR_MUNICIPALITY
    mine, theirs = postcode_number(volunteer.postcode), postcode_number(referral.postcode)
    if mine is not None and theirs is not None and abs(mine - theirs) <= NEARBY_POSTCODE_DISTANCE:
        return NEAR_POSTCODE
    return NEAR_NONE


def find_candidates(
    *, referral: Referral, day_parts: list[str] | tuple[str, ...] = ()
) -> list[Candidate]:
    """The volunteers who could be proposed for `referral`, best first."""
    if referral.branch_id is None:
        return []
    wanted_parts = [part for part in day_parts if part in DAY_PART_CODES]
    volunteers = (
        Volunteer.objects.filter(branch_id=referral.branch_id, status=VolunteerStatus.ACTIVE)
        .select_related("user")
        .annotate(
            load=Count("matches", filter=Q(matches__status__in=OPEN_STATUSES)),
            maximum=Coalesce("support_settings__max_families", Value(DEFAULT_MAX_FAMILIES)),
        )
        .filter(load__lt=F("maximum"))
    )
    language = referral.family_language
    candidates = [
        Candidate(
            volunteer=volunteer,
            load=volunteer.load,
            maximum=volunteer.maximum,
            shared_languages=tuple(code for code in volunteer.languages if code == language),
            shared_day_parts=tuple(p for p in wanted_parts if p in (volunteer.availability or [])),
            nearness=_nearness(volunteer, referral),
        )
        for volunteer in volunteers
    ]
    candidates.sort(key=lambda c: c.volunteer.full_name.lower())
    candidates.sort(key=lambda c: c.rank, reverse=True)
    return candidates
