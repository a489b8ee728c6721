"""Two-step verification per session for every staff account, on the whole site.

A staff session counts only once it passed allauth's code step (allauth's own record of
how the session authenticated). A password-only session of an account with TOTP is
ended and sent to allauth's login; an account without TOTP is sent to set it up.
Wagtail's front-end login (`/_util/login/`) is no side door.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from courses.models import CourseDocument
from tests.courses.factories import make_course
from tests.intervision.factories import IntervisionGroupFactory, SessionFactory
from tests.pages.factories import document
from tests.portal.factories import TEST_PASSWORD, current_totp_code, make_admin_user

pytestmark = pytest.mark.django_db

STAFF_ROLES = ["coordinator", "national_staff", "editor"]


@pytest.fixture
def confidential_urls(branch, volunteer):
    """Admin surfaces and the confidential pages of the site, as a verified coordinator
    of `branch` reaches them."""
    group = IntervisionGroupFactory(branch=branch, name="Dinsdaggroep", members=[volunteer])
    session = SessionFactory(group=group)
    course = make_course(branch)
    material = document("Werkmap", b"%PDF-1.4 werkmap", "werkmap.pdf")
    CourseDocument.objects.create(course=course, document=material)
    return [
        "/admin/",
        "/admin/portal_volunteer/",
        "/admin/portal_volunteer/?export=csv",
        f"/admin/pages/{course.pk}/edit/",
        "/admin/bulk/wagtailcore/page/unpublish/?id=" + str(course.pk),
        "/admin/choose-page/",
        "/admin/documents/chooser/",
        "/admin/api/main/documents/",
        "/admin/api/main/pages/",
        f"/intervisie/sessie/{session.pk}/",
        f"/intervisie/groep/{group.pk}/",
        material.url,
        "/mijn/agenda/",
        "/en/mijn/agenda/",
    ]


def _make(role, branch, **kwargs):
    branches = [branch] if role == "coordinator" else ()
    return make_admin_user(role, branches=branches, **kwargs)


def _path(response) -> str:
    return urlparse(response["Location"]).path


def test_a_verified_coordinator_reaches_every_confidential_url(client, branch, confidential_urls):
    client.force_login(_make("coordinator", branch))
    for url in confidential_urls:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_a_password_only_session_is_ended_everywhere(client, branch, confidential_urls, role):
    user = _make(role, branch)
    for url in [*confidential_urls, "/", "/accounts/email/", "/accounts/2fa/"]:
        client.force_login_password_only(user)
        response = client.get(url)
        assert response.status_code == 302, url
        assert _path(response) == reverse("account_login"), url
        assert "_auth_user_id" not in client.session, url


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_a_staff_account_without_totp_is_sent_to_set_it_up(client, branch, confidential_urls, role):
    client.force_login(_make(role, branch, totp=False))
    for url in [*confidential_urls, "/", "/accounts/email/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert _path(response) == reverse("mfa_activate_totp"), url
    # The set-up page opens (after allauth's usual "confirm your password").
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200 or _path(response) == reverse("account_reauthenticate")


def test_setting_up_totp_passes_the_code_step_for_this_session(client, branch):
    coordinator = _make("coordinator", branch, totp=False)
    client.force_login(coordinator)
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    secret = response.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302  # a wrong code passes nothing
    response = client.post(reverse("mfa_activate_totp"), {"code": current_totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=coordinator, type="totp").exists()
    assert client.get("/admin/").status_code == 200


def test_volunteers_are_not_asked_for_a_code(client, volunteer):
    client.force_login_password_only(volunteer.user)
    assert client.get("/mijn/").status_code == 200


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_wagtails_front_end_login_leads_to_allauths(client, branch, prefix):
    coordinator = _make("coordinator", branch)
    response = client.get(f"{prefix}/_util/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{prefix}/accounts/login/?next=/admin/"
    response = client.post(
        f"{prefix}/_util/login/", {"username": coordinator.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/referrals/").status_code == 302
    assert _path(client.get("/admin/referrals/")) == reverse("account_login")


def test_restricted_pages_send_visitors_to_allauths_login(client, branch):
    from wagtail.models import PageViewRestriction

    course = make_course(branch)
    PageViewRestriction.objects.create(page=course, restriction_type="login")
    response = client.get(course.url)
    assert response.status_code == 302
    assert _path(response) == reverse("account_login")


def test_password_protected_pages_log_nobody_in(client, branch):
    from wagtail.models import PageViewRestriction

    coordinator = _make("coordinator", branch)
    course = make_course(branch)
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type="password", password="geheim"
    )
    client.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{course.pk}/",
        {"password": "geheim", "return_url": course.url},
    )
    client.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{course.pk}/",
        {"username": coordinator.email, "password": TEST_PASSWORD, "return_url": "/"},
    )
    assert "_auth_user_id" not in client.session


def test_staff_cannot_switch_off_their_last_authenticator(client, branch):
    coordinator = _make("coordinator", branch)
    client.force_login(coordinator)
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code in {200, 400}
    assert Authenticator.objects.filter(user=coordinator, type="totp").exists()


def test_volunteers_may_switch_theirs_off(client, volunteer):
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.portal.factories import TOTP_SECRET

    TOTP.activate(volunteer.user, TOTP_SECRET)
    client.force_login(volunteer.user)
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    client.post(reverse("mfa_deactivate_totp"))
    assert not Authenticator.objects.filter(user=volunteer.user, type="totp").exists()


def test_the_code_step_of_one_account_does_not_count_for_another(client, branch):
    """allauth keeps the record per user: a session that switches accounts starts over."""
    first = _make("coordinator", branch)
    second = _make("national_staff", branch)
    client.force_login(first)
    session = client.session
    session["_auth_user_id"] = str(second.pk)
    session["_auth_user_hash"] = second.get_session_auth_hash()
    session.save()
    response = client.get("/admin/")
    assert response.status_code == 302
    assert _path(response) == reverse("account_login")


def test_every_staff_role_counts_as_staff_for_the_code_step(branch, volunteer):
    from portal.permissions import is_staff_account

    for role in STAFF_ROLES:
        assert is_staff_account(_make(role, branch)), role
    assert not is_staff_account(volunteer.user)
