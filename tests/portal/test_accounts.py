import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from portal.models import User, Volunteer
from tests.portal.factories import TEST_PASSWORD, current_totp_code, make_admin_user

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"


def signup_data(**changes):
    data = {
        "first_name": "Lotte",
        "last_name": "de Boer",
        "email": "lotte@example.org",
        "postcode": "3512ab",
        "branch": "",
        "password1": "een-lang-wachtwoord-42",
        "password2": "een-lang-wachtwoord-42",
    }
    data.update(changes)
    return data


def test_signup_creates_account_and_volunteer_record_routed_by_postcode(
    client, branch, other_branch, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP, signup_data())
    assert response.status_code == 302
    user = User.objects.get(email="lotte@example.org")
    volunteer = Volunteer.objects.get(user=user)
    assert (volunteer.branch, volunteer.postcode, volunteer.status) == (
        branch,
        "3512 AB",
        "applied",
    )
    assert user.get_full_name() == "Lotte de Boer"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["lotte@example.org"]
    assert "/accounts/confirm-email/" in mailoutbox[0].body


def test_signup_mail_is_sent_after_commit_not_in_the_request(client, branch, mailoutbox):
    # Inside the test transaction nothing commits, so the queued mail must not go out.
    client.post(SIGNUP, signup_data())
    assert mailoutbox == []


def test_signup_outside_every_branch_asks_to_choose_one_and_writes_nothing(client, branch):
    response = client.post(SIGNUP, signup_data(postcode="9999 ZZ"))
    assert response.status_code == 400
    assert "geen Home-Start-afdeling voor deze postcode" in response.content.decode()
    assert not User.objects.filter(email="lotte@example.org").exists()
    response = client.post(SIGNUP, signup_data(postcode="9999 ZZ", branch=branch.pk))
    assert response.status_code == 302
    assert Volunteer.objects.get(user__email="lotte@example.org").branch == branch


@pytest.mark.parametrize("postcode", ["", "123", "0123 AB", "3512 A1", "ABCD EF", "3512 ABC"])
def test_signup_refuses_a_malformed_postcode_in_dutch(client, branch, postcode):
    response = client.post(SIGNUP, signup_data(postcode=postcode))
    assert response.status_code == 400
    content = response.content.decode()
    assert "Nederlandse postcode" in content or "verplicht" in content
    assert not User.objects.exists()


def test_signup_honeypot_creates_nothing(client, branch):
    response = client.post(SIGNUP, signup_data(website="http://spam.example"))
    assert response.status_code in {200, 302}
    assert not User.objects.exists()


def test_admin_login_page_is_allauths(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=/admin/"


def test_admin_requires_totp_before_anything_opens(client, branch):
    coordinator = make_admin_user("coordinator", branches=[branch], totp=False)
    client.force_login(coordinator)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get("/admin/portal_volunteer/").status_code == 302
    # The set-up page itself opens (after allauth's usual "confirm your password").
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200 or response["Location"].startswith(
        reverse("account_reauthenticate")
    )


def test_volunteers_never_reach_the_admin(client, volunteer):
    client.force_login(volunteer.user)
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/portal_volunteer/").status_code == 403


def test_coordinator_login_asks_for_the_totp_code_and_lands_in_the_admin(client, coordinator):
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": coordinator.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_authenticate"))
    assert client.get("/admin/").status_code == 302  # not logged in yet
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 400
    response = client.post(reverse("mfa_authenticate"), {"code": current_totp_code()})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_volunteer_login_lands_in_mijn_home_start(client, volunteer):
    response = client.post(
        "/accounts/login/", {"login": volunteer.user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:mijn")


def test_failed_logins_are_rate_limited(client, volunteer):
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": volunteer.user.email, "password": "x"})
        assert response.status_code == 400
    response = client.post(
        "/accounts/login/", {"login": volunteer.user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code in {400, 429}
    assert "_auth_user_id" not in client.session


def test_login_error_is_in_dutch(client, volunteer):
    response = client.post("/accounts/login/", {"login": volunteer.user.email, "password": "x"})
    content = response.content.decode()
    assert "wachtwoord is niet correct" in content


def test_email_confirmation_link_verifies_the_address(
    client, branch, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGNUP, signup_data())
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+", mailoutbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 302
    assert EmailAddress.objects.get(email="lotte@example.org").verified
