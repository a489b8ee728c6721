"""A request whose Host header is outside ALLOWED_HOSTS is a 400 with the Dutch page,
never a 500: the error page must render without a site to find for that host."""

import pytest

from tests.pages.factories import home_page
from tests.portal import test_health

no_cluster_seen = test_health.no_cluster_seen

PATHS = ["/", "/mijn/", "/admin/", "/accounts/login/", "/bestaat-niet/", "/static/none.css"]


@pytest.fixture
def production_like(settings, client):
    settings.ALLOWED_HOSTS = ["portal.homestart.example"]
    settings.DEBUG = False
    client.raise_request_exception = False
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("method", ["get", "post", "head"])
def test_a_foreign_host_is_answered_400(production_like, path, method):
    response = getattr(production_like, method)(path, HTTP_HOST="evil.example")
    assert response.status_code == 400
    if method == "get":
        assert "Ongeldig verzoek" in response.content.decode()


@pytest.mark.django_db
def test_the_allowed_host_still_gets_the_page(production_like):
    home_page()
    response = production_like.get("/", HTTP_HOST="portal.homestart.example")
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/gezond/", "/gezond/web/"])
@pytest.mark.usefixtures("no_cluster_seen")
def test_health_answers_any_host(production_like, path):
    """The load balancer probes each server by its own address: health is not a 400."""
    response = production_like.get(path, HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == (200 if path == "/gezond/web/" else 503)
    assert response["Content-Type"] == "application/json"
