"""The volunteer's own view: their checklist in Mijn Home-Start and in their download."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from portal.screening import services
from portal.screening.models import ChecklistItemType, SupervisionKind
from tests.screening.helpers import tick

pytestmark = pytest.mark.django_db


def test_mijn_shows_what_is_left_to_do_in_the_volunteers_words(client_for, volunteer):
    tick(volunteer, "intake", "vog")
    content = " ".join(client_for("volunteer").get("/mijn/").content.decode().split())
    assert "Mijn screening" in content
    assert "vrijwilligersovereenkomst tekenen: nog te doen" in content
    assert "Intakegesprek: gedaan op" in content
    assert "geldig tot" in content  # the VOG's expiry


def test_mijn_leaves_out_items_the_volunteer_does_not_see(client_for, volunteer, branch):
    ChecklistItemType.objects.create(
        branch=branch, key="intern", name="Intern overleg", visible_to_volunteer=False
    )
    content = client_for("volunteer").get("/mijn/").content.decode()
    assert "Intern overleg" not in content


def test_a_complete_checklist_says_so(client_for, volunteer):
    tick(volunteer, "intake", "vog", "overeenkomst", "geheimhouding", "introductiecursus")
    content = client_for("volunteer").get("/mijn/").content.decode()
    assert "Je screening is compleet." in content


def test_mijn_section_keeps_to_its_query_budget(rf, volunteer, django_assert_max_num_queries):
    from portal.registry import MIJN_SECTION_QUERY_BUDGET
    from portal.screening.registry_hooks import mijn_section

    tick(volunteer, "intake", "vog")
    request = rf.get("/mijn/")
    request.user = volunteer.user
    with django_assert_max_num_queries(MIJN_SECTION_QUERY_BUDGET):
        section = mijn_section(request, volunteer)
    assert len(section.context["todo"]) == 3


def test_the_download_holds_the_checklist_and_the_talks_with_notes(
    client_for, volunteer, coordinator
):
    tick(volunteer, "vog", on=datetime.date(2026, 1, 31))
    services.record_supervision_contact(
        volunteer=volunteer,
        held_on=timezone.localdate(),
        kind=SupervisionKind.PHONE,
        note="Eerste contact",
        by=coordinator,
    )
    response = client_for("volunteer").get("/mijn/gegevens/download/")
    data = json.loads(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    vog = next(item for item in data["screening"] if item["item"].startswith("VOG"))
    assert (vog["done_on"], vog["expires_on"]) == ("2026-01-31", "2029-01-31")
    assert [c["note"] for c in data["supervision"]] == ["Eerste contact"]
    assert data["supervision_planned"][0]["kind"] == "phone"
