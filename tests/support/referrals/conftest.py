from __future__ import annotations

import pytest

from support.referrals.services import FamilyDetails, ReferrerDetails, submit_referral
from tests.pages.conftest import public_site  # noqa: F401  (the form pages live there)

FAMILY_NAME = "Yasmina Haddouchi"
FAMILY_PHONE = "06 98765432"
FAMILY_POSTCODE = "3531 AB"
QUESTION = (
    "Moeder voelt zich alleen sinds de verhuizing en zou graag iemand hebben om mee te praten."
)
REFERRER_EMAIL = "marieke@consultatiebureau.example"


def referral_form_data(**overrides) -> dict:
    """A complete, valid referral by a referrer (the form's field names)."""
    data = {
        "referrer_name": "Marieke Dekker",
        "referrer_organisation": "Consultatiebureau Utrecht-West",
        "referrer_category": "youth_health_care",
        "referrer_role": "jeugdverpleegkundige",
        "referrer_email": REFERRER_EMAIL,
        "referrer_phone": "030 1234567",
        "family_name": FAMILY_NAME,
        "family_phone": FAMILY_PHONE,
        "postcode": FAMILY_POSTCODE,
        "municipality": "",
        "family_language": "ar",
        "children_count": "2",
        "children_ages": "0, 3",
        "support_questions": ["listening_ear", "social_isolation"],
        "question": QUESTION,
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def self_registration_data(**overrides) -> dict:
    data = referral_form_data(**overrides)
    for name in list(data):
        if name.startswith("referrer_"):
            del data[name]
    data.setdefault("family_email", "yasmina@example.org")
    return data


FAMILY_DATA = (
    FAMILY_NAME,
    FAMILY_PHONE,
    "98765432",
    FAMILY_POSTCODE,
    "3531",
    "Haddouchi",
    QUESTION[:30],
)


def family(**overrides) -> FamilyDetails:
    values = {
        "name": FAMILY_NAME,
        "phone": FAMILY_PHONE,
        "postcode": FAMILY_POSTCODE,
        "municipality": "Utrecht",
        "language": "ar",
        "children_ages": [0, 3],
        "question": QUESTION,
        "support_questions": ["listening_ear"],
    }
    values.update(overrides)
    return FamilyDetails(**values)


def referrer(**overrides) -> ReferrerDetails:
    values = {
        "name": "Marieke Dekker",
        "organisation": "Consultatiebureau Utrecht-West",
        "category": "youth_health_care",
        "role": "jeugdverpleegkundige",
        "email": REFERRER_EMAIL,
    }
    values.update(overrides)
    return ReferrerDetails(**values)


@pytest.fixture
def referral(branch):
    """A referral by a referrer, routed to `branch` (Utrecht)."""
    return submit_referral(family=family(), referrer=referrer(), parents_consent=True)


@pytest.fixture
def other_referral(other_branch):
    """A referral routed to `other_branch` (Zwolle)."""
    return submit_referral(
        family=family(name="Fam. Jansen", postcode="8011 AB", municipality="Zwolle"),
        referrer=referrer(),
        parents_consent=True,
    )
