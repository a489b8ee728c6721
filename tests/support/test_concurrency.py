"""The volunteer's maximum of families under concurrency, on PostgreSQL: ten
coordinators propose the same volunteer for ten families at the same moment, each on
its own connection; exactly the maximum get through, the rest hear why."""

from __future__ import annotations

import pytest
from django.db import connection

from portal.errors import ServiceError
from support import services
from support.models import Match
from tests.courses.test_overbooking import run_at_once
from tests.support.conftest import active_volunteer_of, ready_referral

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_ten_concurrent_proposals_respect_the_volunteers_maximum(branch):
    volunteer = active_volunteer_of(branch)
    services.set_support_settings(volunteer=volunteer, max_families=2)
    referrals = [ready_referral() for _ in range(10)]
    refusals: list[str] = []

    def propose(referral):
        try:
            services.propose_match(referral=referral, volunteer=volunteer, by=None)
        except ServiceError as error:
            refusals.append(error.code)

    errors = run_at_once([(lambda r=r: propose(r)) for r in referrals])
    assert errors == []
    assert Match.objects.filter(volunteer=volunteer).count() == 2
    assert refusals == ["volunteer_full"] * 8


def test_concurrent_proposals_for_one_family_make_one_match(branch):
    referral = ready_referral()
    volunteers = [active_volunteer_of(branch) for _ in range(6)]
    refusals: list[str] = []

    def propose(volunteer):
        try:
            services.propose_match(referral=referral, volunteer=volunteer, by=None)
        except ServiceError as error:
            refusals.append(error.code)

    assert run_at_once([(lambda v=v: propose(v)) for v in volunteers]) == []
    assert Match.objects.filter(referral=referral).count() == 1
    assert refusals == ["referral_has_match"] * 5
