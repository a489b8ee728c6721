"""Demo content of the support route, made through the services: per branch with
active volunteers, a few running matches with weekly visits (one reaching 17 months,
so it should be wound down soon), one just proposed, and one open safety concern.
Safe to run twice."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from portal.models import Branch, Volunteer
from portal.models.volunteers import VolunteerStatus
from support import services
from support.models import Match, Programme, VisitKind
from support.referrals.models import ReferralStatus
from support.referrals.services import (
    FamilyDetails,
    ReferrerDetails,
    change_referral_status,
    submit_referral,
)

# (first name, family name, street, language, question kinds, programme, months running
#  or None for a proposal, with a concern)
FAMILIES = [
    (
        "Samira",
        "Fam. El Amrani",
        "Lindelaan 4",
        "ar",
        ["listening_ear", "parenting"],
        "home_start",
        4,
        False,
    ),
    (
        "Lotte",
        "Fam. Visser",
        "Kerkstraat 12",
        "nl",
        ["relief", "childcare"],
        "home_start_plus",
        17,
        False,
    ),
    (
        "Olena",
        "Fam. Kovalenko",
        "Parkweg 31",
        "uk",
        ["language", "local_services"],
        "home_start",
        2,
        True,
    ),
    ("Aylin", "Fam. Demir", "Molenweg 8", "tr", ["social_isolation"], "home_start", None, False),
]


def _months_ago(today: datetime.date, months: int) -> datetime.date:
    return services.add_months(today, -months)


def _referral(branch: Branch, number: int, family: tuple, postcode: str):
    first, name, _street, language, kinds, *_rest = family
    referral = submit_referral(
        family=FamilyDetails(
            name=f"{first} {name.removeprefix('Fam. ')}",
            phone=f"06 {31_425_364 + number * 1_010_101}",
            postcode=postcode,
            municipality=branch.municipality_list[0] if branch.municipality_list else "",
            language=language,
            children_ages=[1, 4],
            support_questions=kinds,
        ),
        referrer=ReferrerDetails(
            name="Petra Jansen",
            organisation="Wijkteam Centrum",
            category="municipality",
            role="wijkcoach",
            email="petra@verwijzer.example",
        ),
        parents_consent=True,
    )
    coordinator = branch.coordinators.first()
    change_referral_status(referral=referral, to_status=ReferralStatus.CONTACTED, by=coordinator)
    change_referral_status(referral=referral, to_status=ReferralStatus.INTAKE_DONE, by=coordinator)
    return referral


@transaction.atomic
def build_support_demo(stdout=None) -> None:
    if Match.objects.exists():
        return
    today = timezone.localdate()
    made = 0
    for branch in Branch.objects.prefetch_related("postcode_ranges").order_by("name"):
        volunteers = list(
            Volunteer.objects.filter(branch=branch, status=VolunteerStatus.ACTIVE).order_by("pk")
        )
        ranges = list(branch.postcode_ranges.all())
        if not volunteers or not ranges:
            continue
        postcode = f"{ranges[0].first} AB"
        coordinator = branch.coordinators.first()
        for number, (family, volunteer) in enumerate(zip(FAMILIES, volunteers, strict=False)):
            first, _name, street, _language, _kinds, programme, months, concern = family
            referral = _referral(branch, number, family, postcode)
            if referral.branch_id != branch.pk:
                continue
            started = _months_ago(today, months) if months else today
            match = services.propose_match(
                referral=referral,
                volunteer=volunteer,
                programme=programme or Programme.HOME_START,
                by=coordinator,
                family_first_name=first,
                family_address=f"{street}, {referral.municipality}".strip(", "),
                today=started - datetime.timedelta(days=14),
            )
            made += 1
            if months is None:
                continue
            services.record_introduction(
                match=match, on=started - datetime.timedelta(days=7), by=coordinator
            )
            services.start_match(match=match, on=started, by=coordinator)
            # Weekly visits, one in six not happening, the last one a week ago.
            day, week = started + datetime.timedelta(days=1), 0
            while day <= today - datetime.timedelta(days=7):
                kind = VisitKind.CANCELLED_BY_FAMILY if week % 6 == 5 else VisitKind.DONE
                services.log_visit(
                    match=match,
                    by=volunteer.user,
                    on=day,
                    kind=kind,
                    minutes=180 if week % 3 else 150,
                    today=today,
                )
                day += datetime.timedelta(days=7)
                week += 1
            if concern:
                services.raise_concern(match=match, by=volunteer.user)
    if stdout:
        stdout.write(f"  support: {made} matches")
