"""The coordinator's side of the support route in a browser: from "Vrijwilliger
zoeken" to a proposal, the introduction and the start, each step saved back to the
match itself; a visit logged for the volunteer; the volunteer, on their own phone (a
second browser, 390 px), presses "Ik maak me zorgen, bel mij", and the worry sits on
top of the match until the coordinator records the steps of the meldcode and closes
it; ending with the evaluation. axe-core finds nothing serious on any admin page
visited; screenshots of the match screen at 1280 and 390 px go to
test-results/screenshots/."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from support.models import Concern, Match, MatchStatus, Visit, VisitSource
from support.referrals.models import ReferralStatus
from tests.e2e.helpers import assert_accessible, log_in, save_screenshots
from tests.pages.factories import home_page
from tests.portal.factories import BranchFactory, make_admin_user
from tests.support.conftest import active_volunteer_of, ready_referral

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


PHONE = {"width": 390, "height": 844}


def test_coordinator_matches_follows_a_worry_and_ends_with_an_evaluation(
    page, live_server, browser, browser_context_args
):
    # After a transactional test whose flush left the migrated data out (on PostgreSQL,
    # tests/support/test_concurrency.py), permissions and role groups are made again, as
    # the other admin browser tests do through their pages.
    home_page()
    branch = BranchFactory(name="Home-Start Utrecht", slug="utrecht", ranges=[(3500, 3585)])
    coordinator = make_admin_user("coordinator", branches=[branch], email="coord@example.org")
    volunteer = active_volunteer_of(branch, user__first_name="Anouk", user__last_name="Smit")
    referral = ready_referral(support_questions=["listening_ear", "parenting"])
    today = timezone.localdate().isoformat()

    def save_match():
        # Saving a step returns to the match itself, not to the list of matches.
        page.get_by_role("button", name="Opslaan", exact=True).click()
        expect(page.locator(".messages .success")).to_be_visible()
        assert page.url == edit_url

    log_in(page, live_server, coordinator.email, totp=True)

    # The family waits for a volunteer; the coordinator ranks and proposes.
    page.goto(f"{live_server.url}/admin/koppelingen/gezinnen/")
    row = page.get_by_role("row", name=re.compile(referral.reference))
    assert_accessible(page)
    row.get_by_role("link", name="Vrijwilliger zoeken").click()
    page.wait_for_url(re.compile(rf"/admin/koppelingen/zoeken/{referral.pk}/$"))
    assert_accessible(page)
    candidate = page.get_by_role("row", name=re.compile(volunteer.full_name))
    candidate.get_by_role("button", name="Voorstellen").click()
    match = Match.objects.get(referral=referral)
    edit_url = f"{live_server.url}/admin/support_match/edit/{match.pk}/"
    page.wait_for_url(edit_url)
    expect(page.get_by_text(f"Koppeling {match.reference} voorgesteld")).to_be_visible()
    assert_accessible(page)

    # Introduction, then the start (one step per save).
    page.get_by_label("Kennismaking vastleggen op").fill(today)
    save_match()
    assert_accessible(page)  # the match, with its success message
    save_screenshots(page, "koppeling-stap-opgeslagen")
    page.get_by_label("Koppeling starten op").fill(today)
    save_match()
    match.refresh_from_db()
    referral.refresh_from_db()
    assert match.status == MatchStatus.ACTIVE
    assert referral.status == ReferralStatus.SUPPORT_STARTED

    # A visit logged for the volunteer, two and a half hours.
    page.get_by_label("Bezoek vastleggen op").fill(today)
    page.get_by_label("Tijd bij het gezin").select_option(label="2 uur 30")
    save_match()
    visit = Visit.objects.get(match=match)
    assert (visit.minutes, visit.source) == (150, VisitSource.ADMIN)

    # The volunteer worries, on their own phone: Mijn gezin, "Ik maak me zorgen, bel mij".
    phone = browser.new_context(**{**browser_context_args, "viewport": PHONE})
    try:
        volunteer_page = phone.new_page()
        log_in(volunteer_page, live_server, volunteer.email)
        volunteer_page.wait_for_url(re.compile(r"/mijn/$"))
        family = volunteer_page.get_by_role("region", name="Mijn gezin")
        family.get_by_role("button", name="Ik maak me zorgen, bel mij").click()
        volunteer_page.wait_for_url(re.compile(r"/gezin/$"))
        expect(volunteer_page.get_by_text("Je coördinator heeft bericht gekregen")).to_be_visible()
        assert_accessible(volunteer_page)
        save_screenshots(volunteer_page, "mijn-gezin-zorg-gemeld", widths=(390,))
    finally:
        phone.close()
    concern = Concern.objects.get(match=match, closed_at__isnull=True)
    assert concern.raised_by == volunteer.user
    page.reload()
    alert = page.get_by_role("alert").filter(has_text="Open zorgmelding")
    expect(alert).to_be_visible()
    assert_accessible(page)
    save_screenshots(page, "koppeling-zorgmelding")
    alert.get_by_role("link", name="Melding openen").click()
    page.wait_for_url(re.compile(rf"/admin/zorgmeldingen/{concern.pk}/$"))
    assert_accessible(page)
    for step in ("1. In kaart brengen van signalen", "3. Gesprek met de ouder(s)"):
        page.get_by_label("Stap").select_option(label=step)
        page.get_by_label("Datum").fill(today)
        page.get_by_role("button", name="Stap vastleggen").click()
        expect(page.get_by_text("De stap is vastgelegd.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Zorgmelding sluiten").click()
    page.wait_for_url(edit_url)
    expect(page.get_by_text("De zorgmelding is gesloten.")).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="Open zorgmelding")).to_have_count(0)
    concern.refresh_from_db()
    assert concern.closed_at is not None and concern.steps.count() == 2

    # Ending with the evaluation.
    page.get_by_label("Afsluiten op").fill(today)
    page.get_by_label("Reden van afsluiten").select_option(label="doelen bereikt")
    page.get_by_label("Afsluitend gesprek op").fill(today)
    page.get_by_label("Is het eigen netwerk van het gezin gegroeid?").select_option(label="ja")
    page.get_by_label("Een luisterend oor").select_option(label="bereikt")
    page.get_by_label("Steun bij de opvoeding").select_option(label="deels bereikt")
    save_match()
    match.refresh_from_db()
    referral.refresh_from_db()
    assert (match.status, match.end_reason, match.network_grew) == (
        MatchStatus.ENDED,
        "goals_reached",
        True,
    )
    assert dict(match.outcomes.values_list("question", "outcome")) == {
        "listening_ear": "reached",
        "parenting": "partly",
    }
    assert referral.status == ReferralStatus.SUPPORT_ENDED
    page.goto(edit_url)
    expect(page.get_by_role("heading", name="Evaluatie")).to_be_visible()
    assert_accessible(page)
    save_screenshots(page, "koppeling-afgesloten")
    assert Concern.objects.filter(match=match, closed_at__isnull=True).count() == 0
