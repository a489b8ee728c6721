"""A coordinator creates an intervision group with a monthly series in the admin and
cancels one session; a member sees the sessions in Mijn agenda, answers an RSVP, and
the cancelled one shows as cancelled. axe-core finds nothing serious on the way."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from intervision.models import IntervisionGroup
from tests.e2e.helpers import assert_accessible
from tests.portal.factories import (
    TEST_PASSWORD,
    BranchFactory,
    VolunteerFactory,
    current_totp_code,
    make_admin_user,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def log_in(page, live_server, email: str, *, totp: bool = False) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.keyboard.press("Enter")
    if totp:
        page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
        page.get_by_label("Code", exact=False).fill(current_totp_code())
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/admin/$"))
    else:
        page.wait_for_url(re.compile(r"/mijn/$"))


def test_coordinator_plans_and_cancels_member_answers_in_mijn_agenda(page, live_server):
    branch = BranchFactory(name="Home-Start Utrecht", slug="utrecht", ranges=[(3500, 3585)])
    coordinator = make_admin_user("coordinator", branches=[branch], email="coord@example.org")
    member = VolunteerFactory(
        branch=branch,
        user__first_name="Anouk",
        user__last_name="Smit",
        user__email="anouk@example.org",
    )
    today = timezone.localdate()

    # The coordinator creates the group with "every second Tuesday, 9:30 to 11:30".
    log_in(page, live_server, coordinator.email, totp=True)
    page.goto(f"{live_server.url}/admin/intervision_group/new/")
    page.locator("#id_branch").select_option(str(branch.pk))
    page.locator("#id_name").fill("Dinsdagochtendgroep")
    page.locator("#id_venue").fill("Kantoor, Oudegracht 245")
    page.get_by_label("Anouk Smit (Home-Start Utrecht)").check()
    page.locator("#id_series-ADD").click()
    page.locator("#id_series-0-kind").select_option("monthly")
    page.locator("#id_series-0-weekday").select_option("1")
    page.locator("#id_series-0-nth").select_option("2")
    # Wagtail's date and time pickers open on focus and, under load, stay open over the
    # save button after Escape. The test is about the series, not the picker: the values
    # go in as typing would leave them, without focusing the fields.
    for field, value in (
        ("start_time", "09:30"),
        ("end_time", "11:30"),
        ("start_date", today.isoformat()),
    ):
        page.locator(f"#id_series-0-{field}").evaluate(
            "(input, value) => { input.value = value;"
            " input.dispatchEvent(new Event('input', {bubbles: true}));"
            " input.dispatchEvent(new Event('change', {bubbles: true})); }",
            value,
        )
    expect(page.locator(".xdsoft_datetimepicker:visible")).to_have_count(0)
    page.get_by_role("button", name=re.compile("Opslaan|Toevoegen")).first.click()
    page.wait_for_url(re.compile(r"/admin/intervision_group/$"))
    group = IntervisionGroup.objects.get(name="Dinsdagochtendgroep")
    sessions = list(group.sessions.order_by("start"))
    assert len(sessions) >= 12
    assert all(timezone.localtime(s.start).strftime("%H:%M") == "09:30" for s in sessions)

    # ... and cancels the second session with a reason.
    cancelled = sessions[1]
    page.goto(f"{live_server.url}/admin/intervision_session/edit/{cancelled.pk}/")
    page.locator("#id_cancel").check()
    page.locator("#id_cancel_reason_text").fill("De begeleider is op cursus.")
    page.get_by_role("button", name=re.compile("Opslaan|Toevoegen")).first.click()
    page.wait_for_url(re.compile(r"/admin/intervision_session/$"))
    cancelled.refresh_from_db()
    assert cancelled.is_cancelled

    # The member sees the sessions in Mijn agenda, the cancelled one marked.
    page.context.clear_cookies()
    log_in(page, live_server, member.email)
    page.goto(f"{live_server.url}/mijn/agenda/")
    assert_accessible(page)
    items = page.locator("li.agenda-item")
    assert items.count() >= 12
    cancelled_item = page.locator(
        f"li.agenda-item[data-uid='session-{cancelled.pk}@intervisie.home-start.nl']"
    )
    assert "Afgelast" in cancelled_item.inner_text()
    assert "De begeleider is op cursus." in cancelled_item.inner_text()

    # ... and answers that they come to the first one.
    first = page.locator(
        f"li.agenda-item[data-uid='session-{sessions[0].pk}@intervisie.home-start.nl']"
    )
    first.get_by_role("link").click()
    page.wait_for_url(re.compile(rf"/intervisie/sessie/{sessions[0].pk}/$"))
    assert_accessible(page)
    page.get_by_label("ik kom", exact=True).check()
    page.get_by_role("button", name="Antwoord opslaan").click()
    page.wait_for_url(re.compile(rf"/intervisie/sessie/{sessions[0].pk}/$"))
    expect(page.get_by_text("Je antwoord is opgeslagen.")).to_be_visible()
    page.goto(f"{live_server.url}/mijn/agenda/")
    first = page.locator(
        f"li.agenda-item[data-uid='session-{sessions[0].pk}@intervisie.home-start.nl']"
    )
    assert first.locator("button[value=yes]").get_attribute("aria-pressed") == "true"
    assert page.locator("a[href^='webcal://']").count() == 1
    assert_accessible(page)
