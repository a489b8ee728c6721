"""Demo referrals, submitted and moved along through the services: a few per branch in
different statuses, one no branch covers (for national staff), one whose personal data
has been erased. Safe to run twice."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from support.referrals.models import Referral, ReferralStatus
from support.referrals.services import (
    FamilyDetails,
    ReferrerDetails,
    change_referral_status,
    erase_referral,
    submit_referral,
)

S = ReferralStatus

# (family name, postcode, municipality, language, ages, due in days, question kinds,
#  referrer (name, organisation, category, role) or None, statuses to walk through)
REFERRALS = [
    (
        "Fam. Yilmaz",
        "3531 AB",
        "Utrecht",
        "tr",
        [0, 3],
        None,
        ["relief", "social_isolation"],
        (
            "Marieke Dekker",
            "Consultatiebureau Utrecht-West",
            "youth_health_care",
            "jeugdverpleegkundige",
        ),
        [],
    ),
    (
        "Anna de Groot",
        "3431 CD",
        "Nieuwegein",
        "nl",
        [],
        90,
        ["listening_ear", "parenting"],
        ("Ilse Verbeek", "Verloskundigenpraktijk De Wieg", "primary_care", "verloskundige"),
        [S.CONTACTED],
    ),
    (
        "Fam. Haddad",
        "3813 EF",
        "Amersfoort",
        "ar",
        [1, 4, 6],
        None,
        ["local_services", "language", "household"],
        ("Peter Smit", "Wijkteam Amersfoort-Noord", "municipality", "wijkcoach"),
        [S.CONTACTED, S.INTAKE_DONE, S.SUPPORT_STARTED],
    ),
    (
        "Olena Kovalenko",
        "8011 GH",
        "Zwolle",
        "uk",
        [2],
        None,
        ["social_isolation", "language"],
        None,
        [S.CONTACTED],
    ),
    (
        "Fam. Bakker",
        "9711 JK",
        "Groningen",
        "nl",
        [5, 7],
        None,
        ["parenting"],
        ("Sara Mulder", "Basisschool De Regenboog", "education", "intern begeleider"),
        [],
    ),
    (
        "Fam. Ahmadi",
        "3512 LM",
        "Utrecht",
        "fa",
        [3],
        None,
        ["relief"],
        ("Joris Hendriks", "Huisartsenpraktijk Lombok", "primary_care", "huisarts"),
        [S.CONTACTED, S.INTAKE_DONE, S.SUPPORT_STARTED, S.SUPPORT_ENDED],
    ),
]


@transaction.atomic
def build_referrals_demo(stdout=None) -> None:
    if Referral.objects.exists():
        return
    today = timezone.localdate()
    for number, (
        family,
        postcode,
        municipality,
        language,
        ages,
        due_in,
        kinds,
        referrer,
        statuses,
    ) in enumerate(REFERRALS):
        referral = submit_referral(
            family=FamilyDetails(
                name=family,
                phone=f"06 {21_436_587 + number * 1_111_111}",
                postcode=postcode,
                municipality=municipality,
                language=language,
                children_ages=ages,
                due_date=today + datetime.timedelta(days=due_in) if due_in else None,
                question=(
                    "Moeder staat er veel alleen voor en zou graag iemand hebben om mee te "
                    "praten en samen dingen met de kinderen te ondernemen."
                ),
                support_questions=kinds,
            ),
            referrer=ReferrerDetails(
                name=referrer[0],
                organisation=referrer[1],
                category=referrer[2],
                role=referrer[3],
                email=referrer[0].split()[0].lower() + "@verwijzer.example",
            )
            if referrer
            else None,
            parents_consent=True,
        )
        coordinator = referral.branch.coordinators.first() if referral.branch else None
        for status in statuses:
            change_referral_status(referral=referral, to_status=status, by=coordinator)
        if referral.status == S.SUPPORT_ENDED:
            erase_referral(referral=referral, by=coordinator)
    if stdout:
        stdout.write(
            f"  referrals: {Referral.objects.count()} "
            f"({Referral.objects.filter(branch__isnull=True).count()} without a branch)"
        )
