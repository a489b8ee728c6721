"""`manage.py makemessages` (and `make messages`): every string into its own part's catalogue.

Django's makemessages gives a template the first catalogue in LOCALE_PATHS and a file
the catalogue of the folder it sits in, which moved the strings of
`templates/courses/...` into portal's catalogue on every run. This command keeps
Django's extraction and merging and only changes where a file's strings go: the rules
are in `portal/catalogues.py`. On top of that:

- a string that moves to another catalogue keeps its translation: every catalogue of
  the locale is used as a compendium when merging;
- templates are preprocessed into a temporary folder, not beside the sources;
- `--output-dir DIR` writes fresh catalogues (no translations, no merging) into
  `DIR/<part>/<locale>/LC_MESSAGES/django.po` and leaves the parts' own untouched: the
  check in tests/portal/test_translations.py uses it;
- the source language (Dutch) is never extracted: `portal/locale/nl` holds only
  hand-written Dutch wording for the libraries' strings (allauth, Wagtail).
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import makemessages
from django.core.management.utils import popen_wrapper
from django.utils.functional import cached_property

from portal.catalogues import AmbiguousTemplate, catalogues, part_of


class BuildFile(makemessages.BuildFile):
    @cached_property
    def work_path(self) -> str:
        if not self.is_templatized:
            return self.path
        return os.path.join(self.command.work_dir, os.path.normpath(self.path) + ".py")

    def preprocess(self) -> None:
        if self.is_templatized:
            os.makedirs(os.path.dirname(self.work_path), exist_ok=True)
        super().preprocess()

    def postprocess_messages(self, msgs: str) -> str:
        # xgettext names the preprocessed copy; the catalogue names the template.
        if not self.is_templatized:
            return msgs
        old, new = self.work_path, os.path.normpath(self.path)
        return re.sub(
            r"^(#: .*)(" + re.escape(old) + r")",
            lambda match: match[0].replace(old, new),
            msgs,
            flags=re.MULTILINE,
        )


class Command(makemessages.Command):
    help = (
        "Extract translatable strings into each part's own catalogue "
        "(rules in portal/catalogues.py)."
    )
    build_file_class = BuildFile

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--output-dir",
            default="",
            help="Write fresh catalogues into DIR/<part>/<locale>/LC_MESSAGES/ instead of "
            "updating the parts' own (used by the completeness check).",
        )

    def handle(self, *args, **options):
        source = settings.LANGUAGE_CODE
        if source in (options["locale"] or []):
            raise CommandError(
                f"{source} is the source language: its catalogue (portal/locale/{source}) "
                "only holds Dutch wording for the libraries' strings and is edited by hand."
            )
        options["exclude"] = [*(options["exclude"] or []), source]
        self.output_dir = Path(options["output_dir"]).resolve() if options["output_dir"] else None
        self.part_catalogues = catalogues()
        self.compendia: dict[str, str | None] = {}
        with (
            tempfile.TemporaryDirectory(prefix="makemessages-") as work_dir,
            contextlib.chdir(settings.BASE_DIR),
        ):
            self.work_dir = work_dir
            return super().handle(*args, **options)

    def _locale_dir(self, part: str) -> str:
        if self.output_dir is None:
            return str(self.part_catalogues[part].locale_dir)
        folder = self.output_dir / part
        folder.mkdir(parents=True, exist_ok=True)
        return str(folder)

    def find_files(self, root):
        files = []
        for translatable in super().find_files(root):
            relative = os.path.normpath(translatable.path).replace(os.sep, "/")
            try:
                part = part_of(relative, self.part_catalogues)
            except AmbiguousTemplate as error:
                raise CommandError(str(error)) from error
            if part is None:
                continue
            translatable.locale_dir = self._locale_dir(part)
            files.append(translatable)
        self.locale_paths = [self._locale_dir(part) for part in self.part_catalogues]
        return files

    def write_po_file(self, potfile: str, locale: str) -> None:
        if self.output_dir is not None:
            return super().write_po_file(potfile, locale)
        compendium = self._compendium(locale)
        pofile = Path(potfile).parent / locale / "LC_MESSAGES" / f"{self.domain}.po"
        if compendium and not pofile.exists():
            # A new catalogue: start from the header only, so that msgmerge fills in every
            # string that moved here from another catalogue.
            pofile.parent.mkdir(parents=True, exist_ok=True)
            header = Path(potfile).read_text(encoding="utf-8").split("\n\n", 1)[0] + "\n"
            pofile.write_text(self.copy_plural_forms(header, locale), encoding="utf-8")
        options = self.msgmerge_options
        if compendium:
            self.msgmerge_options = [*options, f"--compendium={compendium}"]
        try:
            super().write_po_file(potfile, locale)
        finally:
            self.msgmerge_options = options
        # The extraction time changes on every run; without it a run that finds no new
        # strings leaves the catalogues (and their .mo files) exactly as they were.
        text = pofile.read_text(encoding="utf-8")
        pofile.write_text(re.sub(r'^"POT-Creation-Date: [^"]*"\n', "", text, flags=re.M), "utf-8")

    def _compendium(self, locale: str) -> str | None:
        """Every part's current catalogue of `locale` in one file, made before the first
        catalogue of that locale is rewritten."""
        if locale not in self.compendia:
            existing = [
                str(path)
                for catalogue in self.part_catalogues.values()
                if (path := catalogue.locale_dir / locale / "LC_MESSAGES" / "django.po").exists()
            ]
            compendium = None
            if existing:
                compendium = os.path.join(self.work_dir, f"compendium-{locale}.po")
                args = ["msgcat", "--use-first", "-o", compendium, *existing]
                _out, errors, status = popen_wrapper(args)
                if status:
                    raise CommandError(f"msgcat failed:\n{errors}")
            self.compendia[locale] = compendium
        return self.compendia[locale]
