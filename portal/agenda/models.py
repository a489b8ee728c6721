"""The secret token in a person's calendar feed address."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeedToken(models.Model):
    """One per person; regenerating it replaces the row, so the old address is a 404."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed_token",
        verbose_name=_("account"),
    )
    token = models.CharField(_("sleutel"), max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now=True)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("agenda-abonnement")
        verbose_name_plural = _("agenda-abonnementen")

    def __str__(self) -> str:
        return f"{self.user_id}"
