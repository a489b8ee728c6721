"""Re-matching: when the volunteer stops, the family's support goes on. The referral
stays "ondersteuning gestart" (the referrer hears nothing), the family waits again in
"Vrijwilliger zoeken", and the new match starts without a second message to the
referrer. Any other end reason closes the referral and tells the referrer, as before.
The referrer's messages are read from a real SMTP server."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django.utils.html import escape

from portal.errors import ServiceError
from support import services
from support.models import EndReason, MatchStatus
from support.referrals.models import ReferralStatus
from tests.support.conftest import active_volunteer_of, start_new_match
from tests.support.referrals.conftest import REFERRER_EMAIL

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _subjects(smtp_server) -> list[str]:
    return [m.message["Subject"] for m in smtp_server.messages_to(REFERRER_EMAIL)]


def _end(match, reason, captured):
    with captured(execute=True):
        return services.end_match(
            match=match,
            on=TODAY(),
            reason=reason,
            closing_talk_on=TODAY(),
            outcomes=dict.fromkeys(match.referral.support_questions, "partly"),
            network_grew=False,
            by=None,
        )


def test_volunteer_stops_support_goes_on_and_a_new_match_starts_quietly(
    smtp_server, family_referral, active_volunteer, branch, django_capture_on_commit_callbacks
):
    captured = django_capture_on_commit_callbacks
    with captured(execute=True):
        first = start_new_match(family_referral, active_volunteer)
    assert _subjects(smtp_server) == [f"De ondersteuning is gestart ({family_referral.reference})"]

    _end(first, EndReason.VOLUNTEER_STOPS, captured)
    family_referral.refresh_from_db()
    assert family_referral.status == ReferralStatus.SUPPORT_STARTED
    assert len(_subjects(smtp_server)) == 1  # no "end" message
    assert services.is_ready_for_match(family_referral)
    assert list(services.referrals_waiting_for_volunteer()) == [family_referral]

    second_volunteer = active_volunteer_of(branch)
    with captured(execute=True):
        second = start_new_match(family_referral, second_volunteer, started_days_ago=0)
    assert second.status == MatchStatus.ACTIVE and second.pk != first.pk
    family_referral.refresh_from_db()
    assert family_referral.status == ReferralStatus.SUPPORT_STARTED
    assert len(_subjects(smtp_server)) == 1  # no second "start" message
    assert list(services.referrals_waiting_for_volunteer()) == []
    first.refresh_from_db()
    assert first.status == MatchStatus.ENDED and first.end_reason == EndReason.VOLUNTEER_STOPS

    # The second match ends for another reason: now the referral closes and the
    # referrer hears it, once.
    _end(second, EndReason.GOALS_REACHED, captured)
    family_referral.refresh_from_db()
    assert family_referral.status == ReferralStatus.SUPPORT_ENDED
    assert _subjects(smtp_server) == [
        f"De ondersteuning is gestart ({family_referral.reference})",
        f"De ondersteuning is afgesloten ({family_referral.reference})",
    ]
    assert not services.is_ready_for_match(family_referral)
    with pytest.raises(ServiceError) as refused:
        services.propose_match(referral=family_referral, volunteer=active_volunteer, by=None)
    assert refused.value.code == "referral_not_ready"


@pytest.mark.parametrize("reason", [r for r in EndReason.values if r != EndReason.VOLUNTEER_STOPS])
def test_any_other_end_reason_closes_the_referral_and_tells_the_referrer(
    reason, smtp_server, running_match, family_referral, django_capture_on_commit_callbacks
):
    _end(running_match, reason, django_capture_on_commit_callbacks)
    family_referral.refresh_from_db()
    assert family_referral.status == ReferralStatus.SUPPORT_ENDED
    assert _subjects(smtp_server) == [
        f"De ondersteuning is afgesloten ({family_referral.reference})"
    ]
    assert list(services.referrals_waiting_for_volunteer()) == []


def test_a_withdrawn_proposal_after_the_volunteer_stopped_keeps_the_family_waiting(
    running_match, family_referral, branch, django_capture_on_commit_callbacks
):
    _end(running_match, EndReason.VOLUNTEER_STOPS, django_capture_on_commit_callbacks)
    proposal = services.propose_match(
        referral=family_referral, volunteer=active_volunteer_of(branch), by=None
    )
    assert list(services.referrals_waiting_for_volunteer()) == []
    with pytest.raises(ServiceError) as refused:
        services.propose_match(
            referral=family_referral, volunteer=active_volunteer_of(branch), by=None
        )
    assert refused.value.code == "referral_has_match"
    services.withdraw_match(match=proposal, by=None)
    assert list(services.referrals_waiting_for_volunteer()) == [family_referral]


def test_a_started_referral_without_a_stopped_volunteer_cannot_be_matched_again(
    family_referral, active_volunteer, branch
):
    """A referral set to "ondersteuning gestart" by hand (before the support route
    existed) is not waiting for a volunteer."""
    from support.referrals.services import change_referral_status

    change_referral_status(
        referral=family_referral, to_status=ReferralStatus.SUPPORT_STARTED, by=None
    )
    family_referral.refresh_from_db()
    assert not services.is_ready_for_match(family_referral)
    with pytest.raises(ServiceError) as refused:
        services.propose_match(referral=family_referral, volunteer=active_volunteer, by=None)
    assert refused.value.code == "referral_not_ready"


def test_waiting_and_find_screens_show_the_family_again(
    client_for, running_match, family_referral, branch, django_capture_on_commit_callbacks
):
    client = client_for("coordinator")
    waiting = client.get("/admin/koppelingen/gezinnen/").content.decode()
    assert family_referral.reference not in waiting
    _end(running_match, EndReason.VOLUNTEER_STOPS, django_capture_on_commit_callbacks)
    page = client.get("/admin/koppelingen/gezinnen/").content.decode()
    assert family_referral.reference in page and "vrijwilliger gestopt" in page
    other_page = client_for("other_coordinator").get("/admin/koppelingen/gezinnen/")
    assert family_referral.reference not in other_page.content.decode()
    new_volunteer = active_volunteer_of(branch)
    found = client.get(f"/admin/koppelingen/zoeken/{family_referral.pk}/").content.decode()
    assert escape(new_volunteer.full_name) in found
    response = client.post(
        f"/admin/koppelingen/zoeken/{family_referral.pk}/",
        {"volunteer": new_volunteer.pk, "programme": "home_start"},
    )
    assert response.status_code == 302
    assert family_referral.matches.filter(status=MatchStatus.PROPOSED).count() == 1
