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
