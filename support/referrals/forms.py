"""The public referral form, in two variants: a referrer signs a family up, or the
parents sign themselves up. Validation only; `support.referrals.services` stores."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.forms import clean_phone, clean_postcode, make_honeypot
from portal.models import Municipality
from support.referrals.models import (
    FAMILY_LANGUAGE_CHOICES,
    SUPPORT_QUESTION_CHOICES,
    ReferrerCategory,
)
from support.referrals.services import (
    FamilyDetails,
    ReferrerDetails,
    area_municipalities,
    offered_municipalities,
    route_to_branch,
)

MAX_CHILDREN = 12
OLDEST_CHILD = 17
# A due date more than this far ahead cannot be right (a pregnancy lasts 40 weeks).
LONGEST_PREGNANCY = datetime.timedelta(weeks=42)

MSG_SPAM = _("Het formulier kon niet worden verstuurd. Probeer het opnieuw.")
MSG_AGES_FORMAT = _(
    "Vul de leeftijden in als getallen, gescheiden door komma's, bijvoorbeeld: 1, 4."
)
MSG_AGE_RANGE = _("Home-Start ondersteunt gezinnen met kinderen tot 18 jaar.")
MSG_TOO_MANY_CHILDREN = _("Vul hoogstens %(max)s kinderen in.") % {"max": MAX_CHILDREN}
MSG_COUNT_MISMATCH = _("Het aantal leeftijden komt niet overeen met het aantal kinderen.")
MSG_AGES_REQUIRED = _("Vul de leeftijd van elk kind in.")
MSG_CHILDREN_OR_DUE_DATE = _(
    "Vul het aantal kinderen en hun leeftijden in, of de uitgerekende datum."
)
MSG_DUE_DATE_PAST = _(
    "De uitgerekende datum ligt in het verleden. Is het kind geboren? Vul dan leeftijd 0 in."
)
MSG_DUE_DATE_FAR = _("De uitgerekende datum ligt meer dan 42 weken vooruit.")
MSG_MUNICIPALITY_REQUIRED = _("Kies de gemeente waar het gezin woont.")
MSG_OWN_MUNICIPALITY_REQUIRED = _("Kies de gemeente waar u woont.")
MSG_MUNICIPALITY_INVALID = _("Kies een gemeente uit de lijst.")

_AGES_RE = re.compile(r"^[\d\s,;/&]*(?:(?:en|and)[\d\s,;/&]*)*$", re.IGNORECASE)


def parse_ages(value: str) -> list[int]:
    """'1, 4 en 7' -> [1, 4, 7]. Raises ValidationError for anything else."""
    value = value.strip()
    if not value:
        return []
    if not _AGES_RE.match(value):
        raise forms.ValidationError(MSG_AGES_FORMAT, code="ages_format")
    ages = [int(number) for number in re.findall(r"\d+", value)]
    if any(age > OLDEST_CHILD for age in ages):
        raise forms.ValidationError(MSG_AGE_RANGE, code="age_range")
    if len(ages) > MAX_CHILDREN:
        raise forms.ValidationError(MSG_TOO_MANY_CHILDREN, code="too_many_children")
    return ages


class ReferralForm(forms.Form):
    # The referrer (not in the parents' variant).
    referrer_name = forms.CharField(label=_("Uw naam"), max_length=150)
    referrer_organisation = forms.CharField(label=_("Organisatie"), max_length=150)
    referrer_category = forms.ChoiceField(
        label=_("Soort organisatie"),
        choices=[("", "—")]
        + [(value, label) for value, label in ReferrerCategory.choices if value != "family"],
    )
    referrer_role = forms.CharField(
        label=_("Functie"),
        max_length=100,
        help_text=_("Bijvoorbeeld jeugdverpleegkundige, huisarts of intern begeleider."),
    )
    referrer_email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        help_text=_(
            "Hierop ontvangt u de bevestiging en het bericht als de steun begint en eindigt."
        ),
    )
    referrer_phone = forms.CharField(label=_("Telefoonnummer"), max_length=30, required=False)

    # The family.
    family_name = forms.CharField(label=_("Naam van de ouder(s)"), max_length=150)
    family_phone = forms.CharField(label=_("Telefoonnummer van het gezin"), max_length=30)
    family_email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        required=False,
        help_text=_("Niet verplicht. Dan sturen we u een bevestiging."),
    )
    postcode = forms.CharField(
        label=_("Postcode van het gezin"),
        max_length=10,
        help_text=_("Hiermee vinden we de Home-Start-afdeling in de buurt."),
    )
    # Optional on its own: required in `clean()` only when the postcode's branch works in
    # more than one municipality, so the postcode cannot decide it.
    municipality = forms.ModelChoiceField(
        label=_("Gemeente waar het gezin woont"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label="—",
        help_text=_(
            "Staat de gemeente niet in de lijst, of weet u het niet zeker? Laat dit dan leeg: "
            "we zoeken de gemeente op bij de postcode en vragen er alleen naar als dat niet lukt."
        ),
        error_messages={"invalid_choice": MSG_MUNICIPALITY_INVALID},
    )
    family_language = forms.ChoiceField(
        label=_("Taal die het gezin het liefst spreekt"),
        choices=FAMILY_LANGUAGE_CHOICES,
        initial="nl",
    )
    children_count = forms.IntegerField(
        label=_("Aantal kinderen"),
        min_value=0,
        max_value=MAX_CHILDREN,
        required=False,
        help_text=_("Nog geen kinderen maar wel zwanger? Vul 0 in en de uitgerekende datum."),
    )
    children_ages = forms.CharField(
        label=_("Leeftijden van de kinderen"),
        max_length=60,
        required=False,
        help_text=_("In jaren, gescheiden door komma's; een baby jonger dan een jaar is 0."),
    )
    due_date = forms.DateField(
        label=_("Uitgerekende datum"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Vul een geldige datum in.")},
    )
    support_questions = forms.MultipleChoiceField(
        label=_("Waar kan een vrijwilliger bij helpen?"),
        choices=SUPPORT_QUESTION_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    question = forms.CharField(
        label=_("De hulpvraag in een paar zinnen"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Wat speelt er, en wat zou het gezin graag anders zien? Hoogstens 2000 tekens."
        ),
    )
    consent = forms.BooleanField(
        label=_("De ouders weten van deze aanmelding en zijn het ermee eens."),
        error_messages={
            "required": _("Meld een gezin alleen aan als de ouders ervan weten en ermee instemmen.")
        },
    )
    website = forms.CharField(required=False, max_length=200)

    REFERRER_FIELDS = (
        "referrer_name",
        "referrer_organisation",
        "referrer_category",
        "referrer_role",
        "referrer_email",
        "referrer_phone",
    )
    FAMILY_FIELDS = (
        "family_name",
        "family_phone",
        "family_email",
        "postcode",
        "municipality",
        "family_language",
    )
    CHILDREN_FIELDS = ("children_count", "children_ages", "due_date")
    QUESTION_FIELDS = ("support_questions", "question")

    def __init__(self, *args, self_registration: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.self_registration = self_registration
        make_honeypot(self.fields["website"])
        self.fields["municipality"].queryset = offered_municipalities()
        if self_registration:
            for name in self.REFERRER_FIELDS:
                del self.fields[name]
            self.fields["family_name"].label = _("Uw naam")
            self.fields["family_phone"].label = _("Uw telefoonnummer")
            self.fields["postcode"].label = _("Uw postcode")
            self.fields["municipality"].label = _("Gemeente waar u woont")
            self.fields["family_language"].label = _("Taal die u het liefst spreekt")
            self.fields["question"].label = _("Waar zou u hulp bij willen?")
            self.fields["question"].help_text = _(
                "Een paar zinnen is genoeg. Hoogstens 2000 tekens."
            )
            self.fields["support_questions"].label = _("Waar kan een vrijwilliger u bij helpen?")
            self.fields["consent"].label = _(
                "Ik geef Home-Start toestemming mijn gegevens te gebruiken om contact met mij "
                "op te nemen over deze aanmelding."
            )
            self.fields["consent"].error_messages["required"] = _(
                "Geef toestemming om uw gegevens voor de aanmelding te gebruiken."
            )
        else:
            del self.fields["family_email"]

    def _bound(self, names) -> list:
        return [self[name] for name in names if name in self.fields]

    @property
    def referrer_fields(self) -> list:
        return self._bound(self.REFERRER_FIELDS)

    @property
    def family_fields(self) -> list:
        return self._bound(self.FAMILY_FIELDS)

    @property
    def children_fields(self) -> list:
        return self._bound(self.CHILDREN_FIELDS)

    @property
    def question_fields(self) -> list:
        return self._bound(self.QUESTION_FIELDS)

    def clean_referrer_phone(self) -> str:
        return clean_phone(self.cleaned_data["referrer_phone"])

    def clean_family_phone(self) -> str:
        return clean_phone(self.cleaned_data["family_phone"])

    def clean_postcode(self) -> str:
        return clean_postcode(self.cleaned_data["postcode"])

    def clean_children_ages(self) -> list[int]:
        return parse_ages(self.cleaned_data["children_ages"])

    def clean_due_date(self) -> datetime.date | None:
        due_date = self.cleaned_data["due_date"]
        if due_date is None:
            return None
        today = timezone.localdate()
        if due_date < today:
            raise forms.ValidationError(MSG_DUE_DATE_PAST, code="due_date_past")
        if due_date > today + LONGEST_PREGNANCY:
            raise forms.ValidationError(MSG_DUE_DATE_FAR, code="due_date_far")
        return due_date

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("website"):
            # A bot filled in the hidden field; say nothing about why.
            raise forms.ValidationError(MSG_SPAM, code="spam")
        self._require_municipality_unless_derived(cleaned)
        if "children_ages" in self.errors or "children_count" in self.errors:
            return cleaned
        ages = cleaned.get("children_ages") or []
        count = cleaned.get("children_count")
        if count is not None and ages and count != len(ages):
            self.add_error("children_ages", forms.ValidationError(MSG_COUNT_MISMATCH))
        elif count and not ages:
            self.add_error("children_ages", forms.ValidationError(MSG_AGES_REQUIRED))
        elif not ages and not cleaned.get("due_date") and "due_date" not in self.errors:
            self.add_error("children_count", forms.ValidationError(MSG_CHILDREN_OR_DUE_DATE))
        return cleaned

    def _require_municipality_unless_derived(self, cleaned: dict) -> None:
        """A branch working in one municipality decides it from the postcode; one working
        in several needs the family's choice. A postcode no branch covers (the national
        office routes it) and a branch without a working area leave it to the
        coordinator: the list would not hold the family's municipality."""
        if cleaned.get("municipality") is not None or "municipality" in self.errors:
            return
        postcode = cleaned.get("postcode")
        if not postcode:
            return
        if len(area_municipalities(route_to_branch(postcode))) > 1:
            message = (
                MSG_OWN_MUNICIPALITY_REQUIRED
                if self.self_registration
                else MSG_MUNICIPALITY_REQUIRED
            )
            self.add_error("municipality", forms.ValidationError(message, code="required"))

    def family_details(self) -> FamilyDetails:
        data = self.cleaned_data
        return FamilyDetails(
            name=data["family_name"],
            phone=data["family_phone"],
            email=data.get("family_email", ""),
            postcode=data["postcode"],
            cbs_municipality=data["municipality"],
            language=data["family_language"],
            children_ages=data["children_ages"],
            due_date=data["due_date"],
            question=data["question"],
            support_questions=data["support_questions"],
        )

    def referrer_details(self) -> ReferrerDetails | None:
        if self.self_registration:
            return None
        data = self.cleaned_data
        return ReferrerDetails(
            name=data["referrer_name"],
            organisation=data["referrer_organisation"],
            category=data["referrer_category"],
            role=data["referrer_role"],
            email=data["referrer_email"],
            phone=data["referrer_phone"],
        )
