"""The referral rules: routing by postcode, the status route, who is told what."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from portal.errors import ServiceError
from support.referrals import services
from support.referrals.models import Referral, ReferralStatus, ReferralStatusChange
from support.referrals.services import (
    assign_referral_to_branch,
    change_referral_status,
    route_to_branch,
    submit_referral,
)
from tests.portal.factories import BranchFactory
from tests.support.referrals.conftest import family, referrer

pytestmark = pytest.mark.django_db

S = ReferralStatus


# --- Routing by postcode ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("postcode", "expected"),
    [
        ("3500 AA", "utrecht"),  # the first number of the range
        ("3585 ZZ", "utrecht"),  # the last
        ("3531ab", "utrecht"),
        (" 3531 ab ", "utrecht"),
        ("8011 AB", "zwolle"),
        ("3499 ZZ", None),  # just outside
        ("3586 AA", None),
        ("9711 JK", None),  # no branch at all here
    ],
)
def test_route_to_branch(branch, other_branch, postcode, expected):
    found = route_to_branch(postcode)
    assert (found.slug if found else None) == expected


@pytest.mark.parametrize(
    "postcode", ["", "1234", "0123 AB", "35311 AB", "AB 3531", "3531 A", "3531-AB", "३५३१ AB"]
)
def test_malformed_postcodes_route_nowhere(branch, postcode):
    assert route_to_branch(postcode) is None


@pytest.mark.parametrize("postcode", ["1234", "0123 AB", "AB 3531", "", "3531 ABC"])
def test_malformed_postcode_is_refused_before_anything_is_stored(branch, postcode):
    with pytest.raises(ValidationError):
        submit_referral(family=family(postcode=postcode), referrer=referrer(), parents_consent=True)
    assert not Referral.objects.exists()


@given(postcode=st.text(max_size=12))
def test_routing_never_fails_on_any_text(branch, postcode):
    found = route_to_branch(postcode)
    assert found is None or found == branch


def test_overlapping_areas_route_to_the_same_branch_every_time(branch):
    BranchFactory(name="Home-Start Aaa", slug="aaa", ranges=[(3530, 3539)])
    assert route_to_branch("3531 AB").slug == "aaa"  # first by name, always


def test_referral_is_stored_and_routed(branch):
    referral = submit_referral(family=family(), referrer=referrer(), parents_consent=True)
    assert referral.branch == branch
    assert referral.kind == "referrer"
    assert referral.status == S.NEW
    assert referral.postcode == "3531 AB"
    assert referral.children_count == 2 and referral.children_ages == [0, 3]
    assert referral.referrer_category == "youth_health_care"
    assert referral.reference.startswith("HS-") and len(referral.reference) == 9
    assert list(referral.status_changes.values_list("to_status", flat=True)) == [S.NEW]


def test_referral_no_branch_covers_goes_to_national_staff(branch):
    referral = submit_referral(
        family=family(postcode="9711 JK"), referrer=referrer(), parents_consent=True
    )
    assert referral.branch is None


def test_parents_can_register_themselves(branch):
    referral = submit_referral(
        family=family(email="Ouder@Example.org"), referrer=None, parents_consent=True
    )
    assert referral.kind == "parents"
    assert referral.referrer_category == "family"
    assert referral.family_email == "ouder@example.org"
    assert referral.referrer_name == ""


def test_expecting_parents_without_children_yet(branch):
    due = timezone.localdate() + datetime.timedelta(days=60)
    referral = submit_referral(
        family=family(children_ages=[], due_date=due), referrer=referrer(), parents_consent=True
    )
    assert referral.expecting and referral.children_count == 0


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"parents_consent": False}, "consent_required"),
        ({"family": family(children_ages=[], due_date=None)}, "children_or_due_date"),
        ({"referrer": referrer(email=" ")}, "referrer_email_required"),
    ],
)
def test_refused_referral_stores_nothing(branch, kwargs, code, django_capture_on_commit_callbacks):
    arguments = {"family": family(), "referrer": referrer(), "parents_consent": True} | kwargs
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ServiceError) as refused:
        submit_referral(**arguments)
    assert refused.value.code == code
    assert not Referral.objects.exists() and not ReferralStatusChange.objects.exists()
    assert callbacks == []


def test_consent_message_is_dutch(branch):
    with pytest.raises(ServiceError) as refused:
        submit_referral(family=family(), referrer=referrer(), parents_consent=False)
    assert str(refused.value) == str(services.MSG_CONSENT_REQUIRED)
    assert "ouders" in str(refused.value)


def test_notice_and_confirmation_are_queued_on_commit(branch, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        submit_referral(family=family(), referrer=referrer(), parents_consent=True)
    assert len(callbacks) == 2


# --- The status route -----------------------------------------------------------------


def walk(referral, *statuses, by=None, reason=""):
    for status in statuses:
        change_referral_status(
            referral=referral,
            to_status=status,
            by=by,
            reason=reason if status == S.NOT_SUITABLE else "",
        )


def test_full_route_is_recorded_and_closes(referral, coordinator):
    walk(referral, S.CONTACTED, S.INTAKE_DONE, S.SUPPORT_STARTED, S.SUPPORT_ENDED, by=coordinator)
    assert referral.status == S.SUPPORT_ENDED
    assert referral.closed_at is not None
    history = list(referral.status_changes.order_by("changed_at", "id"))
    assert [(c.from_status, c.to_status) for c in history] == [
        ("", S.NEW),
        (S.NEW, S.CONTACTED),
        (S.CONTACTED, S.INTAKE_DONE),
        (S.INTAKE_DONE, S.SUPPORT_STARTED),
        (S.SUPPORT_STARTED, S.SUPPORT_ENDED),
    ]
    assert history[-1].changed_by == coordinator


@pytest.mark.parametrize(
    ("path", "to", "code"),
    [
        ([], S.SUPPORT_STARTED, "transition_not_allowed"),  # no support before the intake
        ([], S.NEW, "same_status"),
        ([S.CONTACTED, S.INTAKE_DONE, S.SUPPORT_STARTED], S.NOT_SUITABLE, "transition_not_allowed"),
        (
            [S.CONTACTED, S.INTAKE_DONE, S.SUPPORT_STARTED, S.SUPPORT_ENDED],
            S.CONTACTED,
            "transition_not_allowed",
        ),
    ],
)
def test_status_route_refuses_jumps(referral, path, to, code):
    walk(referral, *path)
    before = referral.status_changes.count()
    with pytest.raises(ServiceError) as refused:
        change_referral_status(referral=referral, to_status=to, by=None)
    assert refused.value.code == code
    assert referral.status_changes.count() == before


def test_not_suitable_needs_a_reason_and_keeps_it(referral):
    with pytest.raises(ServiceError) as refused:
        change_referral_status(referral=referral, to_status=S.NOT_SUITABLE, by=None)
    assert refused.value.code == "reason_required"
    change_referral_status(
        referral=referral, to_status=S.NOT_SUITABLE, by=None, reason="professional_care"
    )
    assert referral.not_suitable_reason == "professional_care"
    assert referral.is_closed


def test_reason_belongs_to_not_suitable_only(referral):
    with pytest.raises(ServiceError) as refused:
        change_referral_status(
            referral=referral, to_status=S.CONTACTED, by=None, reason="professional_care"
        )
    assert refused.value.code == "reason_not_expected"


@pytest.mark.parametrize("status", [S.SUPPORT_STARTED, S.SUPPORT_ENDED])
def test_referrer_is_told_when_support_starts_and_ends(
    referral, status, django_capture_on_commit_callbacks
):
    walk(referral, S.CONTACTED, S.INTAKE_DONE)
    if status == S.SUPPORT_ENDED:
        walk(referral, S.SUPPORT_STARTED)
    with django_capture_on_commit_callbacks() as callbacks:
        change_referral_status(referral=referral, to_status=status, by=None)
    assert len(callbacks) == 1


def test_nobody_is_told_of_the_other_steps(referral, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        walk(referral, S.CONTACTED, S.INTAKE_DONE)
    assert callbacks == []


def test_parents_who_registered_themselves_get_no_step_8_mail(
    branch, django_capture_on_commit_callbacks
):
    referral = submit_referral(family=family(), referrer=None, parents_consent=True)
    walk(referral, S.CONTACTED, S.INTAKE_DONE)
    with django_capture_on_commit_callbacks() as callbacks:
        walk(referral, S.SUPPORT_STARTED)
    assert callbacks == []


def test_assign_to_another_branch_tells_its_coordinators(
    referral, other_branch, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        assign_referral_to_branch(referral=referral, branch=other_branch, by=staff)
    assert referral.branch == other_branch
    assert len(callbacks) == 1
    with pytest.raises(ServiceError):
        assign_referral_to_branch(referral=referral, branch=other_branch, by=staff)


def test_reference_is_unique_even_when_the_dice_repeat(branch, monkeypatch):
    first = submit_referral(family=family(), referrer=referrer(), parents_consent=True)
    codes = iter([first.reference, first.reference, "HS-NEWONE"])
    monkeypatch.setattr(services, "_new_reference", lambda: next(codes))
    second = submit_referral(family=family(), referrer=referrer(), parents_consent=True)
    assert second.reference == "HS-NEWONE"


def test_str_is_the_reference_never_a_name(referral):
    assert str(referral) == referral.reference
    assert "Haddouchi" not in str(referral)


def test_a_chosen_municipality_is_stored_and_named_in_the_text_field(branch):
    from portal.models import Municipality

    houten, _ = Municipality.objects.get_or_create(cbs_code="GM0321", defaults={"name": "Houten"})
    referral = submit_referral(
        family=family(municipality="", cbs_municipality=houten),
        referrer=referrer(),
        parents_consent=True,
    )
    assert referral.cbs_municipality == houten and referral.municipality == houten.name
