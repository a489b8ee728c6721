"""Page view restrictions (password or login protected sections) without a query per page.

Wagtail checks every page view against the restrictions of the page and its ancestors
(two queries), and `.public()` lists every restriction (one query). Most public sites
have none at all. Whether any exist is kept in the shared cache and forgotten when one
is added, changed or removed, or a page moves; while none exist both checks cost
nothing, and as soon as one exists Wagtail's own checks run unchanged.
"""

from __future__ import annotations

from django.core.cache import cache
from wagtail.models import PageViewRestriction
from wagtail.query import PageQuerySet

KEY = "portal:pages:has-view-restrictions"


def has_view_restrictions() -> bool:
    found = cache.get(KEY)
    if found is None:
        found = PageViewRestriction.objects.exists()
        cache.set(KEY, found, timeout=None)
    return found


def forget_view_restrictions(**kwargs) -> None:
    cache.delete(KEY)


def public(queryset: PageQuerySet) -> PageQuerySet:
    """`queryset.public()`, free while the site has no view restrictions."""
    return queryset.public() if has_view_restrictions() else queryset


def listed_publicly(queryset: PageQuerySet) -> PageQuerySet:
    """`public(queryset)` without the pages their own model keeps out of public listings.

    A page model says which of its pages are not for everyone with a classmethod
    `not_listed_publicly()` (newsletters meant for a branch's volunteers, say); site
    search and the sitemap use this, so portal needs no knowledge of the parts. The
    exclusions are subqueries: no query of their own.
    """
    from wagtail.models import get_page_models

    queryset = public(queryset)
    for model in get_page_models():
        if "not_listed_publicly" in model.__dict__:
            queryset = queryset.exclude(pk__in=model.not_listed_publicly().values("pk"))
    return queryset
