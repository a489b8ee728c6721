"""What clears the public page cache: any change an anonymous visitor could see.

Pages: publish, unpublish, move, delete. A page shows more than itself (menus, news
on the home page, the language switch, branch details), so every change clears the
whole cache; pages are rendered again as they are asked for.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from wagtail.documents import get_document_model
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from portal.models import Branch, BranchPostcodeRange
from portal.pages.cache import clear_page_cache
from portal.pages.restrictions import forget_view_restrictions


def _clear(**kwargs) -> None:
    clear_page_cache()


def _clear_for_page(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):
        clear_page_cache()


def connect() -> None:
    from portal.pages.models import PublicSiteSettings

    page_published.connect(_clear, dispatch_uid="pagecache-published")
    page_unpublished.connect(_clear, dispatch_uid="pagecache-unpublished")
    post_page_move.connect(_clear, dispatch_uid="pagecache-moved")
    post_page_move.connect(forget_view_restrictions, dispatch_uid="restrictions-moved")
    for signal in (post_save, post_delete):
        signal.connect(
            forget_view_restrictions,
            sender=PageViewRestriction,
            dispatch_uid=f"restrictions-{signal is post_save}",
        )
    post_delete.connect(_clear_for_page, dispatch_uid="pagecache-page-deleted")
    watched = (
        Branch,
        BranchPostcodeRange,
        get_document_model(),
        Site,
        Locale,
        PublicSiteSettings,
        PageViewRestriction,
    )
    for model in watched:
        post_save.connect(_clear, sender=model, dispatch_uid=f"pagecache-save-{model.__name__}")
        post_delete.connect(_clear, sender=model, dispatch_uid=f"pagecache-delete-{model.__name__}")
