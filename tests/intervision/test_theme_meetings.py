"""Theme meetings on the courses part's enrolment engine: open to chosen branches,
places and a waitlist, refusals, promotion by e-mail, agenda items, scoped admin."""

from __future__ import annotations

import datetime

import pytest

from courses.models.enrolment import Enrolment
from intervision.agenda import theme_meeting_agenda, theme_meeting_uid, upcoming_theme_meetings
from intervision.models import ThemeMeeting, ThemeMeetingEnrolment
from intervision.services import (
    cancel_theme_meeting,
    cancel_theme_meeting_sign_up,
    sign_up_for_theme_meeting,
)
from portal.errors import ServiceError
from tests.intervision.conftest import NOW
from tests.portal.factories import VolunteerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

START = NOW + datetime.timedelta(days=60)


def make_meeting(*, branch=None, open_to=(), capacity=2, **kwargs) -> ThemeMeeting:
    meeting = ThemeMeeting.objects.create(
        title=kwargs.pop("title", "Omgaan met stress in het gezin"),
        branch=branch,
        starts_at=START,
        ends_at=START + datetime.timedelta(hours=3),
        venue="Jaarbeurs, zaal 4",
        capacity=capacity,
        open_to_all_branches=not open_to,
        **kwargs,
    )
    meeting.open_to_branches.set(open_to)
    return meeting


def test_theme_meetings_use_the_courses_enrolment_engine():
    assert issubclass(ThemeMeetingEnrolment, Enrolment)


def test_full_meeting_puts_the_next_on_the_waitlist_and_promotes_on_cancel(branch):
    meeting = make_meeting(capacity=1)
    first, second = VolunteerFactory(branch=branch), VolunteerFactory(branch=branch)
    one = sign_up_for_theme_meeting(meeting=meeting, volunteer=first)
    two = sign_up_for_theme_meeting(meeting=meeting, volunteer=second)
    assert one.is_enrolled and two.is_waitlisted and two.waitlist_position() == 1
    cancel_theme_meeting_sign_up(enrolment=one, by=first.user)
    two.refresh_from_db()
    assert two.is_enrolled and two.promoted_at is not None


def test_refusals_other_branch_and_twice(branch, other_branch, volunteer, other_volunteer):
    meeting = make_meeting(branch=branch, open_to=[branch])
    with pytest.raises(ServiceError) as error:
        sign_up_for_theme_meeting(meeting=meeting, volunteer=other_volunteer)
    assert error.value.code == "not_open_to_branch"
    sign_up_for_theme_meeting(meeting=meeting, volunteer=volunteer)
    with pytest.raises(ServiceError) as error:
        sign_up_for_theme_meeting(meeting=meeting, volunteer=volunteer)
    assert error.value.code == "already_enrolled"
    assert meeting.enrolments.count() == 1


def test_sign_up_view_shows_refusals_in_dutch(client_for, branch, other_branch, volunteer):
    closed = make_meeting(branch=other_branch, open_to=[other_branch], title="Zwolse avond")
    client = client_for("volunteer")
    # Not open to this branch: as if it did not exist.
    assert client.get(f"/intervisie/themabijeenkomsten/{closed.pk}/").status_code == 404
    assert client.post(f"/intervisie/themabijeenkomsten/{closed.pk}/aanmelden/").status_code == 404
    meeting = make_meeting(capacity=1)
    VolunteerFactory(branch=branch)
    taker = VolunteerFactory(branch=branch)
    sign_up_for_theme_meeting(meeting=meeting, volunteer=taker)
    listing = client.get("/intervisie/themabijeenkomsten/").content.decode()
    assert meeting.title in listing and closed.title not in listing
    page = client.get(f"/intervisie/themabijeenkomsten/{meeting.pk}/").content.decode()
    assert "Op de wachtlijst zetten" in page
    response = client.post(f"/intervisie/themabijeenkomsten/{meeting.pk}/aanmelden/")
    assert response.status_code == 302
    page = client.get(f"/intervisie/themabijeenkomsten/{meeting.pk}/").content.decode()
    assert "Je staat op de wachtlijst, op plek 1." in page
    again = client.post(f"/intervisie/themabijeenkomsten/{meeting.pk}/aanmelden/")
    assert again.status_code == 409
    assert "Je staat al op de wachtlijst." in again.content.decode()
    assert client.post(f"/intervisie/themabijeenkomsten/{meeting.pk}/afmelden/").status_code == 302
    assert meeting.enrolments.get(volunteer=volunteer).is_cancelled


@pytest.mark.smtp
def test_promotion_is_announced_by_email(
    smtp_server, branch, volunteer, django_capture_on_commit_callbacks
):
    meeting = make_meeting(capacity=1)
    taker = VolunteerFactory(branch=branch)
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = sign_up_for_theme_meeting(meeting=meeting, volunteer=taker)
        sign_up_for_theme_meeting(meeting=meeting, volunteer=volunteer)
    (waitlisted,) = smtp_server.messages_to(volunteer.email)
    assert "Je staat op de wachtlijst" in waitlisted.message["Subject"]
    with django_capture_on_commit_callbacks(execute=True):
        cancel_theme_meeting_sign_up(enrolment=enrolment, by=taker.user)
    promoted = smtp_server.messages_to(volunteer.email)[-1]
    assert "Er is een plaats voor je vrijgekomen" in promoted.message["Subject"]
    body = promoted.message.get_body(("plain",)).get_content()
    assert "Omgaan met stress in het gezin" in body and taker.full_name not in body


def test_agenda_items_for_volunteer_and_branch(branch, other_branch, volunteer):
    meeting = make_meeting(capacity=1)
    mine = make_meeting(branch=branch, open_to=[branch], title="Utrechtse avond")
    window = (NOW, NOW + datetime.timedelta(days=365))
    assert theme_meeting_agenda(volunteer_id=volunteer.pk, start=window[0], end=window[1]) == []
    sign_up_for_theme_meeting(meeting=meeting, volunteer=volunteer)
    (item,) = theme_meeting_agenda(volunteer_id=volunteer.pk, start=window[0], end=window[1])
    assert item.uid == theme_meeting_uid(meeting.pk) and item.status == "enrolled"
    cancel_theme_meeting(meeting=meeting, by=None, reason="Te weinig aanmeldingen")
    (item,) = theme_meeting_agenda(volunteer_id=volunteer.pk, start=window[0], end=window[1])
    assert item.cancelled and item.status == "cancelled" and item.sequence == 1
    other = theme_meeting_agenda(branch_ids=[other_branch.pk], start=window[0], end=window[1])
    assert [i.uid for i in other] == [theme_meeting_uid(meeting.pk)]
    own = theme_meeting_agenda(branch_ids=[branch.pk], start=window[0], end=window[1])
    assert {i.uid for i in own} == {theme_meeting_uid(meeting.pk), theme_meeting_uid(mine.pk)}


def test_cancelling_needs_a_reason(branch):
    meeting = make_meeting()
    with pytest.raises(ServiceError):
        cancel_theme_meeting(meeting=meeting, by=None, reason=" ")
    meeting.refresh_from_db()
    assert not meeting.is_cancelled


def test_upcoming_events_carry_places_left_and_no_names(branch, volunteer):
    meeting = make_meeting(capacity=3)
    sign_up_for_theme_meeting(meeting=meeting, volunteer=volunteer)
    (event,) = upcoming_theme_meetings(branch_ids=None, limit=5)
    assert event.places_left == 2 and event.kind == "theme_meeting"


def test_admin_is_scoped_national_meetings_for_national_staff(client_for, branch, other_branch):
    national = make_meeting(title="Landelijke themadag")
    local = make_meeting(branch=branch, open_to=[branch], title="Utrechtse avond")
    own = client_for("coordinator")
    listing = own.get("/admin/theme_meeting/").content.decode()
    assert "Utrechtse avond" in listing and "Landelijke themadag" not in listing
    assert own.get(f"/admin/theme_meeting/edit/{national.pk}/").status_code == 404
    other = client_for("other_coordinator")
    assert "Utrechtse avond" not in other.get("/admin/theme_meeting/").content.decode()
    assert other.get(f"/admin/theme_meeting/edit/{local.pk}/").status_code == 404
    staff = client_for("staff")
    listing = staff.get("/admin/theme_meeting/").content.decode()
    assert "Utrechtse avond" in listing and "Landelijke themadag" in listing


def test_coordinator_creates_a_branch_meeting_in_the_admin(client_for, branch, other_branch):
    data = {
        "title": "Voorjaarsbijeenkomst",
        "description": "",
        "starts_at": "2027-03-18 19:30",
        "ends_at": "2027-03-18 21:30",
        "venue": "Buurthuis",
        "branch": branch.pk,
        "open_to_branches": [branch.pk],
        "capacity": "20",
        "signup_opens_on": "",
        "signup_closes_on": "",
    }
    client = client_for("coordinator")
    response = client.post("/admin/theme_meeting/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = ThemeMeeting.objects.get(title="Voorjaarsbijeenkomst")
    assert meeting.branch == branch and list(meeting.open_to_branches.all()) == [branch]
    response = client.post("/admin/theme_meeting/new/", data | {"branch": other_branch.pk})
    assert response.status_code in (200, 400)
    response = client.post("/admin/theme_meeting/new/", data | {"branch": ""})
    assert response.status_code in (200, 400)
    assert ThemeMeeting.objects.count() == 1


def test_capacity_cannot_drop_below_the_places_taken(client_for, branch, volunteer):
    meeting = make_meeting(branch=branch, open_to=[branch], capacity=2)
    sign_up_for_theme_meeting(meeting=meeting, volunteer=volunteer)
    sign_up_for_theme_meeting(meeting=meeting, volunteer=VolunteerFactory(branch=branch))
    data = {
        "title": meeting.title,
        "description": "",
        "starts_at": "2027-01-30 10:00",
        "ends_at": "2027-01-30 13:00",
        "venue": meeting.venue,
        "branch": branch.pk,
        "open_to_branches": [branch.pk],
        "capacity": "1",
        "signup_opens_on": "",
        "signup_closes_on": "",
    }
    response = client_for("coordinator").post(f"/admin/theme_meeting/edit/{meeting.pk}/", data)
    assert response.status_code in (200, 400)
    meeting.refresh_from_db()
    assert meeting.capacity == 2
