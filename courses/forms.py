from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class EnrolForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "Ik kan bij alle bijeenkomsten zijn. Mis ik er een, dan laat ik het de "
            "coördinator weten."
        ),
        error_messages={"required": _("Bevestig dat je bij de bijeenkomsten kunt zijn.")},
    )


class CancelEnrolmentForm(forms.Form):
    """No fields: the button is the confirmation; the form carries the CSRF token."""
