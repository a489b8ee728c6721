"""Dutch is the source language; the English catalogues must be complete and compiled.

Every part keeps its own catalogue (`portal/catalogues.py` says which strings go where).
The compiled .mo files are committed (a fresh machine may lack gettext), so these tests
check that each says exactly what its .po says; the extraction check needs GNU gettext
and is skipped without it, except in CI.
"""

import ast
import gettext
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from portal.catalogues import AmbiguousTemplate, Catalogue, part_of

BASE_DIR = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(BASE_DIR.glob("*/locale/en/LC_MESSAGES/django.po"))
# Dutch wording for the libraries' own strings (allauth, Wagtail), kept by hand.
OVERRIDES = sorted(BASE_DIR.glob("*/locale/nl/LC_MESSAGES/django.po"))
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def parse_po(path: Path) -> list[dict]:
    entries, entry, key = [], {}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line:
            if entry:
                entries.append(entry)
            entry, key = {}, None
            continue
        if line.startswith("#,"):
            entry["flags"] = line[2:]
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    return [e for e in entries if e.get("msgid")]


def key(entry: dict) -> tuple[str, str]:
    return entry.get("msgctxt", ""), entry["msgid"]


def is_translated(entry: dict) -> bool:
    return "fuzzy" not in entry.get("flags", "") and bool(
        entry.get("msgstr") or entry.get("msgstr[0]")
    )


def test_every_part_has_a_catalogue():
    assert {po.parts[-5] for po in CATALOGUES} >= {"portal", "courses", "intervision", "newsletter"}


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: po.parts[-5])
def test_every_string_has_an_english_translation(po):
    untranslated = [
        e["msgid"]
        for e in parse_po(po)
        if "fuzzy" in e.get("flags", "") or not (e.get("msgstr") or e.get("msgstr[0]"))
    ]
    assert untranslated == []


@pytest.mark.parametrize("po", CATALOGUES + OVERRIDES, ids=lambda po: "/".join(po.parts[-5:-2]))
def test_compiled_catalogue_matches_the_po_file(po):
    with po.with_suffix(".mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for entry in parse_po(po):
        if "msgid_plural" in entry:
            assert (
                catalogue.ngettext(entry["msgid"], entry["msgid_plural"], 1) == entry["msgstr[0]"]
            )
        elif "msgctxt" in entry:
            assert catalogue.pgettext(entry["msgctxt"], entry["msgid"]) == entry["msgstr"]
        else:
            assert catalogue.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]


def test_a_string_in_two_catalogues_has_one_translation():
    """Django merges the catalogues, the first in LOCALE_PATHS winning: two different
    translations of one string would make one part's wording silently disappear."""
    seen: dict[tuple[str, str], tuple[str, str]] = {}
    clashes = []
    for po in CATALOGUES:
        for entry in parse_po(po):
            if not is_translated(entry) or "msgid_plural" in entry:
                continue
            part = po.parts[-5]
            earlier = seen.setdefault(key(entry), (part, entry["msgstr"]))
            if earlier[1] != entry["msgstr"]:
                clashes.append((entry["msgid"], earlier, (part, entry["msgstr"])))
    assert clashes == []


KNOWN = {
    "portal": Catalogue("portal", BASE_DIR / "portal/locale", ()),
    "courses": Catalogue("courses", BASE_DIR / "courses/locale", ("courses/*", "emails/course_*")),
    "support": Catalogue("support", BASE_DIR / "support/locale", ("support/*", "emails/support_*")),
}


@pytest.mark.parametrize(
    ("path", "part"),
    [
        ("courses/services.py", "courses"),
        ("courses/templates/courses/x.html", "courses"),
        ("templates/courses/admin/attendance.html", "courses"),
        ("templates/emails/course_enrolled.txt", "courses"),
        ("templates/emails/support_match_started.txt", "support"),
        ("templates/emails/referral_waiting.txt", "portal"),
        ("templates/agenda/mijn_agenda.html", "portal"),
        ("templates/base.html", "portal"),
        ("portal/agenda/views.py", "portal"),
        ("tests/portal/test_translations.py", None),
        ("bench/home.py", None),
    ],
)
def test_a_file_belongs_to_one_catalogue(path, part):
    assert part_of(path, KNOWN) == part


def test_a_template_claimed_by_two_parts_is_an_error():
    known = {**KNOWN, "reports": Catalogue("reports", BASE_DIR, ("emails/*",))}
    with pytest.raises(AmbiguousTemplate):
        part_of("templates/emails/course_enrolled.txt", known)


@pytest.fixture
def xgettext():
    if shutil.which("xgettext") and shutil.which("msguniq"):
        return
    if IN_CI:
        pytest.fail("GNU gettext is not installed; CI must install it (apt-get install gettext).")
    pytest.skip("GNU gettext (xgettext) is not installed: the extraction check is skipped.")


def test_every_marked_string_has_an_english_entry_in_its_parts_catalogue(xgettext, tmp_path):
    """Extract every string marked for translation, exactly as `make messages` sorts
    them, and find each in its own part's committed catalogue, translated."""
    call_command("makemessages", locale=["en"], output_dir=str(tmp_path), verbosity=0)
    extracted = sorted(tmp_path.glob("*/en/LC_MESSAGES/django.po"))
    assert {po.parts[-4] for po in extracted} >= {"portal", "courses", "intervision"}
    missing = {}
    for fresh in extracted:
        part = fresh.parts[-4]
        committed = BASE_DIR / part / "locale/en/LC_MESSAGES/django.po"
        translated = (
            {key(e) for e in parse_po(committed) if is_translated(e)}
            if committed.exists()
            else set()
        )
        absent = sorted(k[1] for k in {key(e) for e in parse_po(fresh)} - translated)
        if absent:
            missing[part] = absent
    assert missing == {}, "run `make messages` and translate these:"
