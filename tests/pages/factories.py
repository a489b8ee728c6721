"""Building public pages for tests: added under a parent and published for real
(a revision, then publish), as an editor would."""

from __future__ import annotations

import json

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Collection, Locale, Page, Site

from portal.pages.languages import LEAFLET_LANGUAGES
from portal.pages.models import (
    BranchIndexPage,
    BranchPage,
    HomePage,
    LeafletDocument,
    LeafletPage,
    NewsIndexPage,
    NewsPage,
)

TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def home_page() -> HomePage:
    """The site's home page. A transactional test that ran before may have flushed the
    database without its data coming back; then the home page is made again, as the
    migration that replaced Wagtail's welcome page made it."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        return site.root_page.specific
    from django.core.management.sql import emit_post_migrate_signal
    from django.db import connection

    # Content types, permissions and role groups, as after a migrate.
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    locale, _ = Locale.objects.get_or_create(language_code="nl")
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root", locale=locale)
    home = root.add_child(instance=HomePage(title="Home-Start", slug="home", locale=locale))
    Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    return home


def publish(page: Page) -> Page:
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def add(parent: Page, page: Page, *, live: bool = True, revision: bool = False) -> Page:
    """Add `page` under `parent`: live (published straight away, without a revision,
    which is quicker) or a draft; `revision=True` publishes through a revision."""
    page.live = live and not revision
    parent.add_child(instance=page)
    if revision and live:
        return publish(page)
    if not live:
        page.save_revision()
    return page


def translate(page: Page, language: str, *, live: bool = True, **fields) -> Page:
    locale, _ = Locale.objects.get_or_create(language_code=language)
    translation = page.copy_for_translation(locale, copy_parents=True).specific
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save()
    if live:
        for ancestor in translation.get_ancestors().filter(depth__gt=1, live=False):
            publish(ancestor.specific)
        return publish(translation)
    return translation


def stream(*blocks) -> str:
    return json.dumps([{"type": kind, "value": value} for kind, value in blocks])


def document(title: str, content: bytes = TINY_PDF, filename: str = "folder.pdf"):
    Document = get_document_model()
    doc = Document(title=title)
    doc.file.save(filename, ContentFile(content), save=False)
    doc.save()
    return doc


def leaflet_page(parent: Page, *, languages=None, **fields) -> LeafletPage:
    """Leaflets are uploaded by the editors, into the public collection."""
    from portal.pages.permissions import public_collection

    page = LeafletPage(
        title=fields.pop("title", "Folder"), slug=fields.pop("slug", "folder"), **fields
    )
    for order, code in enumerate(languages or [code for code, *_ in LEAFLET_LANGUAGES]):
        leaflet = document(f"Folder {code}", filename=f"folder-{code}.pdf")
        leaflet.collection = public_collection()
        leaflet.save(update_fields=["collection"])
        page.leaflets.add(LeafletDocument(language=code, document=leaflet, sort_order=order))
    return add(parent, page)


def news_page(index: NewsIndexPage, number: int, **fields) -> NewsPage:
    import datetime

    return add(
        index,
        NewsPage(
            title=f"Nieuwsbericht {number}",
            slug=f"nieuws-{number}",
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=number),
            intro=f"Samenvatting {number}.",
            **fields,
        ),
    )


def branch_page(index: BranchIndexPage, branch, **fields) -> BranchPage:
    return add(
        index,
        BranchPage(
            title=branch.name,
            slug=branch.slug,
            branch=branch,
            coordinator_name=fields.pop("coordinator_name", "Sanne de Vries"),
            **fields,
        ),
    )
