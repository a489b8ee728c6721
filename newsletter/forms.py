from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class SubscriptionForm(forms.Form):
    subscribed = forms.TypedChoiceField(
        label=_("Nieuwsbrief"),
        choices=[("1", _("Ja, stuur mij de nieuwsbrief")), ("0", _("Nee, meld mij af"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )


class SendForm(forms.Form):
    NOW, LATER = "now", "later"
    when = forms.ChoiceField(
        label=_("Wanneer"),
        choices=[(NOW, _("Nu versturen")), (LATER, _("Versturen op"))],
        widget=forms.RadioSelect,
        initial=NOW,
    )
    send_at = forms.DateTimeField(
        label=_("Datum en tijd"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    # A send cannot be called back once the first messages are out: one click on the
    # button alone never sends.
    confirm = forms.BooleanField(
        required=True,
        error_messages={
            "required": _("Vink aan dat je de nieuwsbrief echt wilt versturen."),
        },
    )

    def __init__(self, *args, receiving: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = ngettext(
            "Ja, verstuur deze nieuwsbrief aan %(count)s persoon.",
            "Ja, verstuur deze nieuwsbrief aan %(count)s personen.",
            receiving,
        ) % {"count": receiving}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("when") == self.LATER:
            send_at = cleaned.get("send_at")
            if send_at is None:
                self.add_error("send_at", _("Vul een datum en tijd in."))
            elif send_at < timezone.now() - datetime.timedelta(minutes=1):
                self.add_error("send_at", _("Kies een moment in de toekomst."))
        return cleaned

    @property
    def chosen_send_at(self) -> datetime.datetime | None:
        return (
            self.cleaned_data.get("send_at")
            if self.cleaned_data.get("when") == self.LATER
            else None
        )
