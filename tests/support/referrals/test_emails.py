"""What referrals send, through a real SMTP server: a notice to the branch with a link
and no family data, a confirmation to the referrer, and step 8 of the route (support
started, support ended). Tasks run inline once the transaction commits."""

from __future__ import annotations

import pytest

from support.referrals.models import ReferralStatus
from support.referrals.services import (
    assign_referral_to_branch,
    change_referral_status,
    submit_referral,
)
from tests.portal.factories import BranchFactory
from tests.support.referrals.conftest import FAMILY_DATA, REFERRER_EMAIL, family, referrer

pytestmark = [pytest.mark.django_db, pytest.mark.smtp]

S = ReferralStatus


def text_of(received) -> str:
    message = received.message
    return f"{message['Subject']}\n{message.get_body(('plain',)).get_content()}"


def assert_no_family_data(text: str) -> None:
    for secret in FAMILY_DATA:
        assert secret not in text, secret


def submit(captured, **kwargs):
    arguments = {"family": family(), "referrer": referrer(), "parents_consent": True} | kwargs
    with captured(execute=True):
        return submit_referral(**arguments)


def test_branch_coordinators_hear_a_referral_is_waiting_and_nothing_about_the_family(
    smtp_server, branch, coordinator, other_branch_coordinator, django_capture_on_commit_callbacks
):
    referral = submit(django_capture_on_commit_callbacks)
    notices = smtp_server.messages_to(coordinator.email)
    assert len(notices) == 1
    text = text_of(notices[0])
    assert "Er wacht een nieuwe aanmelding van een gezin" in text
    assert f"http://testserver/admin/referrals/edit/{referral.pk}/" in text
    assert referral.reference in text and "Home-Start Utrecht" in text
    assert_no_family_data(text)
    assert smtp_server.messages_to(other_branch_coordinator.email) == []


def test_referral_no_branch_covers_is_announced_to_national_staff(
    smtp_server, branch, coordinator, staff, django_capture_on_commit_callbacks
):
    submit(django_capture_on_commit_callbacks, family=family(postcode="9711 JK"))
    notices = smtp_server.messages_to(staff.email)
    assert len(notices) == 1
    assert "bij geen enkele afdeling hoort" in text_of(notices[0])
    assert_no_family_data(text_of(notices[0]))
    assert smtp_server.messages_to(coordinator.email) == []


def test_branch_without_coordinators_gets_the_notice_at_its_own_address(
    smtp_server, django_capture_on_commit_callbacks
):
    lonely = BranchFactory(slug="lonely", email="lonely@homestart.example", ranges=[(1000, 1099)])
    submit(django_capture_on_commit_callbacks, family=family(postcode="1011 AB"))
    assert len(smtp_server.messages_to(lonely.email)) == 1


def test_referrer_is_confirmed_without_family_data(
    smtp_server, branch, django_capture_on_commit_callbacks
):
    referral = submit(django_capture_on_commit_callbacks)
    confirmations = smtp_server.messages_to(REFERRER_EMAIL)
    assert len(confirmations) == 1
    text = text_of(confirmations[0])
    assert referral.reference in text
    assert "binnen een week contact op met het gezin" in text
    assert_no_family_data(text)


def test_parents_who_signed_up_get_a_confirmation_if_they_gave_an_address(
    smtp_server, branch, django_capture_on_commit_callbacks
):
    submit(
        django_capture_on_commit_callbacks,
        family=family(email="ouder@example.org"),
        referrer=None,
    )
    confirmations = smtp_server.messages_to("ouder@example.org")
    assert len(confirmations) == 1
    assert "belt u binnen een week" in text_of(confirmations[0])
    smtp_server.messages.clear()
    submit(django_capture_on_commit_callbacks, family=family(email=""), referrer=None)
    assert all("ouder@" not in ",".join(m.rcpt_tos) for m in smtp_server.messages)


@pytest.mark.parametrize(
    ("status", "says"),
    [
        (S.SUPPORT_STARTED, "is gestart: een vrijwilliger van Home-Start bezoekt het gezin"),
        (S.SUPPORT_ENDED, "is afgesloten"),
    ],
)
def test_step_8_referrer_hears_support_started_and_ended(
    smtp_server, branch, coordinator, status, says, django_capture_on_commit_callbacks
):
    referral = submit(django_capture_on_commit_callbacks)
    path = [S.CONTACTED, S.INTAKE_DONE, S.SUPPORT_STARTED]
    if status == S.SUPPORT_ENDED:
        path.append(S.SUPPORT_ENDED)
    smtp_server.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for step in path:
            change_referral_status(referral=referral, to_status=step, by=coordinator)
    received = smtp_server.messages_to(REFERRER_EMAIL)
    assert len(received) == len(path) - 2  # started (and ended): nothing for the other steps
    text = text_of(received[-1])
    assert says in text and referral.reference in text
    assert_no_family_data(text)


def test_referrer_who_wrote_in_english_reads_english(
    smtp_server, branch, coordinator, django_capture_on_commit_callbacks
):
    referral = submit(django_capture_on_commit_callbacks, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        for step in (S.CONTACTED, S.INTAKE_DONE, S.SUPPORT_STARTED):
            change_referral_status(referral=referral, to_status=step, by=coordinator)
    texts = [text_of(m) for m in smtp_server.messages_to(REFERRER_EMAIL)]
    assert "Thank you for your referral" in texts[0]
    assert "Support has started" in texts[1]
    # The branch's notice stays Dutch.
    assert "Er wacht een nieuwe aanmelding" in text_of(
        smtp_server.messages_to(coordinator.email)[0]
    )


def test_passing_a_referral_on_tells_the_new_branch(
    smtp_server,
    branch,
    other_branch,
    other_branch_coordinator,
    coordinator,
    django_capture_on_commit_callbacks,
):
    referral = submit(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assign_referral_to_branch(referral=referral, branch=other_branch, by=coordinator)
    notices = smtp_server.messages_to(other_branch_coordinator.email)
    assert len(notices) == 1
    assert "Home-Start Zwolle" in text_of(notices[0])
    assert_no_family_data(text_of(notices[0]))


def test_task_enqueued_for_a_rolled_back_referral_never_runs(
    smtp_server, branch, coordinator, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                submit_referral(family=family(), referrer=referrer(), parents_consent=True)
                raise RuntimeError("something later in the request failed")
        except RuntimeError:
            pass
    assert smtp_server.messages == []
