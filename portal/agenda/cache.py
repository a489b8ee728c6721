"""One cache generation for every agenda and feed.

A part calls `agenda_changed()` whenever something that shows in an agenda changes
(a session moved, an answer given); every cached feed is then stale at once, for
every worker, because the generation is part of each cache key. Items of a part that
never calls it still appear within FEED_CACHE_SECONDS.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "agenda:generation"
FEED_CACHE_SECONDS = 15 * 60


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return int(value)


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


def agenda_changed() -> None:
    """Mark every cached feed stale once the current transaction commits."""
    transaction.on_commit(_bump)
