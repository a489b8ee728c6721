"""Forms of `portal`: validation and cleaning only; the views call the services."""

from __future__ import annotations

import re

from allauth.account.forms import SignupForm
from django import forms
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from portal.models import AVAILABILITY_CHOICES, LANGUAGE_CHOICES, Branch, VolunteerStatus
from portal.models.branches import normalise_postcode
from portal.services.volunteers import create_volunteer

PHONE_RE = re.compile(r"^\+?[0-9 ()\-]{6,20}$")
MSG_PHONE = _("Vul een telefoonnummer in met alleen cijfers, spaties en eventueel een +.")
MSG_NO_BRANCH = _(
    "Er is (nog) geen Home-Start-afdeling voor deze postcode. Kies hieronder de afdeling "
    "die het dichtst bij je in de buurt is."
)


def make_honeypot(field: forms.Field | None) -> None:
    """Turn a field into an accessible honeypot: labelled, hidden, never tabbed to."""
    if field is None:
        return
    field.is_trap = True
    field.label = _("Laat dit veld leeg")
    field.widget.attrs = {"tabindex": "-1", "autocomplete": "off"}


def clean_phone(value: str) -> str:
    value = value.strip()
    if value and (not PHONE_RE.match(value) or sum(c.isdigit() for c in value) < 6):
        raise forms.ValidationError(MSG_PHONE, code="phone")
    return value


def clean_postcode(value: str) -> str:
    return normalise_postcode(value)


class VolunteerSignupForm(SignupForm):
    """allauth's sign-up plus what a volunteer record needs from the first moment."""

    first_name = forms.CharField(label=_("Voornaam"), max_length=150)
    last_name = forms.CharField(label=_("Achternaam"), max_length=150)
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        help_text=_("We zoeken hiermee de Home-Start-afdeling bij jou in de buurt."),
    )
    branch = forms.ModelChoiceField(
        label=_("Afdeling"),
        queryset=Branch.objects.all(),
        required=False,
        empty_label=_("De afdeling bij mijn postcode"),
    )

    field_order = [
        "first_name",
        "last_name",
        "email",
        "postcode",
        "branch",
        "password1",
        "password2",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        make_honeypot(self.fields.get(settings.ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD))

    def clean_postcode(self) -> str:
        return clean_postcode(self.cleaned_data["postcode"])

    def clean(self) -> dict:
        cleaned = super().clean()
        postcode = cleaned.get("postcode")
        if postcode and not cleaned.get("branch"):
            branch = Branch.objects.covering_postcode(postcode).first()
            if branch is None:
                self.add_error("branch", MSG_NO_BRANCH)
            cleaned["branch"] = branch
        return cleaned

    def try_save(self, request):
        # The account, its e-mail address and the volunteer record are written
        # together or not at all.
        with transaction.atomic():
            return super().try_save(request)

    def custom_signup(self, request, user) -> None:
        user.first_name = self.cleaned_data["first_name"].strip()
        user.last_name = self.cleaned_data["last_name"].strip()
        user.save(update_fields=["first_name", "last_name"])
        create_volunteer(
            user=user, branch=self.cleaned_data["branch"], postcode=self.cleaned_data["postcode"]
        )


class VolunteerDetailsForm(forms.Form):
    """What a volunteer edits about themselves in Mijn Home-Start."""

    first_name = forms.CharField(label=_("Voornaam"), max_length=150)
    last_name = forms.CharField(label=_("Achternaam"), max_length=150)
    phone = forms.CharField(label=_("Telefoon"), max_length=30, required=False)
    street_address = forms.CharField(label=_("Adres"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=10)
    city = forms.CharField(label=_("Woonplaats"), max_length=100, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Talen die je spreekt"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    parenting_experience = forms.CharField(
        label=_("Ervaring als ouder"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bijvoorbeeld: moeder van twee kinderen van 6 en 9."),
    )
    availability = forms.MultipleChoiceField(
        label=_("Wanneer kun je een gezin bezoeken?"),
        choices=AVAILABILITY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def clean_postcode(self) -> str:
        return clean_postcode(self.cleaned_data["postcode"])


class DeletionRequestForm(forms.Form):
    note = forms.CharField(
        label=_("Toelichting (niet verplicht)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("Ja, ik wil dat Home-Start mijn gegevens verwijdert."),
        error_messages={"required": _("Vink aan dat je je gegevens wilt laten verwijderen.")},
    )


STATUS_CHOICES_WITH_EMPTY = [("", _("— status niet wijzigen —")), *VolunteerStatus.choices]
