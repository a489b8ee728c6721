"""The public referral form: a stored referral, or a clear Dutch refusal with nothing
stored (bad input, the honeypot, the per-address limit). Family data goes nowhere but
the database: not into a log line, an address or an e-mail."""

from __future__ import annotations

import logging
import re

import pytest
from django.core import mail
from hypothesis import given
from hypothesis import strategies as st

from support.referrals.models import Referral, ReferralStatusChange
from tests.support.referrals.conftest import (
    FAMILY_DATA,
    FAMILY_NAME,
    referral_form_data,
    self_registration_data,
)

pytestmark = pytest.mark.django_db


def post(client, page, data):
    return client.post(page.url, data)


def test_form_page_shows_the_form_grouped_and_accessible(client, public_site):
    content = client.get(public_site.referral_form.url).content.decode()
    for legend in ("Over u, de verwijzer", "Over het gezin", "De kinderen", "De hulpvraag"):
        assert re.search(rf"<legend>\s*{legend}\s*</legend>", content), legend
    assert 'name="consent"' in content and 'name="website"' in content
    assert 'class="trap" aria-hidden="true"' in content and 'tabindex="-1"' in content
    assert 'maxlength="2000"' in content


def test_referral_is_stored_and_the_visitor_thanked(client, public_site, branch):
    response = post(client, public_site.referral_form, referral_form_data())
    assert response.status_code == 302
    assert response["Location"] == public_site.referral_form.url + "bedankt/"
    referral = Referral.objects.get()
    assert referral.branch == branch and referral.family_name == FAMILY_NAME
    assert referral.support_questions == ["listening_ear", "social_isolation"]
    assert referral.language == "nl"
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "Bedankt voor de aanmelding" in thanks.content.decode()


def test_english_form_gives_english_e_mails(client, public_site, branch):
    from tests.pages.factories import translate

    english = translate(public_site.referral_form, "en", title="Refer a family", slug="refer")
    response = client.post(english.url, referral_form_data())
    assert response.status_code == 302
    assert Referral.objects.get().language == "en"


def test_parents_register_themselves_with_the_shorter_form(client, public_site, branch):
    content = client.get(public_site.registration.url).content.decode()
    assert "referrer_name" not in content and 'name="family_email"' in content
    response = post(client, public_site.registration, self_registration_data())
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.kind == "parents" and referral.family_email == "yasmina@example.org"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"consent": None}, "consent", "Meld een gezin alleen aan als de ouders ervan weten"),
        ({"postcode": "12345"}, "postcode", "Vul een Nederlandse postcode in"),
        ({"family_phone": "bel me"}, "family_phone", "Vul een telefoonnummer in"),
        ({"family_name": ""}, "family_name", "Dit is een verplicht veld."),
        ({"referrer_email": "geen-adres"}, "referrer_email", "Voer een geldig e-mailadres in."),
        ({"question": "x" * 2001}, "question", "niet meer dan 2000 tekens"),
        ({"family_name": "x" * 151}, "family_name", "niet meer dan 150 tekens"),
        ({"children_ages": "twee en vier"}, "children_ages", "Vul de leeftijden in als getallen"),
        ({"children_ages": "3, 19"}, "children_ages", "kinderen tot 18 jaar"),
        ({"children_count": "3"}, "children_ages", "komt niet overeen"),
        ({"children_count": "0", "children_ages": ""}, "children_count", "uitgerekende datum"),
        ({"due_date": "2001-01-01"}, "due_date", "ligt in het verleden"),
        ({"due_date": "morgen"}, "due_date", "Vul een geldige datum in."),
        ({"referrer_category": "family"}, "referrer_category", "Selecteer een geldige keuze"),
        ({"support_questions": ["vliegen"]}, "support_questions", "Selecteer een geldige keuze"),
    ],
)
def test_bad_input_is_answered_in_dutch_and_nothing_is_stored(
    client, public_site, branch, overrides, field, message
):
    response = post(client, public_site.referral_form, referral_form_data(**overrides))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert message in response.content.decode()
    assert not Referral.objects.exists() and not ReferralStatusChange.objects.exists()
    # The visitor's own input is kept in the form, to correct it.
    assert FAMILY_NAME in response.content.decode() or field == "family_name"


def test_honeypot_refuses_without_saying_why_and_stores_nothing(client, public_site, branch):
    response = post(client, public_site.referral_form, referral_form_data(website="spam.example"))
    assert response.status_code == 400
    assert "Het formulier kon niet worden verstuurd." in response.content.decode()
    assert not Referral.objects.exists()
    assert mail.outbox == []


def test_one_address_may_send_a_few_referrals_an_hour(client, public_site, branch, settings):
    settings.PUBLIC_FORM_RATE_LIMITS = {**settings.PUBLIC_FORM_RATE_LIMITS, "referral": (2, 3600)}
    for _ in range(2):
        assert post(client, public_site.referral_form, referral_form_data()).status_code == 302
    refused = post(client, public_site.referral_form, referral_form_data())
    assert refused.status_code == 429
    assert "Probeer het over een uur opnieuw" in refused.content.decode()
    assert FAMILY_NAME in refused.content.decode()  # not lost: the referrer can phone it in
    assert Referral.objects.count() == 2
    # Another address is not affected; refused and invalid posts did not count.
    other = client.post(
        public_site.referral_form.url, referral_form_data(), REMOTE_ADDR="192.0.2.7"
    )
    assert other.status_code == 302


def test_invalid_posts_do_not_use_up_the_limit(client, public_site, branch, settings):
    settings.PUBLIC_FORM_RATE_LIMITS = {**settings.PUBLIC_FORM_RATE_LIMITS, "referral": (1, 3600)}
    for _ in range(3):
        post(client, public_site.referral_form, referral_form_data(postcode="x"))
    assert post(client, public_site.referral_form, referral_form_data()).status_code == 302


def test_other_methods_are_not_allowed(client, public_site):
    assert client.put(public_site.referral_form.url).status_code == 405


def test_form_without_csrf_token_is_refused(public_site, branch):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        public_site.referral_form.url, referral_form_data()
    )
    assert response.status_code == 403
    assert not Referral.objects.exists()


def test_family_data_never_in_logs_addresses_or_e_mails(
    client, public_site, branch, coordinator, caplog, django_capture_on_commit_callbacks
):
    from support.referrals.services import change_referral_status

    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, public_site.referral_form, referral_form_data())
        referral = Referral.objects.get()
        for status in ("contacted", "intake_done", "support_started"):
            change_referral_status(referral=referral, to_status=status, by=coordinator)
        bad = post(client, public_site.referral_form, referral_form_data(postcode="0000"))
    assert bad.status_code == 400
    addresses = [response["Location"], public_site.referral_form.url]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    mails = "\n".join(f"{m.subject}\n{m.body}" for m in mail.outbox)
    assert len(mail.outbox) == 3  # the branch's notice, the confirmation, support started
    assert f"referral {referral.pk} received" in logged
    for secret in FAMILY_DATA:
        assert secret not in logged, secret
        assert secret not in mails, secret
        assert all(secret not in address for address in addresses), secret


TEXT = st.text(max_size=300)
VALUES = st.one_of(TEXT, st.lists(TEXT, max_size=4), st.integers().map(str))
FIELDS = [*referral_form_data(), "family_email"]


@given(
    data=st.fixed_dictionaries({}, optional=dict.fromkeys(FIELDS, VALUES)),
    variant=st.sampled_from(["referral_form", "registration"]),
)
def test_generated_input_never_gives_a_500_nor_stores_a_refused_submission(
    client, public_site, branch, data, variant
):
    from django.core.cache import cache

    cache.clear()  # each example its own address budget
    Referral.objects.all().delete()
    response = post(client, getattr(public_site, variant), data)
    assert response.status_code in {302, 400}
    assert Referral.objects.count() == (1 if response.status_code == 302 else 0)


@given(
    data=st.fixed_dictionaries(
        {
            name: st.just(value)
            for name, value in referral_form_data().items()
            if name not in {"children_ages", "children_count", "due_date"}
        },
        optional={"children_ages": TEXT, "due_date": TEXT, "children_count": TEXT},
    )
)
def test_generated_children_input_never_gives_a_500(client, public_site, branch, data):
    from django.core.cache import cache

    cache.clear()
    Referral.objects.all().delete()
    response = post(client, public_site.referral_form, data)
    assert response.status_code in {302, 400}
    assert Referral.objects.count() == (1 if response.status_code == 302 else 0)


# The municipality: chosen from the branches' working areas, or derived from the postcode.


@pytest.fixture
def municipalities(branch, other_branch):
    """Utrecht's branch works in Utrecht and Nieuwegein, Zwolle's in Zwolle; Amsterdam is
    in no branch's working area."""
    from portal.models import Municipality
    from tests.migrated_data import ensure_municipalities

    ensure_municipalities()
    by_name = {m.name: m for m in Municipality.objects.all()}
    branch.working_area.set([by_name["Utrecht"], by_name["Nieuwegein"]])
    other_branch.working_area.set([by_name["Zwolle"]])
    branch.save()  # a ParentalManyToManyField is written when its model is saved
    other_branch.save()
    return by_name


def test_the_form_offers_the_working_areas_municipalities_by_name(
    client, public_site, municipalities
):
    content = client.get(public_site.referral_form.url).content.decode()
    assert "Gemeente waar het gezin woont" in content
    assert "Staat de gemeente niet in de lijst" in content
    select = re.search(r'<select name="municipality".*?</select>', content, re.DOTALL).group(0)
    assert re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select) == [
        "Nieuwegein",
        "Utrecht",
        "Zwolle",
    ]
    own = client.get(public_site.registration.url).content.decode()
    assert "Gemeente waar u woont" in own


def test_a_branch_with_one_municipality_decides_it_from_the_postcode(
    client, public_site, municipalities
):
    response = post(client, public_site.referral_form, referral_form_data(postcode="8011 AB"))
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.branch.name == "Home-Start Zwolle"
    assert referral.cbs_municipality == municipalities["Zwolle"]
    assert referral.municipality == "Zwolle"


def test_a_branch_with_several_municipalities_needs_the_choice(client, public_site, municipalities):
    refused = post(client, public_site.referral_form, referral_form_data())
    assert refused.status_code == 400
    assert refused.context["form"].errors["municipality"] == [
        "Kies de gemeente waar het gezin woont."
    ]
    assert "Kies de gemeente waar het gezin woont." in refused.content.decode()
    own = post(client, public_site.registration, self_registration_data())
    assert own.status_code == 400
    assert own.context["form"].errors["municipality"] == ["Kies de gemeente waar u woont."]
    assert not Referral.objects.exists() and not ReferralStatusChange.objects.exists()

    nieuwegein = municipalities["Nieuwegein"]
    chosen = post(
        client, public_site.referral_form, referral_form_data(municipality=str(nieuwegein.pk))
    )
    assert chosen.status_code == 302
    referral = Referral.objects.get()
    assert referral.cbs_municipality == nieuwegein and referral.municipality == "Nieuwegein"


def test_the_choice_wins_over_the_derived_municipality(client, public_site, municipalities):
    utrecht = municipalities["Utrecht"]
    data = referral_form_data(postcode="8011 AB", municipality=str(utrecht.pk))
    assert post(client, public_site.referral_form, data).status_code == 302
    assert Referral.objects.get().cbs_municipality == utrecht


def test_a_postcode_no_branch_covers_leaves_the_choice_optional(
    client, public_site, municipalities
):
    response = post(client, public_site.referral_form, referral_form_data(postcode="1011 AB"))
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.branch is None and referral.cbs_municipality is None
    assert referral.municipality == ""


CHOOSE_FROM_LIST = "Kies een gemeente uit de lijst."


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("999999", CHOOSE_FROM_LIST),
        ("99999999999999999999", CHOOSE_FROM_LIST),
        ("Utrecht", CHOOSE_FROM_LIST),
        ("-1", CHOOSE_FROM_LIST),
        ("1.5", CHOOSE_FROM_LIST),
        ("Amsterdam", CHOOSE_FROM_LIST),  # a real municipality, in no branch's working area
        ("\x00", "Null-tekens zijn niet toegestaan."),  # Django's own check, in Dutch
    ],
)
def test_a_made_up_municipality_is_refused_in_dutch_and_nothing_stored(
    client, public_site, municipalities, value, message
):
    if value == "Amsterdam":
        value = str(municipalities["Amsterdam"].pk)
    response = post(client, public_site.referral_form, referral_form_data(municipality=value))
    assert response.status_code == 400
    assert response.context["form"].errors["municipality"] == [message]
    assert not Referral.objects.exists() and not ReferralStatusChange.objects.exists()
