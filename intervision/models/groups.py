"""Intervision groups and the series their sessions come from."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.search import index

from intervision.recurrence import NthWeekday, RuleKind, Weekday, build_rrule, describe, expand


class IntervisionGroupQuerySet(models.QuerySet["IntervisionGroup"]):
    def visible_to(self, user) -> IntervisionGroupQuerySet:
        """The groups a coordinator (their branches) or national staff (all) may see."""
        from portal.models import Branch

        return self.filter(branch__in=Branch.objects.coordinated_by(user))

    def of_volunteer(self, volunteer_id: int) -> IntervisionGroupQuerySet:
        return self.filter(members__id=volunteer_id)


class IntervisionGroup(index.Indexed, ClusterableModel):
    """A group of trained volunteers of one branch who meet to share experiences."""

    branch = models.ForeignKey(
        "portal.Branch",
        on_delete=models.PROTECT,
        related_name="intervision_groups",
        verbose_name=_("afdeling"),
    )
    name = models.CharField(_("naam"), max_length=120)
    members = ParentalManyToManyField(
        "portal.Volunteer",
        related_name="intervision_groups",
        verbose_name=_("leden"),
        blank=True,
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilitated_intervision_groups",
        verbose_name=_("begeleidend coördinator"),
    )
    venue = models.CharField(
        _("vaste locatie"),
        max_length=200,
        blank=True,
        help_text=_("Bijvoorbeeld: kantoor Home-Start, Oudegracht 12, Utrecht."),
    )
    active = models.BooleanField(_("actief"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IntervisionGroupQuerySet.as_manager()

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("intervisiegroep")
        verbose_name_plural = _("intervisiegroepen")
        ordering = ["branch__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "name"], name="intervision_group_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def active_display(self) -> str:
        """For spreadsheets: a word, not True or False."""
        return gettext("ja") if self.active else gettext("nee")


class SessionSeries(models.Model):
    """A recurring meeting of a group, as a coordinator sets it; stored as an RRULE.

    The sessions themselves are rows (`IntervisionSession`), made and kept in line by
    `intervision.services.regenerate_sessions`.
    """

    group = ParentalKey(IntervisionGroup, on_delete=models.CASCADE, related_name="series")
    kind = models.CharField(
        _("herhaling"),
        max_length=10,
        choices=RuleKind.choices,
        default=RuleKind.MONTHLY_NTH_WEEKDAY,
    )
    nth = models.SmallIntegerField(
        _("welke in de maand"),
        choices=NthWeekday.choices,
        null=True,
        blank=True,
        help_text=_("Bij een maandelijkse herhaling: de eerste, tweede, … of laatste."),
    )
    interval_weeks = models.PositiveSmallIntegerField(
        _("om de hoeveel weken"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
        help_text=_("Bij een herhaling in weken: 1 is elke week, 6 is om de zes weken."),
    )
    weekday = models.PositiveSmallIntegerField(_("weekdag"), choices=Weekday.choices)
    start_time = models.TimeField(_("begintijd"))
    end_time = models.TimeField(_("eindtijd"))
    start_date = models.DateField(_("vanaf"))
    end_date = models.DateField(_("tot en met"), null=True, blank=True)
    venue = models.CharField(
        _("locatie"),
        max_length=200,
        blank=True,
        help_text=_("Leeg: de vaste locatie van de groep."),
    )
    rrule = models.CharField(_("herhalingsregel (RFC 5545)"), max_length=200, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reeks bijeenkomsten")
        verbose_name_plural = _("reeksen bijeenkomsten")
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="intervision_series_end_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="intervision_series_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.describe()}, {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self.kind == RuleKind.MONTHLY_NTH_WEEKDAY:
            self.interval_weeks = None
        else:
            self.nth = None
        self.rrule = build_rrule(
            kind=self.kind,
            weekday=self.weekday,
            nth=self.nth,
            interval_weeks=self.interval_weeks,
            until=self.end_date,
        )
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        if self.kind == RuleKind.MONTHLY_NTH_WEEKDAY and self.nth is None:
            errors["nth"] = _("Kies de hoeveelste weekdag van de maand.")
        if self.kind == RuleKind.EVERY_N_WEEKS and not self.interval_weeks:
            errors["interval_weeks"] = _("Vul in om de hoeveel weken de groep bijeenkomt.")
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("De eindtijd ligt niet na de begintijd.")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("De einddatum ligt vóór de begindatum.")
        if errors:
            raise ValidationError(errors)

    def describe(self) -> str:
        return describe(
            kind=self.kind,
            weekday=self.weekday,
            nth=self.nth,
            interval_weeks=self.interval_weeks,
        )

    @property
    def effective_venue(self) -> str:
        return self.venue or self.group.venue

    def occurrence_dates(self, *, until: datetime.date) -> list[datetime.date]:
        """Every date of the rule up to `until`, before skip periods are taken out."""
        rrule = self.rrule or build_rrule(
            kind=self.kind,
            weekday=self.weekday,
            nth=self.nth,
            interval_weeks=self.interval_weeks,
            until=self.end_date,
        )
        return expand(
            rrule, start_date=self.start_date, start_time=self.start_time, window_end=until
        )


class SkipPeriod(models.Model):
    """A date or a period (school holidays) in which the group does not meet."""

    group = ParentalKey(IntervisionGroup, on_delete=models.CASCADE, related_name="skip_periods")
    first_day = models.DateField(_("van"))
    last_day = models.DateField(
        _("tot en met"), null=True, blank=True, help_text=_("Leeg: alleen die ene dag.")
    )
    reason = models.CharField(
        _("reden"), max_length=120, blank=True, help_text=_("Bijvoorbeeld: zomervakantie.")
    )

    class Meta:
        verbose_name = _("overgeslagen periode")
        verbose_name_plural = _("overgeslagen periodes")
        ordering = ["first_day"]

    def __str__(self) -> str:
        if self.last_day and self.last_day != self.first_day:
            return f"{self.first_day:%d-%m-%Y} – {self.last_day:%d-%m-%Y}"
        return f"{self.first_day:%d-%m-%Y}"

    def clean(self) -> None:
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValidationError({"last_day": _("Het einde ligt vóór het begin.")})

    def covers(self, day: datetime.date) -> bool:
        return self.first_day <= day <= (self.last_day or self.first_day)
