"""Content-only languages (Arabic, Farsi) serve translated public pages, nothing else.

Their URL prefixes exist because Wagtail needs every content language in LANGUAGES.
Forms, accounts, search and Mijn Home-Start have no Arabic or Farsi interface, so
such an address is sent on to its Dutch one instead of showing Dutch under lang="ar".
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import Resolver404, resolve
from django.utils.translation import get_language_from_path
from wagtail.views import serve as wagtail_serve


class ContentLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = get_language_from_path(request.path_info)
        if (
            language
            and language not in settings.PORTAL_INTERFACE_LANGUAGES
            and not self._is_page(request.path_info)
        ):
            # One leading slash only: "/ar//elsewhere.example" must not leave the site.
            dutch = "/" + request.path_info.removeprefix(f"/{language}").lstrip("/")
            query = request.META.get("QUERY_STRING", "")
            return HttpResponseRedirect(dutch + (f"?{query}" if query else ""))
        return self.get_response(request)

    @staticmethod
    def _is_page(path: str) -> bool:
        try:
            return resolve(path).func is wagtail_serve
        except Resolver404:
            return False
