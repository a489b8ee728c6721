"""The public site in a browser.

A referrer reads the referrer page, downloads the Arabic leaflet (right to left) and
refers a family; the coordinator of that branch finds the referral in the admin and
marks support started; the referrer's mail arrives. axe-core finds no serious or
critical violation on any public page type.
"""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from portal.models import Municipality
from portal.pages.leaflets import build_leaflet_pdf
from support.referrals.models import Referral
from support.referrals.services import change_referral_status
from tests.e2e.helpers import assert_accessible, assert_lang_and_dir
from tests.migrated_data import ensure_municipalities
from tests.pages.conftest import build_public_site
from tests.pages.factories import translate
from tests.portal.factories import TEST_PASSWORD, current_totp_code

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def public_site(branch):
    # Two municipalities: the postcode cannot decide, so the referrer chooses one.
    ensure_municipalities()
    branch.working_area.set(Municipality.objects.filter(name__in=["Utrecht", "Nieuwegein"]))
    branch.save()
    return build_public_site(branch)


def test_referrer_refers_a_family_and_hears_when_support_starts(
    page, live_server, public_site, coordinator, smtp_server
):
    arabic = public_site.leaflets.leaflets.get(language="ar").document
    arabic.file.save("folder-ar.pdf", ContentFile(build_leaflet_pdf("ar")))

    # The referrer reads the referral route.
    page.goto(f"{live_server.url}{public_site.referrers.url}")
    assert_lang_and_dir(page, "nl")
    expect(page.get_by_role("heading", name="Voor verwijzers", level=1)).to_be_visible()
    assert page.locator("ol.steps > li").count() == 8
    assert_accessible(page)

    # ...opens the leaflet page and downloads the Arabic leaflet.
    page.get_by_role("link", name="De folder in uw taal").click()
    link = page.get_by_role("link", name="العربية")
    assert link.get_attribute("lang") == "ar"
    assert link.get_attribute("hreflang") == "ar"
    assert link.get_attribute("dir") == "rtl"
    assert link.evaluate("element => getComputedStyle(element).direction") == "rtl"
    assert_accessible(page)
    with page.expect_download() as download_info:
        link.click()
    leaflet = download_info.value
    with open(leaflet.path(), "rb") as pdf:
        content = pdf.read()
    assert content.startswith(b"%PDF") and b"/Lang (ar)" in content

    # ...and refers the family, with the parents' consent.
    page.goto(f"{live_server.url}{public_site.referrers.url}")
    page.get_by_role("link", name="Meld een gezin aan").first.click()
    assert_accessible(page)
    page.get_by_label("Uw naam").fill("Marieke Dekker")
    page.get_by_label("Organisatie", exact=False).first.fill("Consultatiebureau West")
    page.get_by_label("Soort organisatie").select_option("youth_health_care")
    page.get_by_label("Functie").fill("jeugdverpleegkundige")
    page.get_by_label("E-mailadres").fill("marieke@jgz.example")
    page.get_by_label("Naam van de ouder(s)").fill("Yasmina Haddouchi")
    page.get_by_label("Telefoonnummer van het gezin").fill("06 98765432")
    page.get_by_label("Postcode van het gezin").fill("3531 AB")
    page.get_by_label("Taal die het gezin het liefst spreekt").select_option("ar")
    page.get_by_label("Aantal kinderen").fill("2")
    page.get_by_label("Leeftijden van de kinderen").fill("0, 3")
    page.get_by_label("een luisterend oor").check()
    page.get_by_label("De hulpvraag in een paar zinnen").fill(
        "Moeder voelt zich alleen sinds de verhuizing."
    )
    # First without consent and without the municipality: Dutch errors, the input kept.
    page.get_by_role("button", name="Aanmelding versturen").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(
        page.get_by_text("Meld een gezin alleen aan als de ouders ervan weten").first
    ).to_be_visible()
    expect(page.get_by_text("Kies de gemeente waar het gezin woont.").first).to_be_visible()
    assert_accessible(page)
    assert not Referral.objects.exists()
    page.get_by_label("Gemeente waar het gezin woont").select_option(label="Utrecht")
    page.get_by_label("De ouders weten van deze aanmelding").check()
    page.get_by_role("button", name="Aanmelding versturen").click()
    page.wait_for_url(re.compile(r"/bedankt/$"))
    expect(page.get_by_role("heading", name="Bedankt voor de aanmelding")).to_be_visible()
    assert_accessible(page)
    referral = Referral.objects.get()
    assert referral.branch.name == "Home-Start Utrecht"
    assert referral.cbs_municipality.cbs_code == "GM0344"
    assert "Haddouchi" not in page.url
    notice = (
        smtp_server.messages_to(coordinator.email)[0].message.get_body(("plain",)).get_content()
    )
    assert "Haddouchi" not in notice

    # The coordinator logs in (two steps) and finds the referral in the inbox.
    for status in ("contacted", "intake_done"):
        change_referral_status(referral=referral, to_status=status, by=coordinator)
    admin_link = re.search(r"http://testserver(/admin/referrals/edit/\d+/)", notice).group(1)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill(coordinator.email)
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.get_by_label("Code", exact=False).fill(current_totp_code())
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/$"))
    page.goto(f"{live_server.url}/admin/referrals/")
    page.get_by_role("link", name=referral.reference).click()
    page.wait_for_url(re.compile(re.escape(admin_link) + "$"))
    expect(page.get_by_text("Yasmina Haddouchi").first).to_be_visible()
    page.get_by_label("Nieuwe status").select_option("support_started")
    page.get_by_role("button", name=re.compile("Opslaan")).first.click()
    page.wait_for_url(re.compile(r"/admin/referrals/$"))
    referral.refresh_from_db()
    assert referral.status == "support_started"

    # Step 8: the referrer hears that support has started, without the family's name.
    mails = smtp_server.messages_to("marieke@jgz.example")
    assert [m.message["Subject"] for m in mails] == [
        f"Uw aanmelding bij Home-Start is ontvangen ({referral.reference})",
        f"De ondersteuning is gestart ({referral.reference})",
    ]
    body = mails[-1].message.get_body(("plain",)).get_content()
    assert "is gestart" in body and "Haddouchi" not in body


def test_every_public_page_type_passes_axe(page, live_server, public_site):
    arabic_parents = translate(
        public_site.parents,
        "ar",
        title="للآباء والأمهات",
        slug="lil-aba",
        intro="<p>تزورك متطوعة من هوم ستارت في بيتك مرة في الأسبوع.</p>",
    )
    pages = [
        ("/", "nl", "ltr"),
        (public_site.parents.url, "nl", "ltr"),
        (public_site.leaflets.url, "nl", "ltr"),
        (public_site.referrers.url, "nl", "ltr"),
        (public_site.referral_form.url, "nl", "ltr"),
        (public_site.registration.url, "nl", "ltr"),
        (public_site.volunteering.url, "nl", "ltr"),
        (public_site.branches.url, "nl", "ltr"),
        (public_site.utrecht.url, "nl", "ltr"),
        (public_site.news.url, "nl", "ltr"),
        (public_site.news_items[0].url, "nl", "ltr"),
        (public_site.about.url, "nl", "ltr"),
        ("/zoeken/?q=steun", "nl", "ltr"),
        ("/bestaat-niet/", "nl", "ltr"),
        (public_site.referral_form.url + "bedankt/", "nl", "ltr"),
        ("/en/", "nl", "ltr"),  # Dutch content, English interface (marked as such)
        (arabic_parents.url, "ar", "rtl"),
    ]
    for url, language, direction in pages:
        page.goto(f"{live_server.url}{url}")
        assert_lang_and_dir(page, language, direction)
        assert_accessible(page)
    # A form sent back with errors, and the keyboard's way to the content.
    page.goto(f"{live_server.url}{public_site.volunteering.url}")
    page.get_by_role("button", name="Aanmelding versturen").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Naar de inhoud"
