from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

# A Dutch postcode: four digits (not starting with 0), optionally a space, two letters.
POSTCODE_RE = re.compile(r"^\s*([1-9][0-9]{3})\s?([A-Za-z]{2})\s*$")


def postcode_number(postcode: str) -> int | None:
    """The four-digit part of a Dutch postcode, or None if it is not one."""
    match = POSTCODE_RE.match(postcode or "")
    return int(match.group(1)) if match else None


def normalise_postcode(postcode: str) -> str:
    """'3511ab' -> '3511 AB'. Raises ValidationError if it is not a Dutch postcode."""
    match = POSTCODE_RE.match(postcode or "")
    if not match:
        raise ValidationError(
            _("Vul een Nederlandse postcode in, bijvoorbeeld 3511 AB."), code="postcode"
        )
    return f"{match.group(1)} {match.group(2).upper()}"


class BranchQuerySet(models.QuerySet["Branch"]):
    def covering_postcode(self, postcode: str) -> BranchQuerySet:
        number = postcode_number(postcode)
        if number is None:
            return self.none()
        return self.filter(
            postcode_ranges__first__lte=number, postcode_ranges__last__gte=number
        ).distinct()

    def coordinated_by(self, user) -> BranchQuerySet:
        """The branches whose people this user may see in the admin."""
        from portal.permissions import is_national_staff

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if is_national_staff(user):
            return self.all()
        return self.filter(coordinators=user)

    def with_families_visible_to(self, user) -> BranchQuerySet:
        """The branches whose families this user may see: the ones they coordinate
        themselves. Being national staff or a superuser adds none (DESIGN.md's tiers:
        family data is for the branch's coordinators and the matched volunteer)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(coordinators=user)


class Branch(index.Indexed, ClusterableModel):
    """An afdeling: one local Home-Start, led by its coordinators."""

    name = models.CharField(_("naam"), max_length=120, unique=True)
    slug = models.SlugField(_("korte naam"), max_length=120, unique=True)
    municipalities = models.TextField(
        _("gemeenten"), blank=True, help_text=_("Eén gemeente per regel.")
    )
    working_area = ParentalManyToManyField(
        "portal.Municipality",
        verbose_name=_("werkgebied"),
        related_name="branches",
        blank=True,
        help_text=_("De gemeenten waar de afdeling gezinnen ondersteunt (het jaarverslag)."),
    )
    email = models.EmailField(_("e-mailadres"), blank=True)
    phone = models.CharField(_("telefoon"), max_length=30, blank=True)
    address = models.TextField(_("adres"), blank=True)
    coordinators = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coördinatoren"),
        related_name="coordinated_branches",
        blank=True,
    )
    # The branch's own Wagtail group ("Coördinatoren Utrecht"): its members are the
    # coordinators above, kept in step by portal.services.roles; page and collection
    # permissions on the branch's own pages and material are granted to it, so
    # Wagtail's own checks keep a coordinator to their branches.
    coordinator_group = models.OneToOneField(
        "auth.Group",
        verbose_name=_("coördinatorengroep"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="coordinated_branch",
    )

    objects = BranchQuerySet.as_manager()

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldPanel("slug"),
                FieldPanel("municipalities"),
                FieldPanel("working_area"),
            ],
            heading=_("Werkgebied"),
        ),
        InlinePanel("postcode_ranges", heading=_("Postcodegebieden"), label=_("postcodegebied")),
        MultiFieldPanel(
            [FieldPanel("email"), FieldPanel("phone"), FieldPanel("address")],
            heading=_("Contact"),
        ),
        FieldPanel("coordinators"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("afdeling")
        verbose_name_plural = _("afdelingen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def municipality_list(self) -> list[str]:
        return [line.strip() for line in self.municipalities.splitlines() if line.strip()]


class BranchPostcodeRange(Orderable):
    """A range of four-digit postcodes a branch covers, both ends included."""

    branch = ParentalKey(Branch, on_delete=models.CASCADE, related_name="postcode_ranges")
    first = models.PositiveSmallIntegerField(
        _("van"), validators=[MinValueValidator(1000), MaxValueValidator(9999)]
    )
    last = models.PositiveSmallIntegerField(
        _("tot en met"), validators=[MinValueValidator(1000), MaxValueValidator(9999)]
    )

    panels = [FieldPanel("first"), FieldPanel("last")]

    class Meta(Orderable.Meta):
        verbose_name = _("postcodegebied")
        verbose_name_plural = _("postcodegebieden")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first__lte=models.F("last")), name="postcode_range_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.first}–{self.last}"

    def clean(self) -> None:
        if self.first and self.last and self.first > self.last:
            raise ValidationError(
                {"last": _("Het einde van het postcodegebied ligt vóór het begin.")}
            )
