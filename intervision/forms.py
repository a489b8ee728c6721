"""Forms of the portal side of intervision: answering an invitation, writing a note."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from intervision.models import RsvpAnswer
from intervision.services import NOTE_MAX_LENGTH

NO_FAMILIES = _(
    "Noem geen gezinnen: geen namen, adressen of andere dingen waaraan iemand een gezin "
    "kan herkennen. Schrijf over onderwerpen, bijvoorbeeld „omgaan met een ouder die "
    "afspraken afzegt”."
)


class RsvpForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Kom je?"), choices=RsvpAnswer.choices, widget=forms.RadioSelect
    )


class SessionNoteForm(forms.Form):
    # The reminder not to name families stands once, above the field (id geen-gezinnen).
    text = forms.CharField(
        label=_("Besproken onderwerpen"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "aria-describedby": "geen-gezinnen"}),
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if "\x00" in text:
            raise forms.ValidationError(_("De tekst bevat een ongeldig teken."))
        return text
