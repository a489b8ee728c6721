"""The coordinator's morning: log in with the two-step code, read the admin home, follow
the referral panel to the referral, follow the attendance panel to the course's grid and
record attendance, open an intervision session from its group. axe-core finds nothing
serious on any page; screenshots of the home and the grid at 1280 and 390 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from courses.models import Attendance
from tests.e2e.helpers import assert_accessible, log_in, save_screenshots
from tests.portal.admin_home_data import fill_branch
from tests.portal.factories import BranchFactory, make_admin_user

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_coordinators_morning_from_the_admin_home(page, live_server):
    branch = BranchFactory(name="Home-Start Utrecht", slug="utrecht", ranges=[(3500, 3585)])
    coordinator = make_admin_user("coordinator", branches=[branch], email="coord@example.org")
    made = fill_branch(branch)
    referral = made["referrals"][0]
    course = made["running_courses"][0]
    group = made["group"]

    log_in(page, live_server, coordinator.email, totp=True)
    expect(page).to_have_title("Overzicht - Home-Start beheer")
    expect(page.get_by_role("heading", name="Home-Start beheer", level=1)).to_be_visible()
    referrals = page.get_by_role("region", name=re.compile("Nieuwe aanmeldingen van gezinnen"))
    expect(referrals.get_by_text("Oudste wacht 4 dagen")).to_be_visible()
    assert_accessible(page)
    save_screenshots(page, "admin-home")

    # The referral panel leads to the referral itself.
    referrals.get_by_role("link", name=referral.reference).click()
    page.wait_for_url(re.compile(rf"/admin/referrals/edit/{referral.pk}/$"))
    expect(page.get_by_text(referral.reference).first).to_be_visible()
    assert_accessible(page)

    # The attendance panel leads to the course's grid; the first morning gets recorded.
    page.goto(f"{live_server.url}/admin/")
    attendance = page.get_by_role("region", name=re.compile("Aanwezigheid nog invullen"))
    attendance.get_by_role("link", name=course.title).first.click()
    page.wait_for_url(re.compile(rf"/admin/courses/{course.pk}/aanwezigheid/$"))
    grid = page.get_by_role("region", name="Aanwezigheid per deelnemer en bijeenkomst")
    selects = grid.get_by_role("combobox")
    participants = course.enrolments.count()
    # Held mornings only (two weeks ago, last week, today): no input for the three to come.
    expect(selects).to_have_count(participants * 3)
    assert_accessible(page)
    save_screenshots(page, "attendance-grid")
    first_morning = course.sessions.order_by("date").first()
    for enrolment in course.enrolments.select_related("volunteer__user"):
        label = page.locator(f'label[for="id_a-{enrolment.pk}-{first_morning.pk}"]').inner_text()
        grid.get_by_label(label, exact=True).select_option("present")
    page.get_by_role("button", name="Aanwezigheid opslaan").click()
    expect(page.get_by_text("Aanwezigheid opgeslagen")).to_be_visible()
    assert Attendance.objects.filter(session=first_morning, status="present").count() == (
        participants
    )

    # From the group's page to one of its sessions.
    page.goto(f"{live_server.url}/admin/intervision_group/")
    page.get_by_role("link", name=group.name).first.click()
    page.wait_for_url(re.compile(rf"/admin/intervision_group/edit/{group.pk}/$"))
    assert_accessible(page)
    session = made["session_this_week"]
    page.locator(f'a[href="/admin/intervision_session/edit/{session.pk}/"]').click()
    page.wait_for_url(re.compile(rf"/admin/intervision_session/edit/{session.pk}/$"))
    expect(page.get_by_text("1 komen, 1 komen niet, van 3 leden")).to_be_visible()
    assert_accessible(page)


def test_national_staff_see_every_branchs_counts_and_no_branchs_families(page, live_server):
    """National staff's home: the per-branch table and each branch's counts, the
    referrals no branch covers by reference (to pass them on), and no reference or
    volunteer of a branch's matches (DESIGN.md's tiers)."""
    from support.models import Match
    from support.referrals.models import Referral
    from tests.support.test_registry import fill as fill_support

    branch = BranchFactory(name="Home-Start Utrecht", slug="utrecht", ranges=[(3500, 3585)])
    BranchFactory(name="Home-Start Zwolle", slug="zwolle", ranges=[(8000, 8049)])
    fill_branch(branch)
    fill_support(branch, 1)
    unrouted = Referral.objects.create(
        reference="HS-NERGENS", kind="parents", referrer_category="family", branch=None
    )
    staff = make_admin_user("national_staff", email="landelijk@example.org")

    log_in(page, live_server, staff.email, totp=True)
    expect(page).to_have_title("Overzicht - Home-Start beheer")
    expect(page.get_by_role("heading", name="Per afdeling")).to_be_visible()
    to_start = page.get_by_role("region", name=re.compile("Koppelingen om te starten"))
    expect(to_start.get_by_text("zien alleen de coördinatoren van de afdeling")).to_be_visible()
    content = page.content()
    for match in Match.objects.select_related("volunteer__user"):
        assert match.reference not in content and match.volunteer_label not in content
    assert "/admin/support_match/" not in content
    assert_accessible(page)
    save_screenshots(page, "admin-home-national")

    referrals = page.get_by_role("region", name=re.compile("Nieuwe aanmeldingen van gezinnen"))
    referrals.get_by_role("link", name=unrouted.reference).click()
    page.wait_for_url(re.compile(rf"/admin/referrals/edit/{unrouted.pk}/$"))
    expect(page.get_by_label("Doorzetten naar afdeling")).to_be_visible()
    assert_accessible(page)
