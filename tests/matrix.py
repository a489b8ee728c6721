"""The permission matrix: every URL against the five roles.

Expected outcomes: an HTTP status code, or LOGIN for "sent to the login page".
"""

from __future__ import annotations

from urllib.parse import urlparse

from django.test import Client
from django.urls import reverse

ROLES = ("anonymous", "volunteer", "coordinator", "other_coordinator", "staff")
LOGIN = "login"
# Wagtail's admin answers a missing permission with a redirect to the dashboard and a
# message; our own gate answers 403. Both mean "not for you" and show nothing.
DENIED = "denied"


def assert_access(client: Client, url: str, expected: int | str, *, role: str, method: str = "get"):
    response = getattr(client, method)(url)
    if expected == LOGIN:
        assert response.status_code == 302, f"{role} {method.upper()} {url}: {response.status_code}"
        location = urlparse(response["Location"]).path
        # /admin/login/ itself only redirects to allauth's login (tested in the matrix).
        assert location in {reverse("account_login"), "/admin/login/"}, (
            f"{role} {url} -> {location}"
        )
    elif expected == DENIED:
        if response.status_code == 302:
            location = urlparse(response["Location"]).path
            assert location == reverse("wagtailadmin_home"), f"{role} {url} -> {location}"
        else:
            assert response.status_code == 403, f"{role} {url}: {response.status_code}"
    else:
        assert response.status_code == expected, (
            f"{role} {method.upper()} {url}: got {response.status_code}, expected {expected}"
        )
    return response
