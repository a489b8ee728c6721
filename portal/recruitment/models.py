"""A volunteer's application through the public site: what the volunteer record itself
does not hold (the motivation) and when and in which language it came in."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class VolunteerApplication(models.Model):
    volunteer = models.ForeignKey(
        "portal.Volunteer",
        verbose_name=_("vrijwilliger"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    motivation = models.TextField(_("motivatie"), max_length=2000)
    submitted_at = models.DateTimeField(_("aangemeld op"), default=timezone.now)
    language = models.CharField(
        _("taal"),
        max_length=8,
        default=settings.LANGUAGE_CODE,
        help_text=_("De taal waarin het formulier is ingevuld; de e-mails volgen die taal."),
    )

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("aanmelding vrijwilliger")
        verbose_name_plural = _("aanmeldingen vrijwilligers")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.submitted_at:%Y-%m-%d}"
