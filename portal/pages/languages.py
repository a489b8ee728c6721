"""Languages of the public site: interface languages, content languages, leaflet languages.

The interface (menus, forms, messages) speaks the PORTAL_INTERFACE_LANGUAGES, Dutch
and English. Public pages may also be translated into other content languages
(WAGTAIL_CONTENT_LANGUAGES: Arabic and Farsi, right to left). A page in a content
language keeps its interface text in Dutch and says so with its own `lang`/`dir`.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

RTL_LANGUAGES = {"ar", "fa", "he", "ur"}

# The parent leaflet's languages in the order Home-Start lists them:
# (code, the language's name in its own script, its name in Dutch).
LEAFLET_LANGUAGES: list[tuple[str, str, str]] = [
    ("nl", "Nederlands", _("Nederlands")),
    ("ar", "العربية", _("Arabisch")),
    ("en", "English", _("Engels")),
    ("fa", "فارسی", _("Farsi")),
    ("uk", "Українська", _("Oekraïens")),
    ("pl", "Polski", _("Pools")),
    ("ti", "ትግርኛ", _("Tigrinya")),
    ("tr", "Türkçe", _("Turks")),
]
LEAFLET_LANGUAGE_CHOICES = [
    (code, f"{native} ({dutch})") for code, native, dutch in LEAFLET_LANGUAGES
]
NATIVE_NAMES = {code: native for code, native, _dutch in LEAFLET_LANGUAGES}
DUTCH_NAMES = {code: dutch for code, _native, dutch in LEAFLET_LANGUAGES}


def direction(language_code: str) -> str:
    return "rtl" if language_code.split("-")[0] in RTL_LANGUAGES else "ltr"


def native_name(language_code: str) -> str:
    if language_code in NATIVE_NAMES:
        return NATIVE_NAMES[language_code]
    return get_language_info(language_code)["name_local"]


def interface_language(language_code: str | None = None) -> str:
    """The language the interface is shown in while `language_code` is active."""
    code = language_code or get_language() or settings.LANGUAGE_CODE
    return code if code in settings.PORTAL_INTERFACE_LANGUAGES else settings.LANGUAGE_CODE


def lang_attrs(language_code: str) -> SafeString:
    return format_html(' lang="{}" dir="{}"', language_code, direction(language_code))


# Locales are a handful of rows that almost never change: keep them in memory instead
# of asking the database on every page view which language a page is in.
_language_by_locale_id: dict[int, str] = {}


def language_of_locale(locale_id: int) -> str:
    if locale_id not in _language_by_locale_id:
        _language_by_locale_id.update(Locale.objects.values_list("pk", "language_code"))
    return _language_by_locale_id.get(locale_id, settings.LANGUAGE_CODE)


def _forget_locales(**kwargs) -> None:
    _language_by_locale_id.clear()


post_save.connect(_forget_locales, sender=Locale, dispatch_uid="pages-forget-locales")
post_delete.connect(_forget_locales, sender=Locale, dispatch_uid="pages-forget-locales-delete")
