"""Every URL pattern of the project, walked from Django's root resolver.

`walk_patterns` yields each pattern (Wagtail's admin and admin API, allauth, the parts'
URLs, the i18n-prefixed ones) as its route string; `concrete_path` turns one into an
address to request, with sample arguments. The classification table lives in
`tests/portal/url_classes.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern

SAMPLE_ARGS = {
    "int": "1",
    "str": "x",
    "slug": "x",
    "path": "x",
    "uuid": "0" * 8 + "-0000-0000-0000-" + "0" * 12,
}


def walk_patterns(
    resolver=None, prefix: str = "", i18n: bool = False
) -> Iterator[tuple[str, str | None, bool]]:
    """(route, view name, under the language prefix) for every pattern."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if isinstance(pattern.pattern, LocalePrefixPattern):
                yield from walk_patterns(pattern, prefix, True)
            else:
                yield from walk_patterns(pattern, prefix + str(pattern.pattern), i18n)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name, i18n


_ROUTE_ARG = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def concrete_path(route: str) -> str | None:
    """`/admin/pages/1/edit/` for `admin/pages/<int:page_id>/edit/`; None when a regular
    expression with groups needs an example written out in the table."""
    if "(" in route:
        return None
    path = _ROUTE_ARG.sub(lambda m: SAMPLE_ARGS[m.group("converter") or "str"], route)
    path = path.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + path
