"""The coordinator logs a visit for the volunteer on the match screen: through
`services.log_visit` (source "coördinator"), with the service's Dutch refusals, a 4xx
and nothing written on bad input, and only for who may edit the match (another
branch's coordinator: 404; national staff: as they may edit matches today)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from support import services
from support.models import EndReason, Match, MatchStatus, Visit, VisitKind, VisitSource
from tests.matrix import DENIED, LOGIN, ROLES, assert_access

pytestmark = pytest.mark.django_db

A, V, C, O, S = ROLES  # noqa: E741
TODAY = timezone.localdate


def _post(client, match, **data):
    base = {
        "programme": match.programme,
        "family_first_name": match.family_first_name,
        "family_address": match.family_address,
    }
    return client.post(f"/admin/support_match/edit/{match.pk}/", {**base, **data})


@pytest.mark.parametrize(
    ("role", "expected", "logged"),
    # National staff have no right to matches (family data): Wagtail sends them home.
    [(A, LOGIN, False), (V, 403, False), (C, 302, True), (O, 404, False), (S, DENIED, False)],
)
def test_who_may_log_a_visit_for_the_volunteer(client_for, running_match, role, expected, logged):
    client = client_for(role)
    yesterday = (TODAY() - datetime.timedelta(days=1)).isoformat()
    data = {
        "programme": running_match.programme,
        "family_first_name": running_match.family_first_name,
        "family_address": running_match.family_address,
        "visit_on": yesterday,
        "visit_minutes": "120",
    }
    url = f"/admin/support_match/edit/{running_match.pk}/"
    response = client.post(url, data)
    if expected in (LOGIN, DENIED):
        assert_access(client, url, expected, role=role, method="post")
    else:
        assert response.status_code == expected, (role, response.status_code)
    assert Visit.objects.filter(match=running_match).exists() is logged


def test_coordinator_logs_a_visit_and_it_shows_on_the_record(
    client_for, running_match, coordinator
):
    client = client_for("coordinator")
    day = TODAY() - datetime.timedelta(days=2)
    response = _post(client, running_match, visit_on=day.isoformat(), visit_minutes="135")
    assert response.status_code == 302
    visit = Visit.objects.get(match=running_match)
    assert (visit.date, visit.kind, visit.minutes) == (day, VisitKind.DONE, 135)
    assert (visit.source, visit.logged_by) == (VisitSource.ADMIN, coordinator)
    page = client.get(f"/admin/support_match/edit/{running_match.pk}/").content.decode()
    assert "vastgelegd door de coördinator" in page

    # Without a time: a half-day; "ging niet door" counts 0 minutes.
    _post(client, running_match, visit_on=(day - datetime.timedelta(days=1)).isoformat())
    _post(
        client,
        running_match,
        visit_on=(day - datetime.timedelta(days=2)).isoformat(),
        visit_kind=VisitKind.CANCELLED_BY_FAMILY,
        visit_minutes="60",
    )
    assert sorted(Visit.objects.values_list("minutes", flat=True)) == [0, 135, 180]


@pytest.mark.parametrize(
    ("days_ahead", "message"),
    [(1, "Die datum ligt in de toekomst."), (-400, "De koppeling was op die datum nog niet")],
)
def test_future_or_before_the_start_is_refused(client_for, running_match, days_ahead, message):
    day = TODAY() + datetime.timedelta(days=days_ahead)
    response = _post(client_for("coordinator"), running_match, visit_on=day.isoformat())
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Visit.objects.exists()


def test_a_second_visit_on_the_same_day_is_refused(client_for, running_match):
    client = client_for("coordinator")
    services.log_visit(match=running_match, by=running_match.volunteer.user, on=TODAY(), minutes=60)
    response = _post(client, running_match, visit_on=TODAY().isoformat(), visit_minutes="240")
    assert response.status_code == 400
    assert "Voor die dag is al een bezoek genoteerd." in response.content.decode()
    assert list(Visit.objects.values_list("minutes", flat=True)) == [60]


def test_no_visit_on_a_match_that_does_not_run(client_for, family_referral, active_volunteer):
    client = client_for("coordinator")
    proposal = services.propose_match(referral=family_referral, volunteer=active_volunteer, by=None)
    response = _post(client, proposal, visit_on=TODAY().isoformat())
    assert response.status_code == 400
    assert "Deze koppeling loopt niet (meer)." in response.content.decode()
    assert not Visit.objects.exists()


def test_no_visit_after_the_end_and_nothing_half_written(client_for, running_match):
    services.end_match(
        match=running_match,
        on=TODAY(),
        reason=EndReason.GOALS_REACHED,
        closing_talk_on=None,
        outcomes=dict.fromkeys(running_match.referral.support_questions, "reached"),
        network_grew=True,
        by=None,
    )
    client = client_for("coordinator")
    response = _post(client, running_match, family_address="Elders 2", visit_on=TODAY().isoformat())
    assert response.status_code == 400
    assert "Deze koppeling loopt niet (meer)." in response.content.decode()
    running_match.refresh_from_db()
    assert running_match.family_address != "Elders 2"  # the whole save was undone
    assert not Visit.objects.exists()


def test_a_visit_and_another_step_at_once_is_refused(client_for, family_referral, active_volunteer):
    proposal = services.propose_match(referral=family_referral, volunteer=active_volunteer, by=None)
    response = _post(
        client_for("coordinator"),
        proposal,
        introduced_on_input=TODAY().isoformat(),
        visit_on=TODAY().isoformat(),
    )
    assert response.status_code == 400
    assert "Zet één stap tegelijk." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == MatchStatus.PROPOSED


def test_time_without_a_date_asks_for_the_date(client_for, running_match):
    response = _post(client_for("coordinator"), running_match, visit_minutes="60")
    assert response.status_code == 400
    assert "Vul de datum van het bezoek in." in response.content.decode()
    assert not Visit.objects.exists()


@given(
    visit_on=st.one_of(st.text(max_size=20), st.dates().map(str)),
    visit_kind=st.one_of(st.sampled_from(["", *VisitKind.values]), st.text(max_size=30)),
    visit_minutes=st.one_of(st.integers(-1000, 2000).map(str), st.text(max_size=10)),
)
def test_bad_visit_input_is_a_4xx_and_writes_nothing(
    client_for, running_match, visit_on, visit_kind, visit_minutes
):
    client = client_for("coordinator")
    response = _post(
        client,
        running_match,
        visit_on=visit_on,
        visit_kind=visit_kind,
        visit_minutes=visit_minutes,
    )
    assert response.status_code in {302, 400}
    visits = list(Visit.objects.filter(match=running_match))
    if response.status_code == 400:
        assert visits == []
    elif visits:
        (visit,) = visits
        assert visit.source == VisitSource.ADMIN and visit.date <= TODAY()
        assert visit.minutes == 0 or visit.minutes % 15 == 0
    assert Match.objects.get(pk=running_match.pk).status == MatchStatus.ACTIVE
    Visit.objects.all().delete()
