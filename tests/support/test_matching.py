"""Ranking the volunteers for a family."""

from __future__ import annotations

import pytest

from portal.models.volunteers import VolunteerStatus
from support import services
from support.matching import find_candidates
from tests.support.conftest import active_volunteer_of, ready_referral

pytestmark = pytest.mark.django_db


def test_candidates_rank_language_then_day_parts_then_nearness_then_load(branch, other_branch):
    referral = ready_referral(language="ar", postcode="3531 AB", municipality="Utrecht")
    speaks = active_volunteer_of(
        branch, languages=["nl", "ar"], postcode="3800 AA", city="Amersfoort"
    )
    near_and_free = active_volunteer_of(
        branch, languages=["nl"], availability=["tue_morning"], postcode="3532 AB", city="Utrecht"
    )
    free = active_volunteer_of(
        branch, languages=["nl"], availability=["tue_morning"], postcode="3600 AA", city="Maarssen"
    )
    nearby_postcode = active_volunteer_of(
        branch, languages=["nl"], availability=["tue_morning"], postcode="3545 AA", city="Houten"
    )
    busy = active_volunteer_of(
        branch, languages=["nl"], availability=["tue_morning"], postcode="3532 AB", city="Utrecht"
    )
    services.set_support_settings(volunteer=busy, max_families=2)
    services.propose_match(referral=ready_referral(), volunteer=busy, by=None)
    full = active_volunteer_of(branch, languages=["ar"])
    services.propose_match(referral=ready_referral(), volunteer=full, by=None)
    active_volunteer_of(branch, languages=["ar"], status=VolunteerStatus.PAUSED)
    active_volunteer_of(other_branch, languages=["ar"])

    found = find_candidates(referral=referral, day_parts=["tue_morning", "bogus"])

    assert [c.volunteer for c in found] == [speaks, near_and_free, busy, nearby_postcode, free]
    assert found[0].shared_languages == ("ar",)
    assert found[1].shared_day_parts == ("tue_morning",)
    assert (found[2].load, found[2].maximum) == (1, 2)


def test_candidates_run_one_query(branch, django_assert_num_queries):
    referral = ready_referral()
    for _ in range(6):
        active_volunteer_of(branch)
    with django_assert_num_queries(1):
        assert len(find_candidates(referral=referral, day_parts=["mon_morning"])) == 6
