"""The rules of the support route, called directly."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail, signing
from django.utils import timezone

from portal.errors import ServiceError
from portal.models.volunteers import VolunteerStatus
from support import services
from support.models import (
    CheckIn,
    ConcernStepKind,
    EndReason,
    MatchStatus,
    Outcome,
    SupportQuestionOutcome,
    Visit,
    VisitKind,
    VisitSource,
)
from support.referrals.models import ReferralStatus
from tests.support.conftest import (
    FAMILY_ADDRESS,
    FAMILY_FIRST_NAME,
    active_volunteer_of,
    ready_referral,
    start_new_match,
)
from tests.support.referrals.conftest import REFERRER_EMAIL

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def refusal(code: str):
    class _Refusal:
        def __enter__(self):
            return self

        def __exit__(self, kind, error, tb):
            assert kind is ServiceError, f"expected refusal {code}, got {kind}"
            assert error.code == code, f"expected {code}, got {error.code}"
            return True

    return _Refusal()


def evaluation(match):
    return dict.fromkeys(match.referral.support_questions, Outcome.REACHED)


def end(match, **overrides):
    values = {
        "match": match,
        "on": TODAY(),
        "reason": EndReason.GOALS_REACHED,
        "closing_talk_on": TODAY(),
        "outcomes": evaluation(match),
        "network_grew": True,
        "by": None,
    }
    values.update(overrides)
    return services.end_match(**values)


# --- Proposing ---------------------------------------------------------------------


def test_propose_match_takes_first_name_and_branch(family_referral, active_volunteer, coordinator):
    match = services.propose_match(
        referral=family_referral, volunteer=active_volunteer, by=coordinator
    )
    assert match.status == MatchStatus.PROPOSED
    assert match.branch_id == family_referral.branch_id
    assert match.family_first_name == "Yasmina"
    assert match.reference.startswith("KP-") and "Yasmina" not in match.reference
    assert list(match.status_changes.values_list("to_status", flat=True)) == ["proposed"]


def test_propose_refuses_a_referral_before_the_introduction_visit(branch, active_volunteer):
    from support.referrals.services import submit_referral
    from tests.support.referrals.conftest import family, referrer

    new = submit_referral(family=family(), referrer=referrer(), parents_consent=True)
    with refusal("referral_not_ready"):
        services.propose_match(referral=new, volunteer=active_volunteer, by=None)


def test_propose_refuses_a_volunteer_of_another_branch(family_referral, other_branch):
    stranger = active_volunteer_of(other_branch)
    with refusal("other_branch"):
        services.propose_match(referral=family_referral, volunteer=stranger, by=None)


@pytest.mark.parametrize("status", [VolunteerStatus.IN_TRAINING, VolunteerStatus.PAUSED])
def test_propose_refuses_a_volunteer_who_is_not_active(family_referral, branch, status):
    with refusal("volunteer_not_active"):
        services.propose_match(
            referral=family_referral, volunteer=active_volunteer_of(branch, status=status), by=None
        )


def test_propose_refuses_a_second_open_match_for_one_referral(family_referral, branch):
    services.propose_match(referral=family_referral, volunteer=active_volunteer_of(branch), by=None)
    with refusal("referral_has_match"):
        services.propose_match(
            referral=family_referral, volunteer=active_volunteer_of(branch), by=None
        )


def test_propose_refuses_a_volunteer_at_their_maximum(branch, active_volunteer):
    services.propose_match(referral=ready_referral(), volunteer=active_volunteer, by=None)
    with refusal("volunteer_full"):
        services.propose_match(referral=ready_referral(), volunteer=active_volunteer, by=None)
    services.set_support_settings(volunteer=active_volunteer, max_families=2)
    assert services.propose_match(referral=ready_referral(), volunteer=active_volunteer, by=None)


def test_propose_refuses_a_bad_programme(family_referral, active_volunteer):
    with refusal("bad_programme"):
        services.propose_match(
            referral=family_referral, volunteer=active_volunteer, programme="x", by=None
        )


def test_a_withdrawn_proposal_frees_volunteer_and_referral(family_referral, active_volunteer):
    match = services.propose_match(referral=family_referral, volunteer=active_volunteer, by=None)
    services.withdraw_match(match=match, by=None)
    again = services.propose_match(referral=family_referral, volunteer=active_volunteer, by=None)
    assert again.status == MatchStatus.PROPOSED


# --- Introducing and starting -------------------------------------------------------


def test_start_sets_referral_to_support_started_tells_referrer_and_plans_check_in(
    family_referral, active_volunteer, coordinator, django_capture_on_commit_callbacks
):
    match = services.propose_match(
        referral=family_referral,
        volunteer=active_volunteer,
        by=coordinator,
        today=TODAY() - 10 * DAY,
    )
    with refusal("wrong_state"):
        services.start_match(match=match, on=TODAY(), by=coordinator)
    services.record_introduction(match=match, on=TODAY() - 2 * DAY, by=coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        started = services.start_match(match=match, on=TODAY() - DAY, by=coordinator)
    assert started.status == MatchStatus.ACTIVE
    family_referral.refresh_from_db()
    assert family_referral.status == ReferralStatus.SUPPORT_STARTED
    assert [m.to for m in mail.outbox] == [[REFERRER_EMAIL]]
    assert list(CheckIn.objects.filter(match=match).values_list("due_on", flat=True)) == [
        TODAY() - DAY + datetime.timedelta(weeks=6)
    ]


def test_introduction_and_start_refuse_dates_in_future_or_before_previous_step(
    family_referral, active_volunteer
):
    match = services.propose_match(referral=family_referral, volunteer=active_volunteer, by=None)
    with refusal("date_in_future"):
        services.record_introduction(match=match, on=TODAY() + DAY, by=None)
    with refusal("date_too_early"):
        services.record_introduction(match=match, on=TODAY() - DAY, by=None)
    services.record_introduction(match=match, on=TODAY(), by=None)
    with refusal("date_too_early"):
        services.start_match(match=match, on=TODAY() - DAY, by=None)


# --- Ending --------------------------------------------------------------------------


def test_end_requires_reason_network_and_an_outcome_per_question(running_match):
    with refusal("end_reason"):
        end(running_match, reason="")
    with refusal("network_required"):
        end(running_match, network_grew=None)
    with refusal("outcome_missing"):
        end(running_match, outcomes={"listening_ear": Outcome.REACHED})
    with refusal("outcome_unknown"):
        end(running_match, outcomes={**evaluation(running_match), "household": Outcome.REACHED})
    with refusal("outcome_unknown"):
        end(running_match, outcomes=dict.fromkeys(running_match.referral.support_questions, "yes"))
    running_match.refresh_from_db()
    assert running_match.status == MatchStatus.ACTIVE
    assert not SupportQuestionOutcome.objects.exists()


def test_end_stores_evaluation_tells_referrer_and_frees_the_volunteer(
    running_match, active_volunteer, branch, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ended = end(running_match, reason=EndReason.MOVED)
    assert ended.status == MatchStatus.ENDED and ended.end_reason == "moved"
    assert dict(ended.outcomes.values_list("question", "outcome")) == {
        "listening_ear": "reached",
        "parenting": "reached",
    }
    assert not ended.check_ins.filter(done_on__isnull=True).exists()
    running_match.referral.refresh_from_db()
    assert running_match.referral.status == ReferralStatus.SUPPORT_ENDED
    assert [m.to for m in mail.outbox] == [[REFERRER_EMAIL]]
    # Matched again after.
    assert services.propose_match(referral=ready_referral(), volunteer=active_volunteer, by=None)


def test_end_refuses_while_a_concern_is_open(running_match, active_volunteer, coordinator):
    concern = services.raise_concern(match=running_match, by=active_volunteer.user)
    with refusal("open_concern"):
        end(running_match)
    services.close_concern(concern=concern, by=coordinator)
    assert end(running_match).status == MatchStatus.ENDED


def test_end_refuses_a_match_that_is_not_running(family_referral, active_volunteer):
    match = services.propose_match(referral=family_referral, volunteer=active_volunteer, by=None)
    with refusal("wrong_state"):
        end(match)


# --- Visits ------------------------------------------------------------------------


def test_visit_defaults_to_a_half_day_and_one_per_date(running_match, active_volunteer):
    user = active_volunteer.user
    visit = services.log_visit(match=running_match, by=user, on=TODAY())
    assert (visit.kind, visit.minutes) == (VisitKind.DONE, 180)
    with refusal("visit_twice"):
        services.log_visit(
            match=running_match, by=user, on=TODAY(), kind=VisitKind.CANCELLED_BY_FAMILY
        )
    assert Visit.objects.count() == 1


@pytest.mark.parametrize("minutes", [0, 10, 100, 181, 12 * 60 + 15, -15, True])
def test_visit_refuses_minutes_not_in_quarter_hours(running_match, active_volunteer, minutes):
    with refusal("visit_minutes"):
        services.log_visit(
            match=running_match, by=active_volunteer.user, on=TODAY(), minutes=minutes
        )


def test_cancelled_visit_counts_no_minutes(running_match, active_volunteer):
    visit = services.log_visit(
        match=running_match,
        by=active_volunteer.user,
        on=TODAY(),
        kind=VisitKind.CANCELLED_BY_VOLUNTEER,
        minutes=120,
    )
    assert visit.minutes == 0


def test_visit_refuses_future_dates_dates_before_start_other_people_and_ended_matches(
    running_match, active_volunteer, branch, coordinator
):
    user = active_volunteer.user
    with refusal("date_in_future"):
        services.log_visit(match=running_match, by=user, on=TODAY() + DAY)
    with refusal("visit_before_start"):
        services.log_visit(match=running_match, by=user, on=running_match.started_on - DAY)
    with refusal("not_your_match"):
        services.log_visit(match=running_match, by=active_volunteer_of(branch).user, on=TODAY())
    # The coordinator may log for the volunteer, through the admin.
    services.log_visit(match=running_match, by=coordinator, on=TODAY(), source=VisitSource.ADMIN)
    end(running_match)
    with refusal("not_active"):
        services.log_visit(match=running_match, by=user, on=TODAY() - DAY)


def test_hours_in_year_count_only_visits_done(running_match, active_volunteer):
    user = active_volunteer.user
    services.log_visit(match=running_match, by=user, on=TODAY(), minutes=195)
    services.log_visit(
        match=running_match, by=user, on=TODAY() - DAY, kind=VisitKind.CANCELLED_BY_FAMILY
    )
    assert services.minutes_in_year(volunteer=active_volunteer, year=TODAY().year) == 195


def test_week_link_records_once_per_week(running_match, active_volunteer):
    monday = services.week_start(TODAY())
    visit, created = services.answer_week_by_link(
        match=running_match, week=monday, kind=VisitKind.DONE
    )
    assert created and visit.source == VisitSource.EMAIL and visit.minutes == 180
    again, created = services.answer_week_by_link(
        match=running_match, week=monday, kind=VisitKind.CANCELLED_BY_FAMILY
    )
    assert not created and again.pk == visit.pk
    assert Visit.objects.count() == 1


def test_week_link_token_round_trip_altered_and_expired(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    token = services.week_link_token(match_id=7, week=datetime.date(2026, 11, 30))
    assert services.read_week_link_token(token) == (7, datetime.date(2026, 11, 30))
    with pytest.raises(signing.BadSignature):
        services.read_week_link_token(token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    time_machine.shift(datetime.timedelta(days=15))
    with pytest.raises(signing.SignatureExpired):
        services.read_week_link_token(token)


# --- Check-ins and what needs attention ---------------------------------------------


def test_check_in_done_plans_the_next_three_months_on(running_match, coordinator):
    first = running_match.check_ins.get()
    services.complete_check_in(check_in=first, on=TODAY(), by=coordinator)
    due = list(
        running_match.check_ins.filter(done_on__isnull=True).values_list("due_on", flat=True)
    )
    assert due == [services.add_months(TODAY(), 3)]
    with refusal("check_in_done"):
        services.complete_check_in(check_in=first, on=TODAY(), by=coordinator)


def test_add_months_keeps_the_end_of_the_month():
    assert services.add_months(datetime.date(2026, 11, 30), 3) == datetime.date(2027, 2, 28)
    assert services.add_months(datetime.date(2026, 3, 31), -1) == datetime.date(2026, 2, 28)


def test_three_week_gap_detection(running_match, active_volunteer, branch):
    ids = [branch.pk]
    assert list(services.matches_without_recent_visit(branch_ids=ids)) == [running_match]
    services.log_visit(match=running_match, by=active_volunteer.user, on=TODAY() - 21 * DAY)
    assert list(services.matches_without_recent_visit(branch_ids=ids)) == [running_match]
    services.log_visit(match=running_match, by=active_volunteer.user, on=TODAY() - 20 * DAY)
    assert list(services.matches_without_recent_visit(branch_ids=ids)) == []
    # A match that started less than three weeks ago is not late yet.
    fresh = start_new_match(ready_referral(), active_volunteer_of(branch), started_days_ago=10)
    assert fresh not in services.matches_without_recent_visit(branch_ids=ids)


def test_fifteen_and_eighteen_month_detection(branch):
    today = TODAY()
    long = start_new_match(ready_referral(), active_volunteer_of(branch), started_days_ago=0)
    for months, expected in [(14, []), (15, [15]), (17, [15]), (18, [15, 18])]:
        type(long).objects.filter(pk=long.pk).update(started_on=services.add_months(today, -months))
        found = [
            m
            for m in services.DURATION_MILESTONES_MONTHS
            if services.matches_reaching_months(branch_ids=[branch.pk], months=m).exists()
        ]
        assert found == expected, months


def test_check_ins_due_are_scoped_to_branches(running_match, branch, other_branch):
    CheckIn.objects.filter(match=running_match).update(due_on=TODAY())
    assert services.check_ins_due(branch_ids=[branch.pk]).count() == 1
    assert services.check_ins_due(branch_ids=[other_branch.pk]).count() == 0


# --- Concerns and erasure -------------------------------------------------------------


def test_concern_once_open_steps_and_close(running_match, active_volunteer, coordinator, branch):
    concern = services.raise_concern(match=running_match, by=active_volunteer.user)
    assert services.raise_concern(match=running_match, by=active_volunteer.user).pk == concern.pk
    with refusal("not_your_match"):
        services.raise_concern(match=running_match, by=active_volunteer_of(branch).user)
    with refusal("concern_step"):
        services.record_concern_step(concern=concern, step="x", on=TODAY(), by=coordinator)
    services.record_concern_step(
        concern=concern,
        step=ConcernStepKind.MAP,
        on=TODAY(),
        note="Signalen genoteerd",
        by=coordinator,
    )
    services.close_concern(concern=concern, by=coordinator)
    with refusal("concern_closed"):
        services.close_concern(concern=concern, by=coordinator)
    assert list(concern.accesses.values_list("action", flat=True)) == ["close", "step"]


def test_erase_family_details_follows_the_referral(running_match, coordinator):
    from support.referrals.services import erase_referral

    concern = services.raise_concern(match=running_match, by=running_match.volunteer.user)
    services.record_concern_step(
        concern=concern, step=ConcernStepKind.MAP, on=TODAY(), note="notitie", by=coordinator
    )
    services.close_concern(concern=concern, by=coordinator)
    services.log_visit(match=running_match, by=running_match.volunteer.user, on=TODAY())
    end(running_match)
    assert services.erase_family_details() == 0  # the referral still holds its data
    erase_referral(referral=running_match.referral, by=None)
    assert services.erase_family_details() == 1
    running_match.refresh_from_db()
    assert running_match.family_first_name == running_match.family_address == ""
    assert running_match.visits.get().minutes == 180  # the figures stay
    assert concern.steps.get().note == ""
    assert FAMILY_FIRST_NAME and FAMILY_ADDRESS  # (what was erased)


def test_settings_refuse_a_silly_maximum(active_volunteer):
    with refusal("max_families"):
        services.set_support_settings(volunteer=active_volunteer, max_families=0)
    assert services.max_families_of(active_volunteer) == 1
    assert services.wants_weekly_email(active_volunteer)
    services.set_support_settings(volunteer=active_volunteer, weekly_email=False)
    assert not services.wants_weekly_email(active_volunteer)


def test_erasing_a_volunteer_keeps_the_match_figures(running_match, coordinator):
    from portal.services.volunteers import erase_volunteer

    services.log_visit(match=running_match, by=running_match.volunteer.user, on=TODAY())
    end(running_match)
    erase_volunteer(volunteer=running_match.volunteer, by=coordinator)
    running_match.refresh_from_db()
    assert running_match.volunteer is None
    assert running_match.volunteer_label == "(vrijwilliger gewist)"
    assert running_match.visits.get().minutes == 180
