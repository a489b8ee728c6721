"""Forms of the volunteer's side: logging a visit. No free text: nothing about the
family is asked."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from support.models import DEFAULT_VISIT_MINUTES, MAX_VISIT_MINUTES, VISIT_STEP_MINUTES, VisitKind


def _duration_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not rest:
        return _("%(hours)s uur") % {"hours": hours}
    if not hours:
        return _("%(minutes)s minuten") % {"minutes": rest}
    return _("%(hours)s uur %(minutes)s") % {"hours": hours, "minutes": rest}


DURATION_CHOICES = [
    (minutes, _duration_label(minutes))
    for minutes in range(VISIT_STEP_MINUTES, MAX_VISIT_MINUTES + 1, VISIT_STEP_MINUTES)
]


class VisitForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Hoe ging het?"), choices=VisitKind.choices, initial=VisitKind.DONE
    )
    date = forms.DateField(
        label=_("Datum"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    minutes = forms.TypedChoiceField(
        label=_("Tijd bij het gezin"),
        choices=DURATION_CHOICES,
        coerce=int,
        initial=DEFAULT_VISIT_MINUTES,
        help_text=_("Een dagdeel is 3 uur. Alleen bij een bezoek dat doorging."),
    )


class WeeklyEmailForm(forms.Form):
    weekly_email = forms.BooleanField(label=_("Stuur mij elke week een e-mail"), required=False)
