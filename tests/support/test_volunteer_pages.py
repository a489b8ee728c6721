"""The volunteer's side: Mijn gezin, logging a visit, the worry button, the weekly
e-mail's links and opt-out. Permissions as a matrix, bad input, query counts."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from support import services
from support.models import Concern, Visit, VisitKind
from tests.matrix import LOGIN, ROLES, assert_access
from tests.support.conftest import (
    FAMILY_ADDRESS,
    FAMILY_FIRST_NAME,
    active_volunteer_of,
    ready_referral,
    start_new_match,
)

pytestmark = pytest.mark.django_db

A, V, C, O, S = ROLES  # noqa: E741
TODAY = timezone.localdate


@pytest.fixture
def other_match(branch):
    """A running match of another volunteer of the same branch."""
    match = start_new_match(ready_referral(name="Fam. Jansen"), active_volunteer_of(branch))
    match.family_first_name, match.family_address = "Fatima", "Elders 1"
    match.save()
    return match


def _client(user):
    client = Client()
    client.force_login(user)
    return client


# --- Permission matrix -----------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, client_for, running_match, other_match):
    client = client_for(role)
    matrix = [
        ("my_family", "get", "/gezin/", {A: LOGIN, V: 200, C: 403, O: 403, S: 403}),
        (
            "log_visit",
            "post",
            f"/gezin/{running_match.pk}/bezoek/",
            {A: LOGIN, V: 400, C: 403, O: 403, S: 403},  # reached; the empty form is refused
        ),
        (
            "log_visit_other_match",
            "post",
            f"/gezin/{other_match.pk}/bezoek/",
            {A: LOGIN, V: 404, C: 403, O: 403, S: 403},
        ),
        (
            "log_visit_get",
            "get",
            f"/gezin/{running_match.pk}/bezoek/",
            {A: LOGIN, V: 405, C: 403, O: 403, S: 403},
        ),
        (
            "concern_other_match",
            "post",
            f"/gezin/{other_match.pk}/zorgen/",
            {A: LOGIN, V: 404, C: 403, O: 403, S: 403},
        ),
        (
            "weekly_email",
            "post",
            "/gezin/wekelijkse-email/",
            {A: LOGIN, V: 302, C: 403, O: 403, S: 403},
        ),
    ]
    for name, method, url, expected in matrix:
        assert_access(client, url, expected[role], role=f"{role} ({name})", method=method)
    # The visit was logged by the volunteer only, on their own match.
    assert Visit.objects.filter(match=other_match).count() == 0


def test_volunteer_of_another_match_sees_nothing_of_this_family(running_match, other_match):
    page = _client(other_match.volunteer.user).get("/mijn/").content.decode()
    assert FAMILY_ADDRESS not in page and "Elders 1" in page
    own = _client(running_match.volunteer.user).get("/mijn/").content.decode()
    assert FAMILY_FIRST_NAME in own and FAMILY_ADDRESS in own
    assert running_match.referral.family_phone in own


def test_nothing_after_the_end(running_match):
    client = _client(running_match.volunteer.user)
    services.end_match(
        match=running_match,
        on=TODAY(),
        reason="goals_reached",
        closing_talk_on=None,
        outcomes=dict.fromkeys(running_match.referral.support_questions, "reached"),
        network_grew=False,
        by=None,
    )
    for url in ("/mijn/", "/gezin/"):
        page = client.get(url).content.decode()
        assert FAMILY_ADDRESS not in page and FAMILY_FIRST_NAME not in page
    assert client.post(f"/gezin/{running_match.pk}/bezoek/", {}).status_code == 404


# --- Logging a visit -------------------------------------------------------------------


def test_one_tap_visit_today_three_hours(running_match):
    client = _client(running_match.volunteer.user)
    page = client.get("/mijn/").content.decode()
    assert "Bezoek gedaan vandaag (3 uur)" in page
    response = client.post(
        f"/gezin/{running_match.pk}/bezoek/",
        {"kind": "done", "date": TODAY().isoformat(), "minutes": "180"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("portal:mijn")
    visit = Visit.objects.get()
    assert (visit.date, visit.minutes, visit.kind) == (TODAY(), 180, VisitKind.DONE)
    # Twice the same day: a clear refusal, nothing written.
    again = client.post(
        f"/gezin/{running_match.pk}/bezoek/",
        {"kind": "done", "date": TODAY().isoformat(), "minutes": "180"},
    )
    assert again.status_code == 409
    assert "Voor die dag is al een bezoek genoteerd." in again.content.decode()
    assert Visit.objects.count() == 1


def test_adjusted_time_and_did_not_happen(running_match):
    client = _client(running_match.volunteer.user)
    yesterday = TODAY() - datetime.timedelta(days=1)
    client.post(
        f"/gezin/{running_match.pk}/bezoek/",
        {"kind": "done", "date": yesterday.isoformat(), "minutes": "225"},
    )
    client.post(
        f"/gezin/{running_match.pk}/bezoek/",
        {"kind": "cancelled_by_family", "date": TODAY().isoformat(), "minutes": "180"},
    )
    assert sorted(Visit.objects.values_list("kind", "minutes")) == [
        ("cancelled_by_family", 0),
        ("done", 225),
    ]
    page = client.get("/gezin/").content.decode()
    assert "Dit jaar 3,75 uur bij het gezin" in page or "Dit jaar 3.75 uur" in page


@given(
    kind=st.one_of(st.sampled_from(["done", "cancelled_by_family", ""]), st.text(max_size=30)),
    date=st.one_of(st.text(max_size=20), st.dates().map(str)),
    minutes=st.one_of(st.integers(-1000, 2000).map(str), st.text(max_size=10)),
)
def test_bad_visit_input_is_a_4xx_and_writes_nothing_valid_twice(
    running_match, kind, date, minutes
):
    client = _client(running_match.volunteer.user)
    before = Visit.objects.count()
    response = client.post(
        f"/gezin/{running_match.pk}/bezoek/", {"kind": kind, "date": date, "minutes": minutes}
    )
    assert response.status_code in {302, 400, 409}
    if response.status_code != 302:
        assert Visit.objects.count() == before
    Visit.objects.all().delete()


def test_worry_button_raises_one_concern_and_tells_coordinators(
    running_match, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    client = _client(running_match.volunteer.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/gezin/{running_match.pk}/zorgen/")
    assert response.status_code == 302
    assert Concern.objects.filter(match=running_match, closed_at__isnull=True).count() == 1
    assert [m.to for m in mailoutbox] == [[coordinator.email]]
    body = mailoutbox[0].body
    concern = Concern.objects.get()
    assert f"/admin/zorgmeldingen/{concern.pk}/" in body
    assert FAMILY_FIRST_NAME not in body and running_match.volunteer.full_name not in body


def test_weekly_email_opt_out(running_match):
    client = _client(running_match.volunteer.user)
    client.post("/gezin/wekelijkse-email/", {})
    assert not services.wants_weekly_email(running_match.volunteer)
    assert services.matches_to_ask_this_week() == []
    client.post("/gezin/wekelijkse-email/", {"weekly_email": "on"})
    assert services.wants_weekly_email(running_match.volunteer)
    assert services.matches_to_ask_this_week() == [running_match.pk]


# --- The weekly e-mail's links ----------------------------------------------------------


def _link(match, week=None):
    week = week or services.week_start(TODAY())
    return reverse(
        "support:week_link", args=[services.week_link_token(match_id=match.pk, week=week)]
    )


def test_week_link_confirms_then_records_once(running_match):
    client = Client()
    url = _link(running_match)
    page = client.get(url + "?antwoord=gedaan")
    assert page.status_code == 200 and Visit.objects.count() == 0  # GET writes nothing
    assert FAMILY_FIRST_NAME not in page.content.decode()
    assert client.post(url, {"antwoord": "gedaan"}).status_code == 200
    replay = client.post(url, {"antwoord": "gezin"})
    assert replay.status_code == 200
    assert "niets dubbel vastgelegd" in replay.content.decode()
    assert list(Visit.objects.values_list("kind", "minutes", "source")) == [("done", 180, "email")]


def test_week_link_altered_expired_bad_answer_and_ended(running_match, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client = Client()
    url = _link(running_match)
    altered = url[:-3] + ("x/" if url[-2] != "x" else "y/")
    response = client.get(altered)
    assert response.status_code == 400 and "veranderd" in response.content.decode()
    assert client.post(url, {"antwoord": "misschien"}).status_code == 400
    time_machine.shift(datetime.timedelta(days=15))
    response = client.get(url)
    assert response.status_code == 410 and "verlopen" in response.content.decode()
    assert Visit.objects.count() == 0


def test_week_link_of_an_ended_match_records_nothing(running_match):
    url = _link(running_match)
    services.end_match(
        match=running_match,
        on=TODAY(),
        reason="family_stops",
        closing_talk_on=None,
        outcomes=dict.fromkeys(running_match.referral.support_questions, "partly"),
        network_grew=True,
        by=None,
    )
    assert Client().post(url, {"antwoord": "gedaan"}).status_code == 410
    assert Visit.objects.count() == 0


# --- Queries ---------------------------------------------------------------------------


def test_mijn_section_queries_do_not_grow_with_visits(running_match, django_assert_max_num_queries):
    from portal.registry import MIJN_SECTION_QUERY_BUDGET
    from support.registry_hooks import mijn_family_section

    volunteer = running_match.volunteer
    for days in range(1, 30):
        services.log_visit(
            match=running_match, by=volunteer.user, on=TODAY() - datetime.timedelta(days=days)
        )
    with django_assert_max_num_queries(MIJN_SECTION_QUERY_BUDGET):
        section = mijn_family_section(None, volunteer)
    assert section is not None and section.context["hours_this_year"] > 0


def test_mijn_section_is_one_query_without_a_match(active_volunteer, django_assert_num_queries):
    from support.registry_hooks import mijn_family_section

    with django_assert_num_queries(1):
        assert mijn_family_section(None, active_volunteer) is None
