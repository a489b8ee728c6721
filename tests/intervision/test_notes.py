"""Session notes: only the group's members and the branch's coordinators see or write
them; the form reminds the writer not to name families."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intervision.models import SessionNote
from intervision.services import add_session_note
from portal.errors import ServiceError
from tests.portal.factories import VolunteerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

NOTE = "Besproken: hoe je een bezoek afsluit als een ouder blijft praten."


@pytest.fixture
def session(session, frozen_clock):
    """A report is written once the meeting has begun: the clock moves to its middle."""
    frozen_clock.move_to(session.start + datetime.timedelta(hours=1))
    return session


def test_member_writes_a_note_and_the_form_reminds_them_not_to_name_families(client_for, session):
    client = client_for("volunteer")
    page = client.get(f"/intervisie/sessie/{session.pk}/").content.decode()
    assert page.count("Noem geen gezinnen") == 1  # one privacy notice, tied to the field
    assert 'aria-describedby="geen-gezinnen"' in page and 'id="geen-gezinnen"' in page
    response = client.post(f"/intervisie/sessie/{session.pk}/verslag/", {"text": NOTE})
    assert response.status_code == 302
    assert SessionNote.objects.get().text == NOTE
    assert NOTE in client.get(f"/intervisie/sessie/{session.pk}/").content.decode()


@pytest.mark.parametrize(
    ("role", "status", "sees_note"),
    [
        ("volunteer", 200, True),
        ("coordinator", 200, True),
        ("other_coordinator", 404, False),
        ("staff", 200, False),
    ],
)
def test_who_sees_the_notes(client_for, session, coordinator, role, status, sees_note):
    add_session_note(session=session, author=coordinator, text=NOTE)
    response = client_for(role).get(f"/intervisie/sessie/{session.pk}/")
    assert response.status_code == status
    assert (NOTE in response.content.decode()) is sees_note


def test_a_volunteer_of_the_branch_outside_the_group_sees_nothing(client, session, branch):
    outsider = VolunteerFactory(branch=branch)
    client.force_login(outsider.user)
    assert client.get(f"/intervisie/sessie/{session.pk}/").status_code == 404
    assert client.get(f"/intervisie/groep/{session.group_id}/").status_code == 404
    response = client.post(f"/intervisie/sessie/{session.pk}/verslag/", {"text": NOTE})
    assert response.status_code == 404
    with pytest.raises(ServiceError):
        add_session_note(session=session, author=outsider.user, text=NOTE)
    assert not SessionNote.objects.exists()


def test_national_staff_and_other_branches_cannot_write_notes(
    client_for, session, staff, other_branch_coordinator
):
    assert (
        client_for("staff")
        .post(f"/intervisie/sessie/{session.pk}/verslag/", {"text": NOTE})
        .status_code
        == 404
    )
    assert (
        client_for("other_coordinator")
        .post(f"/intervisie/sessie/{session.pk}/verslag/", {"text": NOTE})
        .status_code
        == 404
    )
    assert not SessionNote.objects.exists()


def test_empty_note_is_refused_with_the_form_again(client_for, session):
    response = client_for("volunteer").post(
        f"/intervisie/sessie/{session.pk}/verslag/", {"text": "   "}
    )
    assert response.status_code == 400
    assert not SessionNote.objects.exists()


@given(text=st.text(max_size=6000))
def test_note_form_never_500s(client_for, session, text):
    response = client_for("volunteer").post(
        f"/intervisie/sessie/{session.pk}/verslag/", {"text": text}
    )
    assert response.status_code in (302, 400)


def test_no_report_before_the_meeting_has_begun(client_for, session, frozen_clock, coordinator):
    frozen_clock.move_to(session.start - datetime.timedelta(minutes=5))
    client = client_for("volunteer")
    page = client.get(f"/intervisie/sessie/{session.pk}/").content.decode()
    assert "Verslag" not in page and "Noem geen gezinnen" not in page
    response = client.post(f"/intervisie/sessie/{session.pk}/verslag/", {"text": NOTE})
    assert response.status_code == 400
    assert "als de bijeenkomst begonnen is" in response.content.decode()
    with pytest.raises(ServiceError) as refused:
        add_session_note(session=session, author=coordinator, text=NOTE)
    assert refused.value.code == "not_held"
    assert not SessionNote.objects.exists()
