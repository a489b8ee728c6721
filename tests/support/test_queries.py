"""Pages of the support route run the same number of queries for one match or many."""

from __future__ import annotations

import datetime
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from support import services
from tests.support.conftest import active_volunteer_of, ready_referral, start_new_match

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _add_matches(branch, n: int) -> None:
    for _ in range(n):
        match = start_new_match(ready_referral(), active_volunteer_of(branch))
        for days in range(3):
            services.log_visit(
                match=match,
                by=match.volunteer.user,
                on=timezone.localdate() - datetime.timedelta(days=days),
            )
        ready_referral()  # a family still waiting


def test_admin_pages_do_not_grow_with_matches(client_for, branch, running_match):
    client = client_for("coordinator")
    family = ready_referral()
    urls = [
        "/admin/support_match/",
        f"/admin/support_match/edit/{running_match.pk}/",
        "/admin/koppelingen/gezinnen/",
        f"/admin/koppelingen/zoeken/{family.pk}/",
    ]
    for url in urls:
        _count(client, url)  # warm Wagtail's caches
    small = [_count(client, url) for url in urls]
    _add_matches(branch, 4)
    for _ in range(4):
        active_volunteer_of(branch)
    assert [_count(client, url) for url in urls] == small


def test_volunteer_page_does_not_grow_with_visits(running_match):
    client = Client()
    client.force_login(running_match.volunteer.user)
    _count(client, "/gezin/")  # the session and caches
    small = _count(client, "/gezin/")
    for days in range(1, 20):
        services.log_visit(
            match=running_match,
            by=running_match.volunteer.user,
            on=timezone.localdate() - datetime.timedelta(days=days),
        )
    assert _count(client, "/gezin/") == small


@given(token=st.text(max_size=120))
def test_any_week_link_token_is_a_clear_4xx(client, token):
    response = client.get(f"/gezin/week/{quote(token, safe='') or 'x'}/")
    assert response.status_code in {400, 404, 410}
