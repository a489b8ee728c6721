"""Newsletters meant for an audience stay out of anonymous site search and the sitemap;
public ones are listed (the positive control)."""

from __future__ import annotations

import pytest
from django.test import Client

from newsletter.models import Audience
from tests.newsletter.factories import make_newsletter

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsletters(branch):
    internal = make_newsletter(
        audience=Audience.BRANCHES, branches=[branch], title="Wintergroet binnenkring"
    )
    public = make_newsletter(
        audience=Audience.BRANCHES, branches=[branch], title="Wintergroet iedereen", public=True
    )
    return internal, public


def test_site_search_lists_public_newsletters_only(newsletters):
    internal, public = newsletters
    body = Client().get("/zoeken/?q=Wintergroet").content.decode()
    assert public.title in body
    assert internal.title not in body


def test_sitemap_lists_public_newsletters_only(newsletters):
    internal, public = newsletters
    body = Client().get("/sitemap.xml").content.decode()
    assert public.url in body or public.full_url in body
    assert internal.url not in body and internal.full_url not in body
