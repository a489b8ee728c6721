"""The generated demo leaflets and the demo content of the public site."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from portal.pages.languages import LEAFLET_LANGUAGES
from portal.pages.leaflets import TEXTS, build_leaflet_pdf
from tests.portal.test_settings import run_manage

FONT_FOR = {"ar": "NotoSansArabic", "fa": "NotoSansArabic", "ti": "NotoSansEthiopic"}


@pytest.mark.parametrize("code", [code for code, *_names in LEAFLET_LANGUAGES])
def test_each_leaflet_is_a_pdf_in_its_language_with_a_font_for_its_script(code):
    pdf = build_leaflet_pdf(code)
    assert pdf.startswith(b"%PDF-")
    assert re.findall(rb"/Lang\s*\((\w+)\)", pdf) == [code.encode()]
    fonts = {name.split(b"+")[-1].decode() for name in re.findall(rb"/BaseFont\s*/([\w+-]+)", pdf)}
    # Latin text for the demo note; the language's own script font where it needs one.
    assert fonts == {"NotoSans", FONT_FOR.get(code, "NotoSans")}


def test_every_leaflet_language_has_a_text():
    assert set(TEXTS) == {code for code, *_names in LEAFLET_LANGUAGES}


def test_a_process_of_the_portal_starts_without_the_pdf_library():
    """fpdf is imported only when a leaflet is made: it cost every web worker, task
    cluster and manage.py command 0.2 to 0.8 s at start-up (portal/pages/leaflets.py)."""
    code = "import sys; from django.conf import settings; print('fpdf' in sys.modules)"
    result = run_manage("shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_bundled_fonts_come_with_their_licence():
    from portal.pages.leaflets import FONT_FILES, FONTS

    assert all((FONTS / name).is_file() for name in FONT_FILES.values())
    assert "SIL Open Font License" in (FONTS / "OFL.txt").read_text()


@pytest.mark.django_db
def test_demo_content_builds_the_public_site_once(client, settings):
    from portal.pages.models import LeafletPage, ParentPage, ReferrerPage
    from support.referrals.models import Referral

    call_command("demo_content")
    referrals_first_run = Referral.objects.count()
    call_command("demo_content")  # a second run adds nothing
    assert ParentPage.objects.filter(locale__language_code="nl").count() == 1
    languages = set(ParentPage.objects.values_list("locale__language_code", flat=True))
    assert languages == {"nl", "en", "ar"}
    leaflets = LeafletPage.objects.get(locale__language_code="nl").leaflets.all()
    assert sorted(leaflet.language for leaflet in leaflets) == sorted(
        code for code, *_names in LEAFLET_LANGUAGES
    )
    referrer_page = ReferrerPage.objects.get()
    assert len(referrer_page.steps) == 8
    # Six in the referral inbox's demo, and the families of the support route's demo.
    assert Referral.objects.count() == referrals_first_run
    assert Referral.objects.filter(status="new").exists()
    assert Referral.objects.filter(branch__isnull=True).count() == 1
    assert Referral.objects.filter(erased_at__isnull=False).count() == 1
    home = client.get("/").content.decode()
    assert "Voor wie is deze site?" in home and "Nieuws" in home
    arabic = client.get("/ar/").content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic
    for url in ("/voor-verwijzers/", "/voor-ouders/folder/", "/en/for-parents/", "/afdelingen/"):
        assert client.get(url).status_code == 200, url
