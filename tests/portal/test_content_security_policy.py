"""A Content-Security-Policy header on every response (docs/access.md).

The site runs only its own script files (`script-src 'self'`); Wagtail's admin gets the
inline scripts and styles it needs, from this site only.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from tests.pages.conftest import build_public_site

pytestmark = pytest.mark.django_db

CSP = "Content-Security-Policy"


def _directives(response) -> dict[str, list[str]]:
    policy = response[CSP]
    return {
        name: sources
        for name, *sources in (part.split() for part in policy.split(";") if part.strip())
    }


def _inline_scripts(html: str) -> list[str]:
    """Script blocks a browser would run, and event-handler attributes."""
    scripts = [
        tag
        for tag in re.findall(r"<script\b[^>]*>", html)
        if "src=" not in tag and "application/json" not in tag
    ]
    handlers = re.findall(r"<[^>]+\son[a-z]+\s*=", html)
    return scripts + handlers


def _assert_site_policy(response):
    directives = _directives(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]


def test_public_pages_send_the_site_policy_and_run_no_inline_script(client, branch):
    site = build_public_site(branch)
    urls = ["/", site.parents.url, site.registration.url, site.utrecht.url, "/zoeken/?q=x"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_site_policy(response)
        assert not _inline_scripts(response.content.decode()), url
    # The cached copy carries it too.
    cached = client.get("/")
    _assert_site_policy(cached)


@pytest.mark.parametrize("url", ["/mijn/", "/mijn/agenda/", "/en/mijn/", "/accounts/email/"])
def test_mijn_pages_send_the_site_policy_and_run_no_inline_script(client_for, url):
    response = client_for("volunteer").get(url)
    assert response.status_code == 200
    _assert_site_policy(response)
    assert not _inline_scripts(response.content.decode())


def test_login_page_and_redirects_send_it(client):
    login = client.get("/accounts/login/")
    assert login.status_code == 200
    _assert_site_policy(login)
    assert not _inline_scripts(login.content.decode())
    redirect = client.get("/mijn/")
    assert redirect.status_code == 302
    _assert_site_policy(redirect)
    _assert_site_policy(client.get("/bestaat-niet/"))


@pytest.mark.parametrize("url", ["/admin/", "/admin/documents/", "/admin/portal_volunteer/"])
def test_the_admin_gets_its_own_policy_and_still_works(client_for, url):
    response = client_for("staff").get(url)
    assert response.status_code == 200
    directives = _directives(response)
    assert "'unsafe-inline'" in directives["script-src"]
    assert directives["frame-ancestors"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert "blob:" in directives["img-src"]


def test_a_refused_admin_request_carries_it_too(client_for):
    response = client_for("volunteer").get("/admin/")
    assert response.status_code == 403
    assert "'unsafe-inline'" in _directives(response)["script-src"]


def test_the_health_check_answers_before_it():
    middleware = settings.MIDDLEWARE
    health = middleware.index("portal.health.HealthCheckMiddleware")
    assert health == 0
    assert middleware.index("portal.middleware.ContentSecurityPolicyMiddleware") == health + 1


def test_extra_image_sources_are_allowed(settings):
    from portal.middleware import ContentSecurityPolicyMiddleware

    settings.CSP_IMG_SRC_EXTRA = ["https://beelden.example.org"]
    middleware = ContentSecurityPolicyMiddleware(lambda request: None)
    assert "img-src 'self' data: https://beelden.example.org;" in middleware.site_policy


def test_the_userbar_staff_see_on_public_pages_runs_no_inline_script(client_for, branch):
    build_public_site(branch)
    response = client_for("staff").get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "wagtail-userbar" in html
    _assert_site_policy(response)
    assert not _inline_scripts(html)
