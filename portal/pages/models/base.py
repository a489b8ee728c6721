from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from django.db import models
from django.db.models import Q, Subquery
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Page, PageViewRestriction

from portal.pages.cache import mark_response_cacheable
from portal.pages.languages import direction, language_of_locale
from portal.pages.restrictions import has_view_restrictions

# What routing loads of each page on the path: enough for its URL and its title.
ROUTE_FIELDS = (
    "id",
    "path",
    "depth",
    "numchild",
    "url_path",
    "content_type_id",
    "title",
    "draft_title",
    "locale_id",
    "translation_key",
    "live",
)


@dataclass
class RouteInfo:
    """The pages routing found for this request: the breadcrumbs' ancestors (from the
    home page down) and the live translations of the page (itself included)."""

    page_id: int
    ancestors: list[Page] = field(default_factory=list)
    translations: list[Page] | None = None


class BasePage(Page):
    """What every public page shares: its content language and the page cache.

    `cache_for_anonymous` is True for pages that look the same for every anonymous
    visitor; pages with a form (and so a CSRF token) set it to False.
    """

    cache_for_anonymous: ClassVar[bool] = True

    class Meta:
        abstract = True

    @property
    def content_language(self) -> str:
        return language_of_locale(self.locale_id)

    def get_context(self, request, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["content_language"] = self.content_language
        context["content_direction"] = direction(self.content_language)
        return context

    def linked_pages(self, **page_ids: int | None) -> dict[str, Page]:
        """The live pages this page links to by id, each in this page's language where it
        has been translated: {name: page}. One query, whatever the number of links."""
        wanted = {name: pk for name, pk in page_ids.items() if pk}
        if not wanted:
            return {}
        ids = set(wanted.values())
        candidates = list(
            Page.objects.live().filter(
                Q(pk__in=ids)
                | Q(
                    translation_key__in=Subquery(
                        Page.objects.filter(pk__in=ids).values("translation_key")
                    ),
                    locale_id=self.locale_id,
                )
            )
        )
        by_id = {page.pk: page for page in candidates}
        in_my_language = {
            page.translation_key: page for page in candidates if page.locale_id == self.locale_id
        }
        linked = {}
        for name, pk in wanted.items():
            target = by_id.get(pk)
            if target is not None:
                linked[name] = in_my_language.get(target.translation_key, target)
        return linked

    def route(self, request, path_components):
        """Wagtail's routing in two queries instead of two per level of the path.

        Wagtail asks for each path component's child, then for its specific page. Here
        every page along the path comes in one query (by url_path, within this tree,
        together with the translations of the page asked for), and only the page that
        handles the rest of the path is made specific. A page class that routes its own
        sub-paths (RoutablePageMixin and the like) is handed the remaining components
        exactly as Wagtail would hand them. The pages found are kept on the request
        (`RouteInfo`) for the breadcrumbs and the language switch.
        """
        if not path_components:
            return super().route(request, path_components)
        prefixes = [
            self.url_path + "/".join(path_components[: count + 1]) + "/"
            for count in range(len(path_components))
        ]
        in_tree = Page.objects.filter(url_path__in=prefixes, path__startswith=self.path)
        target_key = in_tree.filter(url_path=prefixes[-1]).values("translation_key")
        rows = list(
            Page.objects.filter(
                Q(url_path__in=prefixes, path__startswith=self.path)
                | Q(translation_key__in=Subquery(target_key), live=True)
            ).only(*ROUTE_FIELDS)
        )
        found = {
            page.url_path: page
            for page in rows
            if page.path.startswith(self.path) and page.url_path in prefixes
        }
        for index, url_path in enumerate(prefixes):
            node = found.get(url_path)
            if node is None or node.depth != self.depth + index + 1:
                raise Http404
            remaining = path_components[index + 1 :]
            if not remaining or _routes_itself(node.specific_class):
                chain = [self, *(found[prefix] for prefix in prefixes[:index])]
                translations = (
                    None
                    if remaining  # a sub-path of a routable page: its own address
                    else [row for row in rows if row.translation_key == node.translation_key]
                )
                request.portal_route = RouteInfo(
                    page_id=node.pk, ancestors=chain, translations=translations
                )
                return node.specific.route(request, remaining)
        raise Http404  # not reached: the last component has nothing remaining

    def get_view_restrictions(self):
        # Wagtail's two queries only when the site has any restriction at all.
        if not has_view_restrictions():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def get_sitemap_urls(self, request=None) -> list[dict]:
        urls = super().get_sitemap_urls(request)
        translations = getattr(self, "sitemap_translations", [])  # set by PublicSitemap
        if len(translations) > 1:
            alternates = [
                {
                    "lang_code": language_of_locale(translation.locale_id),
                    "location": translation.get_full_url(request),
                }
                for translation in translations
            ]
            for url in urls:
                url["alternates"] = alternates
        return urls

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if self.cache_for_anonymous:
            mark_response_cacheable(request)
        return response


def _routes_itself(page_class) -> bool:
    """True for page classes that route their own sub-paths (not Wagtail's default)."""
    return page_class is None or page_class.route not in (Page.route, BasePage.route)


@register_setting(icon="site")
class PublicSiteSettings(BaseSiteSetting):
    """What the footer shows on every page: the national office and the privacy statement."""

    contact_email = models.EmailField(_("e-mailadres landelijk steunpunt"), blank=True)
    contact_phone = models.CharField(_("telefoon landelijk steunpunt"), max_length=30, blank=True)
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("privacyverklaring"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [FieldPanel("contact_email"), FieldPanel("contact_phone"), FieldPanel("privacy_page")]

    class Meta:
        verbose_name = _("publieke site")
