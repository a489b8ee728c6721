"""sitemap.xml: every live public page in every language, each with its translations
as hreflang alternates (`BasePage.get_sitemap_urls`), in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from portal.pages.restrictions import listed_publicly


class PublicSitemap(Sitemap):
    def items(self):
        root = self.get_wagtail_site().root_page
        in_any_tree = Q()
        for path in root.get_translations(inclusive=True).values_list("path", flat=True):
            in_any_tree |= Q(path__startswith=path)
        pages = list(
            listed_publicly(Page.objects.filter(in_any_tree).live())
            .order_by("path")
            .specific(defer=True)  # the URL needs base fields only: no query per type
        )
        by_key = defaultdict(list)
        for page in pages:
            by_key[page.translation_key].append(page)
        for page in pages:
            page.sitemap_translations = by_key[page.translation_key]
        return pages

    def _urls(self, page, protocol, domain):
        # Wagtail's own version iterates a queryset; items() here is a list.
        urls = []
        last_mods = set()
        for item in self.paginator.page(page).object_list:
            for url_info in item.get_sitemap_urls(self.request):
                urls.append(url_info)
                last_mods.add(url_info.get("lastmod"))
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls
