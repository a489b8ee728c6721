"""What every status history shares (volunteers, referrals, matches)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StatusChange(models.Model):
    """One dated step from one status to the next, and who took it.

    A subclass adds the foreign key to what changed and `from_status` / `to_status`
    with that model's choices; `__str__` shows the two statuses, never a name
    (Wagtail writes it into its action log, which outlives an erasure).
    """

    changed_at = models.DateTimeField(_("op"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
    )

    wagtail_reference_index_ignore = True

    class Meta:
        abstract = True
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"
