"""Families, volunteers and matches for the support tests.

`family_referral` is a referral of `branch` whose introduction visit is done (ready for
a match); `active_volunteer` an active volunteer of `branch`; `running_match` a match
between them, started 60 days ago. The family's data is in FAMILY_SECRETS, for tests
that scan e-mails, logs, URLs and feeds for it.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from portal.models.volunteers import VolunteerStatus
from support import services
from support.referrals.models import ReferralStatus
from support.referrals.services import change_referral_status, submit_referral
from tests.portal.factories import VolunteerFactory
from tests.support.referrals.conftest import FAMILY_NAME, FAMILY_PHONE, family, referrer

FAMILY_FIRST_NAME = "Yasmina"
FAMILY_ADDRESS = "Kanaalweg 17, Utrecht"
FAMILY_SECRETS = (
    FAMILY_NAME,
    FAMILY_FIRST_NAME,
    FAMILY_PHONE,
    "98765432",
    FAMILY_ADDRESS,
    "Kanaalweg",
)


def ready_referral(**family_overrides):
    referral = submit_referral(
        family=family(**family_overrides), referrer=referrer(), parents_consent=True
    )
    change_referral_status(referral=referral, to_status=ReferralStatus.INTAKE_DONE, by=None)
    referral.refresh_from_db()
    return referral


def active_volunteer_of(branch, **kwargs):
    kwargs.setdefault("status", VolunteerStatus.ACTIVE)
    return VolunteerFactory(branch=branch, **kwargs)


def start_new_match(referral, volunteer, *, started_days_ago: int = 60, by=None):
    today = timezone.localdate()
    started = today - datetime.timedelta(days=started_days_ago)
    match = services.propose_match(
        referral=referral,
        volunteer=volunteer,
        by=by,
        family_first_name=FAMILY_FIRST_NAME,
        family_address=FAMILY_ADDRESS,
        today=started - datetime.timedelta(days=7),
    )
    services.record_introduction(match=match, on=started - datetime.timedelta(days=3), by=by)
    return services.start_match(match=match, on=started, by=by)


@pytest.fixture
def family_referral(branch):
    return ready_referral(support_questions=["listening_ear", "parenting"])


@pytest.fixture
def other_family_referral(other_branch):
    return ready_referral(name="Fam. Jansen", postcode="8011 AB", municipality="Zwolle")


@pytest.fixture
def active_volunteer(volunteer):
    """The suite's `volunteer` (Anouk Smit, Utrecht), active."""
    volunteer.status = VolunteerStatus.ACTIVE
    volunteer.languages = ["nl", "ar"]
    volunteer.availability = ["tue_morning", "thu_morning"]
    volunteer.save()
    return volunteer


@pytest.fixture
def running_match(family_referral, active_volunteer, coordinator):
    return start_new_match(family_referral, active_volunteer, by=coordinator)
