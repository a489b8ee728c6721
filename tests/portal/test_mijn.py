import json

import pytest

from portal.models import DeletionRequest
from portal.registry import MIJN_SECTION_QUERY_BUDGET, registry

pytestmark = pytest.mark.django_db


def details(**changes):
    data = {
        "first_name": "Anouk",
        "last_name": "Smit-de Groot",
        "phone": "+31 6 1234 5678",
        "street_address": "Lange Nieuwstraat 8",
        "postcode": "3512je",
        "city": "Utrecht",
        "languages": ["nl", "ar"],
        "parenting_experience": "Moeder van twee",
        "availability": ["tue_morning", "thu_afternoon"],
    }
    data.update(changes)
    return data


def test_mijn_shows_status_and_details(client, volunteer):
    client.force_login(volunteer.user)
    content = client.get("/mijn/").content.decode()
    assert "Mijn Home-Start" in content
    assert volunteer.branch.name in content
    assert "aangemeld" in content.lower()


def test_volunteer_edits_own_details(client, volunteer):
    client.force_login(volunteer.user)
    response = client.post("/mijn/gegevens/", details())
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.user.last_name == "Smit-de Groot"
    assert volunteer.postcode == "3512 JE"
    assert volunteer.languages == ["nl", "ar"]
    assert volunteer.availability == ["tue_morning", "thu_afternoon"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "12345", "Nederlandse postcode"),
        ("phone", "bel me maar", "telefoonnummer"),
        ("first_name", "", "verplicht"),
        ("languages", ["xx"], "geen beschikbare keuze"),
        ("availability", ["mon_night"], "geen beschikbare keuze"),
        ("parenting_experience", "a" * 2001, "niet meer dan 2000 tekens"),
    ],
)
def test_bad_details_are_refused_in_dutch_and_nothing_changes(
    client, volunteer, field, value, message
):
    client.force_login(volunteer.user)
    before = (volunteer.postcode, volunteer.phone, volunteer.user.first_name)
    response = client.post("/mijn/gegevens/", details(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    volunteer.refresh_from_db()
    assert (volunteer.postcode, volunteer.phone, volunteer.user.first_name) == before


def test_download_holds_own_data_only(client, volunteer, other_volunteer):
    client.force_login(volunteer.user)
    response = client.get("/mijn/gegevens/download/")
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == volunteer.user.email
    assert other_volunteer.user.email not in response.content.decode()


def test_deletion_request_needs_confirmation(client, volunteer):
    client.force_login(volunteer.user)
    response = client.post("/mijn/verwijderen/", {"note": "Ik stop"})
    assert response.status_code == 400
    assert "Vink aan" in response.content.decode()
    assert not DeletionRequest.objects.exists()


def test_deletion_request_reaches_the_coordinator(
    client, volunteer, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(volunteer.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/mijn/verwijderen/", {"note": "Ik stop", "confirm": "on"})
    assert response.status_code == 302
    assert DeletionRequest.objects.filter(volunteer=volunteer).exists()
    assert [m.to for m in mailoutbox] == [[coordinator.email]]
    second = client.post("/mijn/verwijderen/", {"confirm": "on"})
    assert second.status_code == 409
    assert DeletionRequest.objects.count() == 1


def test_mijn_query_count_of_portals_own_page_is_small(
    client, volunteer, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr(registry, "mijn_sections", [])
    client.force_login(volunteer.user)
    with django_assert_max_num_queries(12):
        client.get("/mijn/")


def test_each_part_keeps_to_its_query_budget_on_mijn(
    client, volunteer, django_assert_max_num_queries
):
    # The parts test that their own section does not grow with rows; here the page as a
    # whole keeps to the budget `register_mijn_section` promises for each section.
    client.force_login(volunteer.user)
    budget = 12 + MIJN_SECTION_QUERY_BUDGET * len(registry.mijn_sections)
    with django_assert_max_num_queries(budget):
        client.get("/mijn/")
