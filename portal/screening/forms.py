from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.screening.models import SupervisionKind

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ChecklistItemForm(forms.Form):
    requested_on = forms.DateField(label=_("Aangevraagd op"), required=False, widget=DATE_WIDGET)
    done_on = forms.DateField(
        label=_("Gedaan op"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Leeg laten of maken: nog niet gedaan."),
    )


class SupervisionContactForm(forms.Form):
    held_on = forms.DateField(label=_("Datum van het gesprek"), widget=DATE_WIDGET)
    kind = forms.ChoiceField(label=_("Soort"), choices=SupervisionKind.choices)
    note = forms.CharField(
        label=_("Korte notitie"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Alleen voor de coördinatoren van de afdeling. Noem geen gezinnen."),
    )
    next_due_on = forms.DateField(
        label=_("Volgend gesprek"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_(
            "Leeg: volgens de soort (na een evaluatie over een jaar, anders over drie "
            "maanden; na een exitgesprek niets)."
        ),
    )
