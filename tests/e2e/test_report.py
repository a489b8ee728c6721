"""The annual report in the browser: a coordinator opens it from the menu, switches
municipality, year and a period of whole months, opens the print view; axe-core finds
nothing serious, and the report is screenshot at 1280 and 390 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.models import Municipality
from tests.e2e.helpers import assert_accessible, log_in, save_screenshots
from tests.migrated_data import ensure_municipalities
from tests.portal.factories import BranchFactory, make_admin_user
from tests.reports.test_services import build_families

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_coordinator_reads_the_annual_report(page, live_server):
    ensure_municipalities()
    branch = BranchFactory(name="Home-Start Utrecht", slug="utrecht", ranges=[(3500, 3585)])
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    branch.working_area.set([utrecht, Municipality.objects.get(cbs_code="GM0356")])
    branch.save()  # a ParentalManyToManyField is written on save
    coordinator = make_admin_user("coordinator", branches=[branch], email="coord@example.org")
    build_families(branch, municipality=utrecht)

    log_in(page, live_server, coordinator.email, totp=True)
    page.get_by_role("link", name="Jaarverslag").click()
    page.wait_for_url(re.compile(r"/admin/jaarverslag/"))
    page.get_by_label("Jaar").fill("2025")
    page.get_by_role("button", name="Toon het verslag").click()
    families = page.get_by_role("table", name="Gezinnen en kinderen ondersteund")
    expect(families.get_by_role("row", name=re.compile("^Gezinnen 14 0 14"))).to_be_visible()
    expect(page.get_by_role("img", name="Soorten hulpvraag")).to_be_visible()
    assert_accessible(page)
    save_screenshots(page, "annual-report")

    page.get_by_label("Gemeente").select_option(label="Utrecht")
    page.get_by_role("button", name="Toon het verslag").click()
    expect(page.get_by_text("gemeente Utrecht")).to_be_visible()
    expect(families.get_by_role("row", name=re.compile("^Gezinnen 6 0 6"))).to_be_visible()

    page.get_by_label("Jaar").fill("2024")
    page.get_by_role("button", name="Toon het verslag").click()
    expect(page.get_by_text("Home-Start Utrecht · 2024")).to_be_visible()
    expect(families.get_by_role("row", name=re.compile("^Gezinnen 0 0 0"))).to_be_visible()
    assert_accessible(page)

    # A period is whole months: two month pickers, never a day.
    start = page.get_by_label("Of een periode van hele maanden: van")
    expect(start).to_have_attribute("type", "month")
    start.fill("2025-03")
    page.get_by_label("tot en met").fill("2025-08")
    page.get_by_role("button", name="Toon het verslag").click()
    expect(page.get_by_text("Home-Start Utrecht · maart 2025 – augustus 2025")).to_be_visible()
    assert "van=2025-03" in page.url and "tot=2025-08" in page.url

    page.get_by_role("link", name=re.compile("Afdrukversie")).click()
    page.wait_for_url(re.compile(r"/admin/jaarverslag/afdrukken/"))
    expect(page.get_by_role("heading", name="Gezinnen en kinderen", level=1)).to_be_visible()
    assert_accessible(page)
