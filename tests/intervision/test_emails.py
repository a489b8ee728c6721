"""Invitations and change notices through a real SMTP server: queued on commit as
django-q2 tasks (inline in tests), with answer links that work without logging in."""

from __future__ import annotations

import datetime
import re

import pytest

from intervision.models import Rsvp
from intervision.services import (
    INVITE_DAYS_AHEAD,
    cancel_session,
    invite_members,
    invite_upcoming_sessions,
    move_session,
)
from tests.intervision.conftest import NOW
from tests.portal.factories import VolunteerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.smtp, pytest.mark.usefixtures("frozen_clock")]


def text_of(received) -> str:
    message = received.message
    return f"{message['Subject']}\n{message.get_body(('plain',)).get_content()}"


@pytest.fixture
def two_members(group, branch, volunteer):
    other = VolunteerFactory(branch=branch, user__first_name="Bram", user__last_name="Zijlstra")
    group.members.add(other)
    group.save()
    return volunteer, other


def test_invitation_reaches_each_member_with_working_answer_links(
    smtp_server, session, two_members, client, django_capture_on_commit_callbacks
):
    volunteer, other = two_members
    with django_capture_on_commit_callbacks(execute=True):
        assert invite_members(session=session) == 2
    (message,) = smtp_server.messages_to(volunteer.email)
    text = text_of(message)
    assert "Intervisie Dinsdaggroep op 12 januari: kom je?" in text
    assert "dinsdag 12 januari 2027, 09:30–11:30" in text
    assert "Bram" not in text and "Zijlstra" not in text  # no other members' names
    no_link = re.search(r"http://testserver(/intervisie/antwoord/\S+)\?antwoord=no", text)
    assert no_link is not None
    assert client.post(no_link.group(1), {"answer": "no"}).status_code == 200
    assert Rsvp.objects.get(volunteer=volunteer).answer == "no"
    assert len(smtp_server.messages_to(other.email)) == 1
    session.refresh_from_db()
    assert session.invited_at is not None


def test_invitation_rolled_back_is_never_sent(smtp_server, session, two_members):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        invite_members(session=session)
        raise RuntimeError
    assert smtp_server.messages == []


def test_daily_task_invites_sessions_within_two_weeks_once(
    smtp_server, group, volunteer, frozen_clock, django_capture_on_commit_callbacks
):
    first = group.sessions.order_by("start").first()
    frozen_clock.move_to(first.start - datetime.timedelta(days=INVITE_DAYS_AHEAD, hours=-1))
    with django_capture_on_commit_callbacks(execute=True):
        assert invite_upcoming_sessions() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert invite_upcoming_sessions() == 0
    assert len(smtp_server.messages_to(volunteer.email)) == 1


def test_members_hear_of_a_move_and_a_cancellation_once_invited(
    smtp_server, session, volunteer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        move_session(
            session=session,
            date=datetime.date(2027, 1, 13),
            start_time=datetime.time(10),
            end_time=datetime.time(12),
            venue="Bibliotheek",
        )
    assert smtp_server.messages == []  # not invited yet: the invitation will say it
    with django_capture_on_commit_callbacks(execute=True):
        invite_members(session=session)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_session(session=session, reason="De begeleider is ziek.")
    invitation, notice = smtp_server.messages_to(volunteer.email)
    assert "woensdag 13 januari 2027, 10:00–12:00" in text_of(invitation)
    text = text_of(notice)
    assert text.startswith("Afgelast: intervisie Dinsdaggroep op 13 januari")
    assert "Reden: De begeleider is ziek." in text


def test_no_invitation_for_someone_who_left_the_group(
    smtp_server, session, volunteer, group, django_capture_on_commit_callbacks
):
    from intervision.tasks import send_invitation

    group.members.remove(volunteer)
    group.save()
    send_invitation(session.pk, volunteer.pk)
    assert smtp_server.messages == []


def test_nothing_is_sent_for_a_session_in_the_past(smtp_server, session, volunteer, frozen_clock):
    from intervision.tasks import send_invitation

    frozen_clock.move_to(NOW + datetime.timedelta(days=60))
    send_invitation(session.pk, volunteer.pk)
    assert smtp_server.messages == []
