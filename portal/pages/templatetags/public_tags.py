"""Template tags of the public site: menu, breadcrumbs, languages, interface language."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from portal.pages import navigation
from portal.pages.languages import direction, interface_language, lang_attrs

register = template.Library()


@register.simple_tag(takes_context=True)
def site_chrome(context) -> navigation.Chrome:
    """Menu, breadcrumbs, language links and footer links of this page (cached)."""
    return navigation.chrome(context.get("request"), context.get("page"))


@register.simple_tag(takes_context=True)
def is_current(context, item: navigation.MenuItem) -> bool:
    return navigation.is_current(item, context.get("page"))


@register.simple_tag(takes_context=True)
def document_language(context) -> str:
    """The language of what the page says: the page's own language, else the interface's."""
    return context.get("content_language") or interface_language()


@register.simple_tag(takes_context=True)
def ui_lang(context) -> SafeString:
    """` lang=".." dir=".."` for interface text inside a page in another language
    (Dutch menus on an Arabic page); nothing when they are the same."""
    ui = interface_language()
    if (context.get("content_language") or ui) == ui:
        return mark_safe("")
    return lang_attrs(ui)


@register.filter
def text_direction(language_code: str) -> str:
    return direction(language_code or "")


@register.simple_tag
def lang_if_other(language_code: str) -> SafeString:
    """` lang=".." dir=".."` for a page title inside the interface (menu, breadcrumbs)
    when the page is in another language than the interface."""
    return mark_safe("") if language_code == interface_language() else lang_attrs(language_code)
