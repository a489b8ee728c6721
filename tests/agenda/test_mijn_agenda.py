"""Mijn agenda: everything a volunteer is expected at in time order, from every part's
provider, with its status; a fixed number of queries however many items."""

from __future__ import annotations

import datetime
import re

import pytest

from intervision.services import (
    answer_invitation,
    cancel_session,
    move_session,
    regenerate_sessions,
)
from portal.agenda.services import collect_agenda
from tests.intervision.conftest import NOW
from tests.intervision.factories import IntervisionGroupFactory, MonthlySeriesFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def titles_in_order(body: str) -> list[str]:
    return re.findall(r'class="agenda-title">\s*(?:<a [^>]*>)?([^<]+?)\s*<', body)


def test_items_of_every_provider_in_time_order_with_status(
    client_for, volunteer, group, course_provider
):
    first, second, third = group.sessions.order_by("start")[:3]
    answer_invitation(session=first, volunteer=volunteer, answer="yes")
    move_session(
        session=second,
        date=datetime.date(2027, 2, 10),
        start_time=datetime.time(10),
        end_time=datetime.time(12),
        venue="Bibliotheek",
    )
    cancel_session(session=third, reason="Voorjaarsvakantie")
    response = client_for("volunteer").get("/mijn/agenda/")
    assert response.status_code == 200
    body = response.content.decode()
    titles = titles_in_order(body)
    # 5 January course, 12 January intervision, 4 February waitlisted course, ...
    assert titles[:4] == [
        "Introductiecursus, ochtend 1",
        "Intervisie: Dinsdaggroep",
        "Verdiepingscursus",
        "Intervisie: Dinsdaggroep",
    ]
    assert "Je bent ingeschreven" in body and "Je staat op de wachtlijst" in body
    assert "Je hebt gezegd dat je komt" in body
    assert "Verplaatst" in body
    assert "Afgelast" in body and "Voorjaarsvakantie" in body
    assert "webcal://testserver/agenda/" in body
    assert "https://" in body or "http://testserver/agenda/" in body


def test_collect_agenda_needs_exactly_one_scope(volunteer):
    with pytest.raises(ValueError):
        collect_agenda(start=NOW, end=NOW)
    with pytest.raises(ValueError):
        collect_agenda(volunteer_id=volunteer.pk, branch_ids=[1], start=NOW, end=NOW)


def test_coordinator_sees_the_agenda_of_their_branches(client_for, group, other_branch):
    body = client_for("coordinator").get("/mijn/agenda/").content.decode()
    assert "Intervisie: Dinsdaggroep" in body
    assert "/afdelingen.ics" in body
    assert (
        "Dinsdaggroep" not in client_for("other_coordinator").get("/mijn/agenda/").content.decode()
    )


def test_mijn_home_start_points_to_mijn_agenda(client_for, group):
    body = client_for("volunteer").get("/mijn/").content.decode()
    assert "Mijn agenda" in body and 'href="/mijn/agenda/"' in body


def test_anonymous_is_sent_to_log_in(client):
    response = client.get("/mijn/agenda/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post("/mijn/agenda/nieuw-adres/").status_code == 302


@pytest.mark.parametrize("size", [1, 8])
def test_agenda_page_query_count_does_not_grow_with_items(
    client_for, volunteer, branch, size, django_assert_max_num_queries, course_provider
):
    for number in range(size):
        group = IntervisionGroupFactory(branch=branch, name=f"Groep {number}", members=[volunteer])
        MonthlySeriesFactory(group=group)
        regenerate_sessions(group=group, now=NOW)
        answer_invitation(session=group.sessions.first(), volunteer=volunteer, answer="yes")
    client = client_for("volunteer")
    client.get("/mijn/agenda/")  # the feed token exists from here on
    # session, user, volunteer, sessions, answers, theme meetings, feed token, and the
    # two permission lookups of the site header
    with django_assert_max_num_queries(9):
        response = client.get("/mijn/agenda/")
    assert response.content.decode().count("Intervisie: Groep") == size * 11


def test_mijn_agenda_speaks_english_too(client_for, group):
    body = client_for("volunteer").get("/en/mijn/agenda/").content.decode()
    assert "My agenda" in body and "Peer supervision: Dinsdaggroep" in body
