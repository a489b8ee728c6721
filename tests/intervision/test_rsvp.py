"""Answering an invitation: on the portal, and from the signed link in the e-mail that
works without logging in; expired and altered links get a clear Dutch page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import signing
from hypothesis import given
from hypothesis import strategies as st

from intervision.models import Rsvp, RsvpAnswer
from intervision.services import (
    RSVP_MAX_AGE,
    answer_invitation,
    cancel_session,
    read_rsvp_token,
    rsvp_token,
)
from portal.errors import ServiceError
from tests.intervision.conftest import NOW
from tests.portal.factories import VolunteerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def link(session, volunteer) -> str:
    return f"/intervisie/antwoord/{rsvp_token(session_id=session.pk, volunteer_id=volunteer.pk)}/"


def test_member_answers_and_may_change_the_answer(session, volunteer):
    answer_invitation(session=session, volunteer=volunteer, answer="yes")
    answer_invitation(session=session, volunteer=volunteer, answer="no")
    rsvp = Rsvp.objects.get()
    assert rsvp.answer == RsvpAnswer.NO and not rsvp.via_email


def test_non_member_cancelled_and_started_sessions_are_refused(session, volunteer, branch):
    stranger = VolunteerFactory(branch=branch)
    with pytest.raises(ServiceError) as error:
        answer_invitation(session=session, volunteer=stranger, answer="yes")
    assert error.value.code == "not_member"
    with pytest.raises(ServiceError) as error:
        answer_invitation(session=session, volunteer=volunteer, answer="maybe")
    assert error.value.code == "bad_answer"
    with pytest.raises(ServiceError) as error:
        answer_invitation(session=session, volunteer=volunteer, answer="yes", now=session.start)
    assert error.value.code == "too_late"
    cancel_session(session=session, reason="Ziek")
    with pytest.raises(ServiceError) as error:
        answer_invitation(session=session, volunteer=volunteer, answer="yes")
    assert error.value.code == "cancelled"
    assert not Rsvp.objects.exists()


def visible_text(html: str) -> str:
    html = re.sub(
        r'<(\w+)[^>]*class="[^"]*visually-hidden[^"]*"[^>]*>.*?</\1>', " ", html, flags=re.S
    )
    return re.sub(r"<[^>]+>", " ", html)


def test_member_answers_on_the_session_page(client_for, session):
    client = client_for("volunteer")
    page = client.get(f"/intervisie/sessie/{session.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    # One question, as the legend of the choices, and nothing chosen before an answer.
    assert visible_text(body).count("Kom je?") == 1
    assert '<legend id="id_answer_legend" class="card-question">Kom je?</legend>' in body
    assert "checked" not in body
    response = client.post(f"/intervisie/sessie/{session.pk}/antwoord/", {"answer": "yes"})
    assert response.status_code == 302
    assert Rsvp.objects.get().answer == "yes"
    after = client.get(f"/intervisie/sessie/{session.pk}/").content.decode()
    assert "Je antwoord: ik kom" in after
    assert re.search(r'value="yes"[^>]*checked', after)  # the answer given is the one chosen


@given(answer=st.one_of(st.text(max_size=20), st.none()))
def test_session_page_answer_never_500s(client_for, session, answer):
    client = client_for("volunteer")
    data = {} if answer is None else {"answer": answer}
    response = client.post(f"/intervisie/sessie/{session.pk}/antwoord/", data)
    assert response.status_code in (302, 400)
    if answer not in ("yes", "no"):
        assert response.status_code == 400


def test_the_email_link_works_without_logging_in(client, session, volunteer):
    url = link(session, volunteer)
    page = client.get(url + "?antwoord=no")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Kom je naar de intervisie?" in body and "Dinsdaggroep" in body
    assert visible_text(body).count("Kom je") == 2  # the page title and the heading
    assert re.search(r'value="no"[^>]*checked', body)  # the answer clicked in the e-mail
    assert "checked" not in client.get(url).content.decode()  # no click, no answer yet
    # Opening the link changes nothing (mail scanners open links too).
    assert not Rsvp.objects.exists()
    response = client.post(url, {"answer": "no"})
    assert response.status_code == 200
    assert "Dank je wel voor het laten weten" in response.content.decode()
    rsvp = Rsvp.objects.get()
    assert (rsvp.volunteer, rsvp.answer, rsvp.via_email) == (volunteer, "no", True)


def test_an_altered_link_gets_a_clear_page_and_400(client, session, volunteer):
    token = rsvp_token(session_id=session.pk, volunteer_id=volunteer.pk)
    forged = signing.dumps([session.pk, volunteer.pk + 1], salt="something else")
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), forged, "rubbish"):
        response = client.post(f"/intervisie/antwoord/{bad}/", {"answer": "yes"})
        assert response.status_code == 400
        assert "Deze link werkt niet" in response.content.decode()
    assert not Rsvp.objects.exists()


def test_an_expired_link_gets_a_clear_page_and_410(client, session, volunteer, frozen_clock):
    url = link(session, volunteer)
    frozen_clock.move_to(NOW + RSVP_MAX_AGE + datetime.timedelta(minutes=1))
    response = client.get(url)
    assert response.status_code == 410
    assert "De link in je uitnodiging is verlopen." in response.content.decode()
    assert client.post(url, {"answer": "yes"}).status_code == 410
    assert not Rsvp.objects.exists()


def test_the_link_refuses_after_the_volunteer_left_the_group(client, session, volunteer, group):
    url = link(session, volunteer)
    group.members.remove(volunteer)
    group.save()
    response = client.post(url, {"answer": "yes"})
    assert response.status_code == 409
    assert "Je bent geen lid van deze intervisiegroep." in response.content.decode()


def test_token_payload_must_be_two_ids(session):
    token = signing.dumps({"s": session.pk}, salt="intervision.rsvp")
    with pytest.raises(signing.BadSignature):
        read_rsvp_token(token)


@given(token=st.text(min_size=1, max_size=80), answer=st.text(max_size=10))
def test_link_never_500s(client, token, answer):
    from urllib.parse import quote

    response = client.post(f"/intervisie/antwoord/{quote(token, safe='')}/", {"answer": answer})
    assert response.status_code in (400, 404, 410)
