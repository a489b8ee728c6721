"""The site's icon: every browser asks for /favicon.ico (and iOS for
/apple-touch-icon.png); both answer 200 from WhiteNoise, without a query."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "magic"),
    [("/favicon.ico", b"\x00\x00\x01\x00"), ("/apple-touch-icon.png", b"\x89PNG")],
)
def test_root_icons_answer_without_a_query(client, django_assert_num_queries, path, magic):
    with django_assert_num_queries(0):
        response = client.get(path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(magic)
    assert "max-age" in response["Cache-Control"]


@pytest.mark.django_db
def test_pages_link_the_icons(client):
    html = client.get("/").content.decode()
    assert 'rel="icon" href="/favicon.ico"' in html
    assert 'rel="apple-touch-icon" href="/apple-touch-icon.png"' in html
    assert "portal/icons/favicon.svg" in html
    assert finders.find("portal/icons/favicon.svg")
