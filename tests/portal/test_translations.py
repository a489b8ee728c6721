"""Dutch is the source language; the English catalogue must be complete and compiled.

The compiled .mo is committed (a fresh machine may lack gettext), so this checks
that it says exactly what the .po says.
"""

import ast
import gettext
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
# Every part keeps its own catalogue (see LOCALE_PATHS).
CATALOGUES = sorted(BASE_DIR.glob("*/locale/en/LC_MESSAGES/django.po"))


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


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: po.parts[-5])
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
