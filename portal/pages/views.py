"""Site search, robots.txt and sitemap.xml of the public site."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.models import Locale, Page

from portal.pages.cache import mark_response_cacheable
from portal.pages.restrictions import listed_publicly
from portal.pages.sitemap import PublicSitemap

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 10


def clean_query(value: str) -> str:
    """What the search box sent, made safe for every database: no control characters
    (PostgreSQL refuses NUL), single spaces, at most MAX_QUERY_LENGTH characters."""
    printable = "".join(char if char.isprintable() else " " for char in value)
    return " ".join(printable.split())[:MAX_QUERY_LENGTH]


@require_GET
def search(request):
    query = clean_query(request.GET.get("q", ""))
    results = None
    if query:
        pages = (
            listed_publicly(Page.objects.live())
            .filter(locale=Locale.get_active(), depth__gt=1)
            .search(query, operator="and")
        )
        results = Paginator(pages, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "pages/search.html", {"query": query, "results": results})


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /mijn/",
        "Disallow: /zoeken/",
        "Disallow: /en/accounts/",
        "Disallow: /en/mijn/",
        "Disallow: /en/zoeken/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_GET
def sitemap(request):
    response = wagtail_sitemap(request, sitemaps={"pages": PublicSitemap})
    mark_response_cacheable(request)
    return response
