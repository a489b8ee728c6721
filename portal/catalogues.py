"""Which English catalogue a translatable string belongs to.

Every part keeps its own catalogue, `<part>/locale/en/LC_MESSAGES/django.po`, listed in
`LOCALE_PATHS`. A file's strings go to exactly one catalogue:

1. a file inside a part's folder (`courses/services.py`, `newsletter/templates/...`)
   belongs to that part;
2. a template under the site-wide `templates/` folder belongs to the part whose
   `catalogue_templates` patterns match its path below `templates/` (set on the part's
   AppConfig; by default `<part>/*` and `emails/<part>_*`); two parts matching the
   same template is an error;
3. every other template, and `portal` itself, belongs to portal's catalogue.

Files anywhere else (`tests/`, `bench/`, `.venv/`) are not scanned. A new part gets a
catalogue by adding `<part>/locale` to `LOCALE_PATHS` (and, if its e-mail templates are
not named `<part>_*`, a `catalogue_templates` tuple on its AppConfig); `make messages`
(`manage.py makemessages`, see portal/management/commands/makemessages.py) then sorts
its strings into it.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings

FALLBACK_PART = "portal"
TEMPLATES_FOLDER = "templates"


@dataclass(frozen=True)
class Catalogue:
    part: str  # the part's top-level folder
    locale_dir: Path  # <part>/locale
    templates: tuple[str, ...]  # fnmatch patterns below templates/ ("*" spans folders)


def _templates_of(part: str) -> tuple[str, ...]:
    if part == FALLBACK_PART:
        return ()
    folder = Path(settings.BASE_DIR) / part
    for config in apps.get_app_configs():
        if Path(config.path) == folder:
            declared = getattr(config, "catalogue_templates", None)
            if declared is not None:
                return tuple(declared)
    return (f"{part}/*", f"emails/{part}_*")


def catalogues() -> dict[str, Catalogue]:
    """part -> its catalogue, for every `<part>/locale` folder in LOCALE_PATHS."""
    base = Path(settings.BASE_DIR).resolve()
    found = {}
    for locale_dir in settings.LOCALE_PATHS:
        locale_dir = Path(locale_dir).resolve()
        part = locale_dir.parent.relative_to(base).parts[0]
        found[part] = Catalogue(part, locale_dir, _templates_of(part))
    return found


class AmbiguousTemplate(ValueError):
    pass


def part_of(relative_path: str, known: dict[str, Catalogue] | None = None) -> str | None:
    """The part whose catalogue holds the strings of the file at `relative_path` (relative
    to the project folder, "/"-separated), or None for files that are not scanned."""
    known = catalogues() if known is None else known
    top, _, rest = relative_path.partition("/")
    if top in known and rest:
        return top
    if top != TEMPLATES_FOLDER or not rest:
        return None
    matching = [
        catalogue.part
        for catalogue in known.values()
        if any(fnmatch.fnmatchcase(rest, pattern) for pattern in catalogue.templates)
    ]
    if len(matching) > 1:
        raise AmbiguousTemplate(
            f"{relative_path} matches the catalogue_templates of {', '.join(matching)}"
        )
    return matching[0] if matching else FALLBACK_PART
