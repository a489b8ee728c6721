"""The URL surface: every pattern of the project is classified, and the closed ones are
closed.

A pattern missing from `tests/portal/url_classes.py` fails here, so a new view (ours,
Wagtail's after an upgrade, allauth's) cannot be forgotten. Every staff address is then
requested as an anonymous visitor, as a logged-in volunteer, as a coordinator whose
session skipped the code step and as one without TOTP; national-only addresses also as
a verified coordinator; volunteer and account addresses as an anonymous visitor; token
addresses with a made-up token. None may answer 200. Patterns under the language
prefix are requested also under `/en/`.
"""

from __future__ import annotations

from importlib import import_module

import pytest
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.test import Client
from django.urls import path

from tests.portal.url_classes import (
    ACCOUNT,
    EXAMPLES,
    NATIONAL,
    PUBLIC,
    STAFF,
    TOKEN,
    URL_CLASSES,
    VOLUNTEER,
)
from tests.portal.url_surface import concrete_path, walk_patterns

# Only mounted with DEBUG (make run); the tests run without it.
DEBUG_ONLY = {"media/<path:path>"}


def _patterns():
    return list(walk_patterns())


def _unclassified() -> list[str]:
    return sorted({route for route, _name, _i18n in _patterns() if route not in URL_CLASSES})


def test_every_url_pattern_is_classified():
    missing = _unclassified()
    assert not missing, (
        "Classify this new URL in tests/portal/url_classes.py (PUBLIC, TOKEN, ACCOUNT, "
        "VOLUNTEER, STAFF or NATIONAL), and make sure it is guarded as its class says:\n  "
        + "\n  ".join(missing)
    )


urlpatterns = [  # the project's URLs and one new view (the test below)
    *import_module("portal.urls").urlpatterns,
    *i18n_patterns(path("cursussen/nieuw-overzicht/", lambda request: None)),
]


def test_a_new_view_is_caught_until_classified(settings):
    settings.ROOT_URLCONF = __name__
    assert _unclassified() == ["cursussen/nieuw-overzicht/"]


def test_the_table_names_no_pattern_that_is_gone():
    routes = {route for route, _name, _i18n in _patterns()}
    stale = sorted(set(URL_CLASSES) - routes - DEBUG_ONLY)
    assert not stale, "No longer a URL pattern; remove from url_classes.py:\n  " + "\n  ".join(
        stale
    )


def test_the_walk_reaches_every_part_of_the_surface():
    patterns = _patterns()
    routes = {route for route, _name, _i18n in patterns}
    i18n = {route for route, _name, in_prefix in patterns if in_prefix}
    assert "admin/api/main/^pages/" in routes  # Wagtail's admin API
    assert "admin/bulk/<str:app_label>/<str:model_name>/<str:action>/" in routes
    assert {"accounts/login/", "accounts/2fa/totp/activate/", "mijn/agenda/"} <= i18n
    assert "_util/login/" in i18n and "admin/" not in i18n
    assert len(patterns) > 300


def _addresses(klass: str) -> list[str]:
    addresses = []
    for route, _name, i18n in _patterns():
        if URL_CLASSES.get(route) != klass:
            continue
        path = EXAMPLES.get(route) or concrete_path(route)
        assert path, f"{route} needs a concrete example in url_classes.EXAMPLES"
        addresses.append(path)
        if i18n:
            addresses.append("/en" + path)
    return sorted(set(addresses))


def _answering_200(client: Client, addresses: list[str]) -> list[str]:
    return [url for url in addresses if client.get(url).status_code == 200]


@pytest.mark.django_db
def test_staff_addresses_give_anonymous_visitors_and_volunteers_nothing(volunteer):
    addresses = _addresses(STAFF) + _addresses(NATIONAL)
    assert len(addresses) > 250
    anonymous = Client()
    assert not _answering_200(anonymous, addresses)
    volunteer_client = Client()
    volunteer_client.force_login(volunteer.user)
    assert not _answering_200(volunteer_client, addresses)


@pytest.mark.django_db
def test_staff_addresses_need_the_code_step_of_this_session(branch):
    """Password alone opens nothing: not with TOTP set up (the session skipped the code
    step), not without TOTP (sent to set it up)."""
    from tests.portal.factories import make_admin_user

    addresses = _addresses(STAFF) + _addresses(NATIONAL)
    with_totp = make_admin_user("national_staff", email="landelijk@example.org")
    without_totp = make_admin_user("national_staff", email="zonder@example.org", totp=False)
    client = Client()
    opened = []
    for url in addresses:
        client.force_login_password_only(with_totp)
        if client.get(url).status_code == 200:
            opened.append(f"password only: {url}")
    client.force_login(without_totp)
    opened += [f"without TOTP: {url}" for url in _answering_200(client, addresses)]
    assert not opened


@pytest.mark.django_db
def test_national_addresses_give_coordinators_nothing(coordinator, staff):
    addresses = _addresses(NATIONAL)
    assert "/admin/reports/site-history/" in addresses
    client = Client()
    client.force_login(coordinator)
    assert not _answering_200(client, addresses)
    client.force_login(staff)
    assert _answering_200(client, addresses) == addresses


@pytest.mark.django_db
def test_volunteer_and_account_addresses_give_anonymous_visitors_nothing():
    addresses = _addresses(VOLUNTEER) + _addresses(ACCOUNT)
    assert "/en/mijn/agenda/" in addresses
    assert not _answering_200(Client(), addresses)


@pytest.mark.django_db
def test_token_addresses_refuse_a_made_up_token():
    addresses = _addresses(TOKEN)
    assert "/agenda/x/mijn.ics" in addresses
    assert not _answering_200(Client(), addresses)


@pytest.mark.django_db
def test_public_addresses_without_arguments_open_without_an_error():
    addresses = [
        url
        for url in _addresses(PUBLIC)
        if not any(part in url for part in ("/1/", "/x/", "gezond"))
    ]
    client = Client()
    errors = [url for url in addresses if client.get(url).status_code >= 500]
    assert not errors
    assert settings.ROOT_URLCONF == "portal.urls"
