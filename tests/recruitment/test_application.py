"""Applying as a volunteer on the recruitment page: an account without a password (an
e-mail sets one), a volunteer record "applied" in the branch of the postcode, the
motivation kept with it, the branch's coordinator told."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from hypothesis import given
from hypothesis import strategies as st

from portal.errors import ServiceError
from portal.models import User, Volunteer, VolunteerStatus
from portal.recruitment.models import VolunteerApplication
from portal.recruitment.services import apply_as_volunteer
from portal.services.volunteers import export_volunteer_data

pytestmark = pytest.mark.django_db


def form_data(**overrides) -> dict:
    data = {
        "first_name": "Lotte",
        "last_name": "de Boer",
        "email": "lotte@example.org",
        "phone": "06 12345678",
        "postcode": "3512 ab",
        "branch": "",
        "languages": ["nl", "pl"],
        "parenting_experience": "Moeder van twee kinderen van 6 en 9.",
        "availability": ["tue_morning", "thu_afternoon"],
        "motivation": "Ik weet hoe zwaar de eerste jaren kunnen zijn.",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def apply(**overrides):
    values = {
        "first_name": "Lotte",
        "last_name": "de Boer",
        "email": "Lotte@Example.org",
        "postcode": "3512 AB",
        "motivation": "Omdat ik het zelf ook zwaar had.",
    } | overrides
    return apply_as_volunteer(**values)


def test_application_creates_account_volunteer_and_application(branch):
    application = apply(languages=["nl"], availability=["mon_morning"], phone="06 1234 5678")
    volunteer = application.volunteer
    user = volunteer.user
    assert user.email == "lotte@example.org" and user.get_full_name() == "Lotte de Boer"
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified is False
    assert volunteer.branch == branch and volunteer.status == VolunteerStatus.APPLIED
    assert volunteer.status_changes.get().to_status == VolunteerStatus.APPLIED
    assert application.motivation == "Omdat ik het zelf ook zwaar had."


def test_application_without_a_branch_for_the_postcode_is_refused(branch):
    with pytest.raises(ServiceError) as refused:
        apply(postcode="9711 JK")
    assert refused.value.code == "no_branch"
    assert not User.objects.exists()


def test_applicant_may_choose_a_branch_outside_the_postcode(branch, other_branch):
    application = apply(postcode="9711 JK", branch=other_branch)
    assert application.volunteer.branch == other_branch


def test_existing_account_gets_a_notice_and_nothing_is_created(
    branch, volunteer, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        result = apply(email=volunteer.user.email.upper())
    assert result is None
    assert Volunteer.objects.count() == 1 and not VolunteerApplication.objects.exists()
    assert [m.to for m in mailoutbox] == [[volunteer.user.email]]
    assert "Er bestaat al een account met dit adres" in mailoutbox[0].body


@pytest.mark.smtp
def test_welcome_mail_sets_a_password_and_the_coordinator_hears(
    client, branch, coordinator, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = apply()
    user = application.volunteer.user
    welcome = smtp_server.messages_to(user.email)[0].message
    body = welcome.get_body(("plain",)).get_content()
    assert welcome["Subject"] == "Welkom bij Home-Start: kies je wachtwoord"
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", body).group(1)
    notice = smtp_server.messages_to(coordinator.email)[0].message
    notice_body = notice.get_body(("plain",)).get_content()
    assert "Lotte de Boer heeft zich via de website aangemeld" in notice_body
    assert f"/admin/portal_volunteer/edit/{application.volunteer.pk}/" in notice_body

    # The link works: the volunteer chooses a password, which also confirms the address.
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"password1": "een-lang-wachtwoord-42", "password2": "een-lang-wachtwoord-42"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("een-lang-wachtwoord-42")
    assert EmailAddress.objects.get(user=user).verified
    login = client.post(
        "/accounts/login/", {"login": user.email, "password": "een-lang-wachtwoord-42"}
    )
    assert login.status_code == 302 and login["Location"] == "/mijn/"


def test_coordinator_sees_the_motivation_on_the_volunteer_record(client_for, branch):
    application = apply()
    page = client_for("coordinator").get(
        f"/admin/portal_volunteer/edit/{application.volunteer.pk}/"
    )
    assert "Omdat ik het zelf ook zwaar had." in page.content.decode()
    assert "Aanmelding via de website" in page.content.decode()


def test_motivation_is_in_the_volunteers_own_data_download(branch):
    application = apply()
    data = export_volunteer_data(application.volunteer)
    assert data["applications"][0]["motivation"] == "Omdat ik het zelf ook zwaar had."


def test_form_applies_and_thanks(client, public_site, branch):
    response = client.post(public_site.volunteering.url, form_data())
    assert response.status_code == 302
    assert response["Location"] == public_site.volunteering.url + "bedankt/"
    volunteer = Volunteer.objects.get(user__email="lotte@example.org")
    assert volunteer.languages == ["nl", "pl"]
    assert volunteer.availability == ["tue_morning", "thu_afternoon"]
    assert volunteer.postcode == "3512 AB"
    assert "Bedankt voor je aanmelding" in client.get(response["Location"]).content.decode()


def test_form_for_an_existing_address_looks_the_same(client, public_site, branch, volunteer):
    response = client.post(public_site.volunteering.url, form_data(email=volunteer.user.email))
    assert response.status_code == 302
    assert response["Location"].endswith("bedankt/")
    assert Volunteer.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"postcode": "9711 JK"},
            "branch",
            "Er is (nog) geen Home-Start-afdeling voor deze postcode",
        ),
        ({"postcode": "3512"}, "postcode", "Vul een Nederlandse postcode in"),
        ({"availability": None}, "availability", "Kies minstens één dagdeel."),
        ({"consent": None}, "consent", "Geef toestemming om je gegevens te gebruiken."),
        ({"motivation": "x" * 2001}, "motivation", "niet meer dan 2000 tekens"),
        ({"email": "lotte"}, "email", "Voer een geldig e-mailadres in."),
        ({"languages": ["klingon"]}, "languages", "Selecteer een geldige keuze"),
    ],
)
def test_bad_input_is_answered_in_dutch_and_nothing_is_created(
    client, public_site, branch, overrides, field, message
):
    response = client.post(public_site.volunteering.url, form_data(**overrides))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not User.objects.filter(email="lotte@example.org").exists()


def test_honeypot_and_rate_limit(client, public_site, branch, settings):
    response = client.post(public_site.volunteering.url, form_data(website="http://spam"))
    assert response.status_code == 400
    assert not User.objects.filter(email="lotte@example.org").exists()
    settings.PUBLIC_FORM_RATE_LIMITS = {
        **settings.PUBLIC_FORM_RATE_LIMITS,
        "volunteer_application": (1, 3600),
    }
    assert client.post(public_site.volunteering.url, form_data()).status_code == 302
    refused = client.post(public_site.volunteering.url, form_data(email="tweede@example.org"))
    assert refused.status_code == 429
    assert not User.objects.filter(email="tweede@example.org").exists()


TEXT = st.text(max_size=300)
VALUES = st.one_of(TEXT, st.lists(TEXT, max_size=4), st.integers().map(str))


@given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(form_data(), VALUES)))
def test_generated_input_never_gives_a_500_nor_a_half_made_account(
    client, public_site, branch, data
):
    from django.core.cache import cache

    cache.clear()
    users, volunteers = User.objects.count(), Volunteer.objects.count()
    response = client.post(public_site.volunteering.url, data)
    assert response.status_code in {302, 400}
    if response.status_code == 400:
        assert (User.objects.count(), Volunteer.objects.count()) == (users, volunteers)
    else:
        assert User.objects.count() - users == Volunteer.objects.count() - volunteers
