"""Planned supervision talks in the agenda: the coordinators of the volunteer's branch
see "Begeleidingsgesprek" and the first name, nobody else does, no note and no family
name leaves in a feed, and every change to a plan makes the cached feeds stale."""

from __future__ import annotations

import datetime

import pytest
import time_machine
import vobject
from django.utils import timezone

from portal.agenda.cache import generation
from portal.agenda.services import feed_token_for
from portal.models import VolunteerStatus
from portal.screening import services
from portal.screening.agenda import supervision_agenda
from portal.screening.models import SupervisionKind, SupervisionPlan
from portal.services.roles import make_coordinator
from portal.services.volunteers import change_volunteer_status
from tests.portal.factories import VolunteerFactory

pytestmark = pytest.mark.django_db
AMS = datetime.timezone(datetime.timedelta(hours=1))
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=AMS)
NOTE = "Maakt zich zorgen over haar eigen gezondheid."
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def talk(volunteer, coordinator):
    """A phone call held today with the next talk planned in a week."""
    volunteer.status = VolunteerStatus.ACTIVE
    volunteer.save(update_fields=["status"])
    services.record_supervision_contact(
        volunteer=volunteer,
        held_on=timezone.localdate(),
        kind=SupervisionKind.PHONE,
        note=NOTE,
        next_due_on=timezone.localdate() + 7 * DAY,
        by=coordinator,
    )
    return SupervisionPlan.objects.get(volunteer=volunteer)


def feed(client, user, kind="afdelingen") -> str:
    response = client.get(f"/agenda/{feed_token_for(user=user).token}/{kind}.ics")
    assert response.status_code == 200
    return response.content.decode()


def talk_events(body: str) -> list:
    calendar = vobject.readOne(body)
    found = calendar.contents.get("vevent", [])
    return [e for e in found if e.uid.value.startswith("supervision-")]


def test_the_branch_coordinator_sees_the_talk_with_the_first_name_only(
    client, client_for, coordinator, volunteer, talk
):
    body = feed(client, coordinator)
    (event,) = talk_events(body)
    assert event.summary.value == "Begeleidingsgesprek Anouk"
    assert event.dtstart.value.date() == talk.due_on
    assert event.dtstart.value.hour == 9
    assert f"/admin/screening/vrijwilliger/{volunteer.pk}/" in event.url.value
    assert "Telefonisch; spreek zelf het tijdstip af" in event.description.value
    # Neither the family name nor the note leaves the portal in a feed.
    assert "Smit" not in body and "zorgen" not in body
    page = client_for("coordinator").get("/mijn/agenda/").content.decode()
    assert '<span class="tag">Begeleidingsgesprek</span>' in page and "Anouk" in page
    assert "Smit" not in page and "zorgen" not in page


def test_other_branch_national_staff_and_volunteers_do_not_get_the_talk(
    client, client_for, other_branch_coordinator, staff, volunteer, talk
):
    assert talk_events(feed(client, other_branch_coordinator)) == []
    assert talk_events(feed(client, staff)) == []
    assert talk_events(feed(client, volunteer.user, "mijn")) == []
    for role in ("other_coordinator", "staff", "volunteer"):
        page = client_for(role).get("/mijn/agenda/").content.decode()
        assert "Begeleidingsgesprek" not in page and "Anouk" not in page


def test_national_staff_who_coordinate_the_branch_get_their_branch_talks(
    client, staff, branch, talk
):
    make_coordinator(user=staff, branches=[branch])
    assert [e.summary.value for e in talk_events(feed(client, staff))] == [
        "Begeleidingsgesprek Anouk"
    ]


def test_provider_gives_nothing_for_a_volunteer_and_only_its_window(volunteer, branch, talk):
    start = timezone.now()
    assert supervision_agenda(volunteer_id=volunteer.pk, start=start, end=start + 30 * DAY) == []
    assert supervision_agenda(branch_ids=[branch.pk], start=start, end=start + 6 * DAY) == []
    (item,) = supervision_agenda(branch_ids=[branch.pk], start=start, end=start + 8 * DAY)
    assert item.kind == "supervision_talk" and item.name == "Anouk"


def test_a_stopped_volunteer_keeps_only_the_exit_talk(volunteer, branch, coordinator, talk):
    change_volunteer_status(
        volunteer=volunteer, to_status=VolunteerStatus.STOPPED, by=coordinator, note="Verhuisd."
    )
    start = timezone.now()
    items = supervision_agenda(branch_ids=[branch.pk], start=start, end=start + 60 * DAY)
    assert [item.status_label for item in items] == ["Exitgesprek; spreek zelf het tijdstip af"]


def test_a_moved_talk_gets_a_new_uid_so_calendars_drop_the_old_one(
    client, coordinator, volunteer, talk, django_capture_on_commit_callbacks
):
    (before,) = talk_events(feed(client, coordinator))
    with django_capture_on_commit_callbacks(execute=True):
        services._plan(volunteer, SupervisionKind.PHONE, talk.due_on + 3 * DAY)
    (after,) = talk_events(feed(client, coordinator))
    assert before.uid.value != after.uid.value
    assert after.dtstart.value.date() == talk.due_on + 3 * DAY


def test_planning_moving_holding_and_deleting_a_talk_make_the_feeds_stale(
    client, coordinator, volunteer, django_capture_on_commit_callbacks
):
    volunteer.status = VolunteerStatus.ACTIVE
    volunteer.save(update_fields=["status"])
    url = f"/agenda/{feed_token_for(user=coordinator).token}/afdelingen.ics"
    today = timezone.localdate()

    def changes(step) -> bool:
        etag = client.get(url)["ETag"]
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
        before = generation()
        with django_capture_on_commit_callbacks(execute=True):
            step()
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
        return generation() > before and response.status_code == 200

    # planned
    assert changes(
        lambda: services.record_supervision_contact(
            volunteer=volunteer,
            held_on=today,
            kind=SupervisionKind.PHONE,
            next_due_on=today + 7 * DAY,
            by=coordinator,
        )
    )
    # moved
    assert changes(lambda: services._plan(volunteer, SupervisionKind.PHONE, today + 10 * DAY))
    # held (it settles the plan; the next one is planned further on)
    assert changes(
        lambda: services.record_supervision_contact(
            volunteer=volunteer,
            held_on=today,
            kind=SupervisionKind.HOME_VISIT,
            next_due_on=today + 20 * DAY,
            by=coordinator,
        )
    )
    # deleted: stopping ends the regular talks and plans the exit talk
    assert changes(
        lambda: change_volunteer_status(
            volunteer=volunteer, to_status=VolunteerStatus.STOPPED, by=coordinator, note="Verhuisd."
        )
    )
    # the exit talk held ends every plan
    assert changes(
        lambda: services.record_supervision_contact(
            volunteer=volunteer, held_on=today, kind=SupervisionKind.EXIT, by=coordinator
        )
    )
    assert not SupervisionPlan.objects.filter(volunteer=volunteer).exists()


def test_erasing_a_volunteer_makes_the_feeds_stale(
    coordinator, volunteer, talk, django_capture_on_commit_callbacks
):
    from portal.services.volunteers import erase_volunteer

    before = generation()
    with django_capture_on_commit_callbacks(execute=True):
        erase_volunteer(volunteer=volunteer, by=coordinator)
    assert generation() > before


@pytest.mark.parametrize("size", [1, 8])
def test_provider_runs_one_query_whatever_the_number_of_talks(
    branch, coordinator, size, django_assert_num_queries
):
    for _ in range(size):
        other = VolunteerFactory(branch=branch, status=VolunteerStatus.ACTIVE)
        services._plan(other, SupervisionKind.PHONE, timezone.localdate() + 5 * DAY)
    start = timezone.now()
    with django_assert_num_queries(1):
        items = supervision_agenda(branch_ids=[branch.pk], start=start, end=start + 30 * DAY)
    assert len(items) == size


def test_saving_the_record_of_a_volunteer_with_talks_makes_the_feeds_stale(
    coordinator, volunteer, other_volunteer, talk, django_capture_on_commit_callbacks
):
    from portal.registry import notify_volunteer_event

    before = generation()
    with django_capture_on_commit_callbacks(execute=True):
        notify_volunteer_event("details_saved", volunteer=other_volunteer, by=coordinator)
    assert generation() == before  # no talks planned: nothing in any feed changed
    with django_capture_on_commit_callbacks(execute=True):
        notify_volunteer_event("details_saved", volunteer=volunteer, by=coordinator)
    assert generation() > before
