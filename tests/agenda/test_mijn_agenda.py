"""Mijn agenda: everything a volunteer is expected at in time order, from every part's
provider, with its status; a fixed number of queries however many items."""

from __future__ import annotations

import datetime
import re

import pytest

from intervision.agenda import session_uid
from intervision.models import Rsvp
from intervision.services import (
    answer_invitation,
    cancel_session,
    move_session,
    regenerate_sessions,
)
from portal.agenda.services import collect_agenda
from tests.agenda.conftest import plan_talks
from tests.intervision.conftest import NOW
from tests.intervision.factories import IntervisionGroupFactory, MonthlySeriesFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def titles_in_order(body: str) -> list[str]:
    return re.findall(r'class="agenda-title"[^>]*>\s*(?:<a [^>]*>)?([^<]+?)\s*<', body)


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
        "Dinsdaggroep",
        "Verdiepingscursus",
        "Dinsdaggroep",
    ]
    assert "Je bent ingeschreven" in body and "Je staat op de wachtlijst" in body
    assert re.search(r'value="yes"[^>]*aria-pressed="true"', body)
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
    assert "Dinsdaggroep" in body and '<span class="tag">Intervisie</span>' in body
    assert "/afdelingen.ics" in body
    assert 'class="agenda-rsvp"' not in body  # a coordinator is not asked whether they come
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
    assert response.content.decode().count('<span class="tag">Intervisie</span>') == size * 11


@pytest.mark.parametrize("size", [1, 8])
def test_coordinator_agenda_query_count_does_not_grow_with_sessions_or_talks(
    client_for, branch, size, django_assert_max_num_queries, supervision_provider
):
    for number in range(size):
        group = IntervisionGroupFactory(branch=branch, name=f"Groep {number}")
        MonthlySeriesFactory(group=group)
        regenerate_sessions(group=group, now=NOW)
    plan_talks(branch, size)
    client = client_for("coordinator")
    client.get("/mijn/agenda/")  # the feed token exists from here on
    # session, user, two permission lookups, volunteer (none), groups of the user,
    # branches, sessions, theme meetings, supervision talks, feed token, and the two
    # profile lookups of the site header
    with django_assert_max_num_queries(13):
        response = client.get("/mijn/agenda/")
    body = response.content.decode()
    assert body.count('<span class="tag">Begeleidingsgesprek</span>') == size


def test_mijn_agenda_speaks_english_too(client_for, group):
    body = client_for("volunteer").get("/en/mijn/agenda/").content.decode()
    assert "My agenda" in body and '<span class="tag">Peer supervision</span>' in body
    assert "Tuesday 12 January 2027" in body


def item_html(body: str, uid: str) -> str:
    match = re.search(
        rf'<li class="agenda-item[^"]*"[^>]*data-uid="{re.escape(uid)}">(.*?)</li>', body, re.S
    )
    assert match, uid
    return match[1]


def test_days_are_headings_and_a_cancelled_item_says_so_once(client_for, group):
    second = group.sessions.order_by("start")[1]
    cancel_session(session=second, reason="Voorjaarsvakantie")
    body = client_for("volunteer").get("/mijn/agenda/").content.decode()
    assert re.search(
        r'<h2 class="agenda-date"[^>]*>\s*'
        r'<time datetime="2027-01-12">Dinsdag 12 januari 2027</time>',
        body,
    )
    cancelled = item_html(body, session_uid(second.pk))
    assert re.sub(r"<[^>]+>|\s+", " ", cancelled).count("Afgelast") == 1
    assert "Voorjaarsvakantie" in cancelled and "agenda-rsvp" not in cancelled
    assert 'class="agenda-item agenda-item--cancelled"' in body
    assert (
        '<span class="agenda-time"><time datetime="2027-01-12T09:30:00+01:00">09:30</time>' in body
    )


def test_a_volunteer_answers_an_invitation_from_the_agenda(client_for, volunteer, group):
    session = group.sessions.order_by("start").first()
    client = client_for("volunteer")
    body = client.get("/mijn/agenda/").content.decode()
    item = item_html(body, session_uid(session.pk))
    assert f'action="/intervisie/sessie/{session.pk}/antwoord/"' in item
    assert item.count('aria-pressed="false"') == 2  # nothing chosen before an answer
    anchor = re.search(r'name="next" value="([^"]+)"', item)[1]
    assert anchor.startswith("/mijn/agenda/#")
    response = client.post(
        f"/intervisie/sessie/{session.pk}/antwoord/", {"answer": "no", "next": anchor}
    )
    assert response.status_code == 302 and response["Location"] == anchor
    assert Rsvp.objects.get(session=session, volunteer=volunteer).answer == "no"
    item = item_html(client.get("/mijn/agenda/").content.decode(), session_uid(session.pk))
    assert re.search(r'value="no"[^>]*aria-pressed="true"', item)


def test_answering_never_redirects_to_another_site(client_for, group):
    session = group.sessions.order_by("start").first()
    response = client_for("volunteer").post(
        f"/intervisie/sessie/{session.pk}/antwoord/",
        {"answer": "yes", "next": "https://evil.example/"},
    )
    assert response["Location"] == f"/intervisie/sessie/{session.pk}/"


def test_renewing_the_feed_address_asks_once(client_for):
    body = client_for("volunteer").get("/mijn/agenda/").content.decode()
    confirm = re.search(r'<details class="confirm">(.*?)</details>', body, re.S)[1]
    assert "Nieuw adres maken" in confirm and confirm.count("<button") == 1
    assert 'action="/mijn/agenda/nieuw-adres/"' in confirm
