""" "Bel mij terug": the volunteer asks for a call, the coordinators are told without
content, the request shows on the record until a coordinator marks it answered."""

from __future__ import annotations

import pytest
from django.core import mail

from portal.screening.models import CallbackRequest
from tests.matrix import DENIED, LOGIN, ROLES, assert_access

pytestmark = pytest.mark.django_db

A, V, C, O, S = ROLES  # noqa: E741
URL = "/mijn/bel-mij-terug/"


class _Posting:
    def __init__(self, client, data):
        self.client, self.data = client, data

    def get(self, url):
        return self.client.post(url, self.data)


@pytest.mark.parametrize("role", ROLES)
def test_only_a_volunteer_asks_for_a_call(role, client_for, volunteer):
    expected = {A: LOGIN, V: 302, C: 403, O: 403, S: 403}[role]
    assert_access(
        _Posting(client_for(role), {"preferred": "tue_morning"}), URL, expected, role=role
    )
    assert CallbackRequest.objects.exists() == (role == V)


def test_get_is_not_allowed(client_for, volunteer):
    assert client_for("volunteer").get(URL).status_code == 405


def test_asking_tells_the_coordinators_without_content_and_shows_on_mijn(
    client_for, volunteer, coordinator, other_branch_coordinator, django_capture_on_commit_callbacks
):
    client = client_for("volunteer")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"preferred": "tue_morning"})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [coordinator.email]
    assert "Anouk" not in message.subject + message.body  # no content, no name
    assert f"/admin/screening/vrijwilliger/{volunteer.pk}/" in message.body
    content = " ".join(client.get("/mijn/").content.decode().split())
    assert "gevraagd om teruggebeld te worden (liefst op dinsdag ochtend)" in content


@pytest.mark.parametrize("preferred", ["", "elke dag", "x" * 500])
def test_a_bad_choice_is_a_400_with_a_dutch_message(client_for, volunteer, preferred):
    response = client_for("volunteer").post(URL, {"preferred": preferred})
    assert response.status_code == 400
    assert "Kies een dagdeel uit de lijst." in response.content.decode()
    assert not CallbackRequest.objects.exists()


def test_a_second_request_while_one_is_open_is_refused(client_for, volunteer):
    client = client_for("volunteer")
    client.post(URL, {"preferred": "tue_morning"})
    response = client.post(URL, {"preferred": "wed_afternoon"})
    assert response.status_code == 400
    assert "al gevraagd om teruggebeld" in response.content.decode()
    assert CallbackRequest.objects.count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_only_the_branchs_coordinator_marks_it_answered(role, client_for, volunteer):
    callback = CallbackRequest.objects.create(volunteer=volunteer, preferred="tue_morning")
    url = f"/admin/screening/vrijwilliger/{volunteer.pk}/terugbellen/{callback.pk}/"
    expected = {A: LOGIN, V: 403, C: 302, O: 404, S: DENIED}[role]
    assert_access(client_for(role), url, expected, role=role, method="post")
    callback.refresh_from_db()
    assert (callback.answered_at is not None) == (role == C)


def test_the_open_request_shows_on_the_record_and_the_screen(client_for, volunteer):
    CallbackRequest.objects.create(volunteer=volunteer, preferred="tue_morning")
    client = client_for("coordinator")
    record = client.get(f"/admin/portal_volunteer/edit/{volunteer.pk}/").content.decode()
    assert "Bel mij terug" in record and "dinsdag ochtend" in record
    screen = client.get(f"/admin/screening/vrijwilliger/{volunteer.pk}/").content.decode()
    assert "om teruggebeld te worden, liefst op dinsdag ochtend" in screen
