"""What every public page shows around its content, built from the page tree:

- the main menu: every live child of the home page with "show in menus" on, whatever
  app its page type comes from (the parts add their index pages without code here);
- the breadcrumbs;
- the language switch: the interface languages always, content languages (Arabic,
  Farsi) where the page has been translated into them;
- the footer's links from the site settings.

It is computed once per page and language and kept in the shared cache under the page
cache's generation, so a publish refreshes it and a page view (even a logged-in one)
spends no queries on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.urls import translate_url
from django.utils.translation import get_language
from wagtail.models import Page, Site

from portal.pages.cache import current_generation
from portal.pages.languages import direction, language_of_locale, native_name

_ONLY = (
    "id",
    "title",
    "draft_title",
    "url_path",
    "path",
    "depth",
    "numchild",
    "locale_id",
    "content_type_id",
    "translation_key",
)
CHROME_SECONDS = 60 * 60


@dataclass(frozen=True)
class MenuItem:
    title: str
    url: str
    path: str  # tree path, to mark the current section
    language: str  # of the page the item links to: its title is in that language


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str  # in its own script
    url: str
    current: bool
    direction: str
    # False: no translation of this page; the link goes to the home page instead.
    translated: bool = True
    full_url: str = ""


@dataclass
class Chrome:
    menu: list[MenuItem] = field(default_factory=list)
    breadcrumbs: list[MenuItem] = field(default_factory=list)
    languages: list[LanguageLink] = field(default_factory=list)
    privacy_url: str = ""
    contact_email: str = ""
    contact_phone: str = ""


def chrome(request, page: Page | None) -> Chrome:
    """The chrome of this request's page. The site-wide part (menu, footer) comes from
    the shared cache; the page's part from what routing found, else from the cache."""
    if request is None or not _has_allowed_host(request):
        # The 400 page answering a Host outside ALLOWED_HOSTS has no site to show.
        return Chrome()
    if hasattr(request, "_portal_chrome"):
        return request._portal_chrome
    page = page if page is not None and page.pk else None
    language = get_language() or settings.LANGUAGE_CODE
    site_key = _key(request, "site", language, page.path[: Page.steplen * 2] if page else "-")
    site_part = cache.get(site_key)
    if site_part is None:
        site_part = _build_site_part(request, page)
        cache.set(site_key, site_part, timeout=CHROME_SECONDS)
    built = Chrome(**site_part)
    if page is None:
        built.languages = _address_language_links(request)
    else:
        route = getattr(request, "portal_route", None)
        if route is not None and route.page_id == page.pk and route.translations is not None:
            built.breadcrumbs = _breadcrumbs_from(request, route.ancestors)
            built.languages = _language_links(request, page, route.translations)
        else:
            page_key = _key(request, "page", language, str(page.pk))
            page_part = cache.get(page_key)
            if page_part is None:
                page_part = {
                    "breadcrumbs": _breadcrumbs(request, page),
                    "languages": _page_language_links(request, page),
                }
                cache.set(page_key, page_part, timeout=CHROME_SECONDS)
            built.breadcrumbs = page_part["breadcrumbs"]
            built.languages = page_part["languages"]
    request._portal_chrome = built
    return built


def _has_allowed_host(request) -> bool:
    try:
        request.get_host()
    except DisallowedHost:
        return False
    return True


def _key(request, *parts: str) -> str:
    return ":".join(["portal:chrome", str(current_generation(request)), request.get_host(), *parts])


def _build_site_part(request, page: Page | None) -> dict:
    root = _site_root(request)
    if root is None:
        return {}
    if page is not None:
        children = Page.objects.filter(depth=3, path__startswith=page.path[: Page.steplen * 2])
    else:
        # Wagtail's cached root paths give the home page's url_path, whose depth is
        # its number of slashes: no query to find the home page itself.
        children = Page.objects.filter(
            url_path__startswith=root.root_path, depth=root.root_path.count("/") + 1
        )
    part = {
        "menu": [
            _item(request, child)
            for child in children.live().in_menu().order_by("path").only(*_ONLY)
        ]
    }
    return part | _footer(request, root.site_id)


def _site_root(request):
    """The site's root path (`Site.get_site_root_paths()`, cached by Wagtail) in the
    active language, for the host of this request."""
    roots = Site.get_site_root_paths()
    if not roots:
        return None
    host = request.get_host().rsplit(":", 1)[0].strip("[]")
    site_ids = {root.site_id for root in roots}
    matching = [root for root in roots if urlsplit(root.root_url).hostname == host]
    if not matching:
        if len(site_ids) == 1:
            matching = roots
        else:
            site = Site.find_for_request(request)
            matching = [root for root in roots if site and root.site_id == site.pk]
    by_language = {root.language_code: root for root in matching}
    return (
        by_language.get(get_language())
        or by_language.get(settings.LANGUAGE_CODE)
        or (matching[0] if matching else None)
    )


def _item(request, page: Page) -> MenuItem:
    return MenuItem(
        title=page.title,
        url=page.get_url(request),
        path=page.path,
        language=language_of_locale(page.locale_id),
    )


def _breadcrumbs_from(request, ancestors: list[Page]) -> list[MenuItem]:
    return [_item(request, ancestor) for ancestor in ancestors]


def _breadcrumbs(request, page: Page) -> list[MenuItem]:
    """From the home page down to the page's parent."""
    if page.depth <= 2:
        return []
    return _breadcrumbs_from(request, list(page.get_ancestors().filter(depth__gte=2).only(*_ONLY)))


def _page_language_links(request, page: Page) -> list[LanguageLink]:
    translations = list(page.get_translations(inclusive=True).live().only(*_ONLY))
    if page.pk not in {translated.pk for translated in translations}:
        translations.append(page)
    return _language_links(request, page, translations)


def _language_links(request, page: Page, translations: list[Page]) -> list[LanguageLink]:
    links: dict[str, LanguageLink] = {}
    for translated in translations:
        code = language_of_locale(translated.locale_id)
        links[code] = LanguageLink(
            code=code,
            name=native_name(code),
            url=translated.get_url(request),
            current=translated.pk == page.pk,
            direction=direction(code),
            full_url=translated.get_full_url(request),
        )
    for code in settings.PORTAL_INTERFACE_LANGUAGES:
        if code not in links:
            links[code] = LanguageLink(
                code=code,
                name=native_name(code),
                url=translate_url("/", code),
                current=False,
                direction=direction(code),
                translated=False,
            )
    return _in_order(links)


def _address_language_links(request) -> list[LanguageLink]:
    active = get_language()
    links = {
        code: LanguageLink(
            code=code,
            name=native_name(code),
            url=translate_url(request.get_full_path(), code),
            current=code == active,
            direction=direction(code),
        )
        for code in settings.PORTAL_INTERFACE_LANGUAGES
    }
    return _in_order(links)


def _in_order(links: dict[str, LanguageLink]) -> list[LanguageLink]:
    order = [code for code, _name in settings.LANGUAGES]
    return sorted(links.values(), key=lambda link: order.index(link.code))


def _footer(request, site_id: int) -> dict:
    from portal.pages.models import PublicSiteSettings

    site_settings = PublicSiteSettings.objects.filter(site_id=site_id).first()
    if site_settings is None:
        return {}
    footer = {
        "contact_email": site_settings.contact_email,
        "contact_phone": site_settings.contact_phone,
    }
    if site_settings.privacy_page_id:
        # The privacy statement in the active language if it was translated, else as is.
        versions = {
            language_of_locale(version.locale_id): version
            for version in Page.objects.live()
            .filter(
                translation_key__in=Page.objects.filter(pk=site_settings.privacy_page_id).values(
                    "translation_key"
                )
            )
            .only(*_ONLY)
        }
        chosen = versions.get(get_language()) or next(
            (v for v in versions.values() if v.pk == site_settings.privacy_page_id), None
        )
        if chosen is not None:
            footer["privacy_url"] = chosen.get_url(request)
    return footer


def is_current(item: MenuItem, page: Page | None) -> bool:
    return page is not None and bool(page.path) and page.path.startswith(item.path)
