"""National staff's admin home is kept for a minute (it adds up every branch of the
country); a coordinator's never is, and "Vernieuwen" works national staff's out again."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.admin_home import NATIONAL_CACHE_SECONDS
from support.referrals.models import Referral
from tests.portal.admin_home_data import fill_branch

pytestmark = pytest.mark.django_db

HOME = "/admin/"
START = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)


def _waiting(reference: str, branch) -> Referral:
    """A new referral; national staff see one by its reference only when no branch
    covers it (a branch's families are its coordinators')."""
    return Referral.objects.create(
        reference=reference, kind="parents", referrer_category="family", branch=branch
    )


def _get(client, path: str = HOME) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_national_staff_see_the_panels_of_the_last_minute_until_they_refresh(client_for, branch):
    with time_machine.travel(START, tick=False):
        fill_branch(branch)
        client = client_for("staff")
        _get(client)  # the first request also fills Wagtail's own caches
        built, content = _get(client, f"{HOME}?vernieuwen=1")
        assert "Vernieuwen" in content and "HS-LATER" not in content
        kept, content = _get(client)
        assert kept < built
        _waiting("HS-LATER", None)
        _queries, content = _get(client)
        assert "HS-LATER" not in content  # still the panels of a moment ago
        refreshed, content = _get(client, f"{HOME}?vernieuwen=1")
        assert "HS-LATER" in content
        assert refreshed == built


def test_national_staff_panels_are_worked_out_again_after_a_minute(client_for, branch):
    with time_machine.travel(START, tick=False) as clock:
        fill_branch(branch)
        client = client_for("staff")
        _get(client)
        _waiting("HS-MINUTE", None)
        clock.shift(datetime.timedelta(seconds=NATIONAL_CACHE_SECONDS + 1))
        _queries, content = _get(client)
        assert "HS-MINUTE" in content


def test_a_coordinators_home_is_never_kept(client_for, branch):
    with time_machine.travel(START, tick=False):
        fill_branch(branch)
        client = client_for("coordinator")
        _get(client)  # the first request also fills Wagtail's own caches
        first, content = _get(client)
        assert "Vernieuwen" not in content
        _waiting("HS-AT-ONCE", branch)
        again, content = _get(client)
        assert "HS-AT-ONCE" in content
        assert again == first


def test_each_national_staff_member_has_their_own_panels(client_for, branch, staff):
    from tests.conftest import make_admin_user

    with time_machine.travel(START, tick=False):
        fill_branch(branch)
        _get(client_for("staff"))
        _waiting("HS-COLLEAGUE", None)
        colleague = make_admin_user("national_staff", email="collega@example.org")
        client = client_for("anonymous")
        client.force_login(colleague)
        _queries, content = _get(client)
        assert "HS-COLLEAGUE" in content
        assert timezone.now() == START
    cache.clear()
