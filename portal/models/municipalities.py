"""Municipalities (gemeenten) with their official CBS code: the working area of a branch
and the place a referred family lives, as the annual report counts them."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index


class Municipality(index.Indexed, models.Model):
    name = models.CharField(_("naam"), max_length=100, unique=True)
    cbs_code = models.CharField(
        _("CBS-code"),
        max_length=6,
        unique=True,
        validators=[
            RegexValidator(r"^GM[0-9]{4}$", _("Een CBS-gemeentecode is GM en vier cijfers."))
        ],
        help_text=_("De officiële gemeentecode van het CBS, bijvoorbeeld GM0344."),
    )

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
