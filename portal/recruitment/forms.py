"""The volunteer application form on the recruitment page. Validation only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import clean_phone, clean_postcode, make_honeypot
from portal.models import AVAILABILITY_CHOICES, LANGUAGE_CHOICES, Branch
from portal.recruitment.services import MSG_NO_BRANCH

MSG_SPAM = _("Het formulier kon niet worden verstuurd. Probeer het opnieuw.")


class VolunteerApplicationForm(forms.Form):
    first_name = forms.CharField(label=_("Voornaam"), max_length=150)
    last_name = forms.CharField(label=_("Achternaam"), max_length=150)
    email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        help_text=_("Hierop krijg je een link om een wachtwoord te kiezen voor Mijn Home-Start."),
    )
    phone = forms.CharField(label=_("Telefoonnummer"), max_length=30)
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
    languages = forms.MultipleChoiceField(
        label=_("Talen die je spreekt"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    parenting_experience = forms.CharField(
        label=_("Je ervaring als ouder"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Bijvoorbeeld: moeder van twee kinderen van 6 en 9, of opa van vier kleinkinderen."
        ),
    )
    availability = forms.MultipleChoiceField(
        label=_("Wanneer zou je een gezin kunnen bezoeken?"),
        choices=AVAILABILITY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Kies minstens één dagdeel.")},
    )
    motivation = forms.CharField(
        label=_("Waarom wil je vrijwilliger worden bij Home-Start?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Een paar zinnen is genoeg. Hoogstens 2000 tekens."),
    )
    consent = forms.BooleanField(
        label=_(
            "Ik geef Home-Start toestemming mijn gegevens te gebruiken voor mijn aanmelding "
            "als vrijwilliger."
        ),
        error_messages={"required": _("Geef toestemming om je gegevens te gebruiken.")},
    )
    website = forms.CharField(required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        make_honeypot(self.fields["website"])

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def clean_postcode(self) -> str:
        return clean_postcode(self.cleaned_data["postcode"])

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(MSG_SPAM, code="spam")
        postcode = cleaned.get("postcode")
        if postcode and not cleaned.get("branch") and "branch" not in self.errors:
            branch = Branch.objects.covering_postcode(postcode).order_by("name").first()
            if branch is None:
                self.add_error("branch", MSG_NO_BRANCH)
            cleaned["branch"] = branch
        return cleaned
