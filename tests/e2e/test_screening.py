"""The coordinator ticks a new volunteer's Home-Start checklist on the screening screen,
records a supervision talk and moves the volunteer through the pipeline on the record's
status form up to "actief" (refused, with the Dutch message, while an item is missing);
the volunteer sees their checklist in Mijn Home-Start and asks for a call. axe-core
finds nothing serious; screenshots at 1280 and 390 px."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.models import VolunteerStatus
from portal.screening.models import (
    CallbackRequest,
    ChecklistItem,
    SupervisionContact,
    SupervisionKind,
    SupervisionPlan,
)
from tests.e2e.helpers import assert_accessible, log_in, save_screenshots
from tests.migrated_data import ensure_home_start_checklist
from tests.portal.factories import BranchFactory, VolunteerFactory, make_admin_user

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BLOCKERS_HEADING = "Nog nodig voordat de vrijwilliger actief kan worden:"


def tick(page, key: str, name: str, *, done_on: datetime.date, requested_on=None) -> None:
    """Fill in one row of the screening screen and save it."""
    row = page.locator(f"#onderdeel-{key}")
    if requested_on is not None:
        row.get_by_label("Aangevraagd op").fill(requested_on.isoformat())
    row.get_by_label("Gedaan op").fill(done_on.isoformat())
    row.get_by_role("button").click()
    expect(page.get_by_text(f"„{name}” is bijgewerkt.")).to_be_visible()


def change_status(page, record_url: str, status: str) -> None:
    """Pick a new status on the volunteer's record and save the record."""
    page.goto(record_url)
    page.get_by_label("Nieuwe status").select_option(status)
    page.get_by_role("button", name=re.compile("Opslaan")).first.click()
    page.wait_for_load_state()


def test_coordinator_ticks_the_checklist_up_to_active_volunteer_sees_it_and_asks_for_a_call(
    page, live_server
):
    ensure_home_start_checklist()
    branch = BranchFactory(name="Home-Start Utrecht", slug="utrecht", ranges=[(3500, 3585)])
    coordinator = make_admin_user("coordinator", branches=[branch], email="coord@example.org")
    volunteer = VolunteerFactory(branch=branch, user__first_name="Anouk", user__last_name="Smit")
    today = timezone.localdate()
    screening_url = f"{live_server.url}/admin/screening/vrijwilliger/{volunteer.pk}/"

    log_in(page, live_server, coordinator.email, totp=True)
    page.goto(screening_url)
    tick(page, "intake", "Intakegesprek", done_on=today - datetime.timedelta(days=30))
    assert ChecklistItem.objects.get(item_type__key="intake").checked_by == coordinator
    page.get_by_label("Datum van het gesprek").fill(
        (today - datetime.timedelta(days=29)).isoformat()
    )
    page.get_by_label("Soort").select_option("phone")
    page.get_by_label("Korte notitie").fill("Kennismaking, gaat goed.")
    page.get_by_role("button", name="Gesprek opslaan").click()
    expect(page.get_by_text("Het gesprek is vastgelegd.")).to_be_visible()
    assert SupervisionContact.objects.count() == 1
    tick(
        page,
        "vog",
        "VOG (Verklaring Omtrent het Gedrag)",
        requested_on=today - datetime.timedelta(days=28),
        done_on=today - datetime.timedelta(days=10),
    )
    tick(
        page,
        "overeenkomst",
        "Vrijwilligersovereenkomst getekend",
        done_on=today - datetime.timedelta(days=9),
    )
    tick(
        page,
        "geheimhouding",
        "Geheimhoudingsverklaring getekend",
        done_on=today - datetime.timedelta(days=9),
    )
    # One item to go: the screen says which.
    blockers = page.locator(".help-warning", has_text=BLOCKERS_HEADING)
    expect(blockers).to_contain_text(
        "Nog te doen voordat de vrijwilliger actief kan worden: Introductiecursus afgerond."
    )
    expect(blockers.locator("li")).to_have_count(1)
    assert_accessible(page)
    save_screenshots(page, "screening-admin")

    # The record's status form: the pipeline, step by step, from "aangemeld".
    page.get_by_role("link", name="Naar het dossier (status wijzigen)").click()
    record_url = page.url
    assert re.search(rf"/admin/portal_volunteer/edit/{volunteer.pk}/$", record_url)
    change_status(page, record_url, VolunteerStatus.INTAKE)
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.INTAKE
    change_status(page, record_url, VolunteerStatus.VOG_RECEIVED)
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.VOG_RECEIVED
    # "Actief" before the last item is ticked: refused, in Dutch, nothing changed.
    change_status(page, record_url, VolunteerStatus.ACTIVE)
    expect(page.locator(".errorlist")).to_have_text(
        "Nog te doen voordat de vrijwilliger actief kan worden: Introductiecursus afgerond."
    )
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.VOG_RECEIVED
    assert not volunteer.status_changes.filter(to_status=VolunteerStatus.ACTIVE).exists()
    assert_accessible(page)

    # The course was followed elsewhere: ticked by hand; nothing stands in the way now.
    page.goto(screening_url)
    tick(
        page,
        "introductiecursus",
        "Introductiecursus afgerond",
        done_on=today - datetime.timedelta(days=2),
    )
    expect(page.get_by_text(BLOCKERS_HEADING)).to_have_count(0)
    assert all(
        item.done_on and item.checked_by == coordinator
        for item in ChecklistItem.objects.filter(volunteer=volunteer)
    )
    assert ChecklistItem.objects.filter(volunteer=volunteer, done_on__isnull=False).count() == 5
    change_status(page, record_url, VolunteerStatus.ACTIVE)
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.ACTIVE
    assert list(
        volunteer.status_changes.order_by("changed_at", "pk").values_list("to_status", flat=True)
    ) == [
        VolunteerStatus.APPLIED,
        VolunteerStatus.INTAKE,
        VolunteerStatus.VOG_RECEIVED,
        VolunteerStatus.ACTIVE,
    ]
    # Activation planned the evaluation after three months.
    assert SupervisionPlan.objects.filter(
        volunteer=volunteer, kind=SupervisionKind.EVALUATION_3M
    ).exists()
    page.goto(screening_url)
    expect(page.locator("p", has_text="Status:")).to_contain_text("Actief")
    expect(page.get_by_text(BLOCKERS_HEADING)).to_have_count(0)
    assert_accessible(page)
    save_screenshots(page, "screening-admin-active")

    page.context.clear_cookies()
    log_in(page, live_server, volunteer.email)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"{live_server.url}/mijn/")
    expect(page.get_by_text("Je screening is compleet.")).to_be_visible()
    expect(page.get_by_text("Vrijwilligersovereenkomst getekend: gedaan op")).to_be_visible()
    page.get_by_label("Liefst op").select_option("tue_morning")
    page.get_by_role("button", name="Bel mij terug").click()
    expect(page.get_by_text("Je coördinator weet dat je teruggebeld wilt worden")).to_be_visible()
    assert CallbackRequest.objects.filter(volunteer=volunteer).count() == 1
    assert_accessible(page)
    save_screenshots(page, "screening-mijn")
