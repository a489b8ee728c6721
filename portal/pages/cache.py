"""The public page cache: anonymous visitors get public pages from the shared cache.

- Only GETs without a session or messages cookie are looked up: a logged-in person
  (or one with a message waiting) always gets a freshly rendered page.
- Only responses a page marked cacheable (`BasePage.serve`, and the sitemap) are
  stored: 200, no cookies set, the visitor anonymous. Pages with a form never mark
  themselves, so no CSRF token is ever handed to a second visitor.
- Every stored page carries the cache *generation* it was rendered in. Publishing,
  unpublishing, moving or deleting a page (and editing a branch, a document or a site)
  moves the generation on, which makes every stored page stale at once: menus and
  listings on other pages change with it. The generation is read when a request
  starts, so a page rendered from the old content while an editor publishes is stored
  under the old generation and never served.

The cache is Django's default cache, shared by every worker (Redis or the database).
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse

GENERATION_KEY = "portal:pages:generation"
_ATTRIBUTE = "_portal_page_cacheable"
_GENERATION_ATTRIBUTE = "_portal_page_generation"
_ALLOWED_QUERY_PARAMETERS = {"page"}


def mark_response_cacheable(request: HttpRequest) -> None:
    """Called by a view whose response looks the same for every anonymous visitor."""
    setattr(request, _ATTRIBUTE, True)


def clear_page_cache() -> None:
    """Make every stored page stale, now and again once the current transaction commits."""
    _next_generation()
    transaction.on_commit(_next_generation)


def _next_generation() -> None:
    # A new number rather than +1: two editors publishing at once can never write the
    # same generation twice, and one evicted from the cache never comes back.
    cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def _current_generation_and(request: HttpRequest, key: str | None) -> tuple[int, object]:
    found = cache.get_many([GENERATION_KEY, key] if key else [GENERATION_KEY])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        generation = time.time_ns()
        if not cache.add(GENERATION_KEY, generation, timeout=None):
            generation = cache.get(GENERATION_KEY, generation)
    setattr(request, _GENERATION_ATTRIBUTE, generation)
    return generation, found.get(key) if key else None


def current_generation(request: HttpRequest) -> int:
    """The cache generation this request renders in (read once per request): other
    cached fragments of public pages key on it, so a publish makes them stale too."""
    if not hasattr(request, _GENERATION_ATTRIBUTE):
        _current_generation_and(request, None)
    return getattr(request, _GENERATION_ATTRIBUTE)


def _is_cacheable_request(request: HttpRequest) -> bool:
    if request.method != "GET":
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    return set(request.GET) <= _ALLOWED_QUERY_PARAMETERS


def _cache_key(request: HttpRequest) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "portal:page:" + hashlib.sha256(address.encode()).hexdigest()


def _is_cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        getattr(request, _ATTRIBUTE, False)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and getattr(request, "user", None) is not None
        and not request.user.is_authenticated
    )


class PublicPageCacheMiddleware:
    """Serves and stores anonymous public pages; see the module docstring."""

    header = "X-Page-Cache"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _is_cacheable_request(request):
            return self.get_response(request)
        key = _cache_key(request)
        generation, entry = _current_generation_and(request, key)
        if entry is not None and entry["generation"] == generation:
            response = HttpResponse(entry["content"], status=entry["status"])
            for name, value in entry["headers"]:
                response[name] = value
            response[self.header] = "hit"
            return response
        response = self.get_response(request)
        if _is_cacheable_response(request, response):
            cache.set(
                key,
                {
                    "generation": generation,
                    "status": response.status_code,
                    "headers": [
                        (name, value)
                        for name, value in response.items()
                        if name.lower() not in {"set-cookie", self.header.lower()}
                    ],
                    "content": response.content,
                },
                timeout=settings.PAGE_CACHE_SECONDS,
            )
            response[self.header] = "miss"
        return response
