"""Screening (the checklist a volunteer completes before visiting a family, with
validity) and supervision (begeleiding: the coordinator's dated talks).

Only dates and who: never a scan, a certificate number or the content of a VOG.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel

# Keys the portal's own flows fill in or look for. Every other type is plain data.
KEY_INTAKE = "intake"
KEY_VOG = "vog"
KEY_COURSE = "introductiecursus"


class ChecklistItemTypeQuerySet(models.QuerySet["ChecklistItemType"]):
    def national(self) -> ChecklistItemTypeQuerySet:
        return self.filter(branch__isnull=True)

    def for_branch_ids(self, branch_ids) -> ChecklistItemTypeQuerySet:
        """The national types and those of these branches (overrides not yet applied)."""
        return self.filter(Q(branch__isnull=True) | Q(branch_id__in=list(branch_ids)))


class ChecklistItemType(models.Model):
    """One step of the screening. National types (no branch) apply to every branch; a
    branch adds its own, and a branch type with the key of a national one replaces it
    there (a VOG valid for 36 months, or a Flemish extract from the criminal record)."""

    branch = models.ForeignKey(
        "portal.Branch",
        verbose_name=_("afdeling"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leeg: landelijk, voor elke afdeling."),
    )
    key = models.SlugField(
        _("sleutel"),
        max_length=40,
        help_text=_(
            "Korte naam. Een afdeling vervangt een landelijk onderdeel door een onderdeel "
            "met dezelfde sleutel (bijvoorbeeld „vog” met een andere geldigheid)."
        ),
    )
    name = models.CharField(_("naam"), max_length=120)
    volunteer_text = models.CharField(
        _("taak voor de vrijwilliger"),
        max_length=160,
        blank=True,
        help_text=_("Zo ziet de vrijwilliger het als het nog moet, bijvoorbeeld „VOG aanvragen”."),
    )
    order = models.PositiveSmallIntegerField(_("volgorde"), default=100)
    required_for_active = models.BooleanField(_("nodig om actief te worden"), default=True)
    validity_months = models.PositiveSmallIntegerField(
        _("geldig (maanden)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_("Leeg: blijft altijd geldig."),
    )
    visible_to_volunteer = models.BooleanField(_("zichtbaar voor de vrijwilliger"), default=True)

    objects = ChecklistItemTypeQuerySet.as_manager()

    wagtail_reference_index_ignore = True

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("key")]),
        FieldPanel("branch"),
        FieldPanel("volunteer_text"),
        FieldRowPanel([FieldPanel("order"), FieldPanel("validity_months")]),
        FieldRowPanel([FieldPanel("required_for_active"), FieldPanel("visible_to_volunteer")]),
    ]

    class Meta:
        verbose_name = _("onderdeel van de screening")
        verbose_name_plural = _("onderdelen van de screening")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(branch__isnull=True),
                name="screening_national_key_unique",
            ),
            models.UniqueConstraint(fields=["branch", "key"], name="screening_branch_key_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        qs = ChecklistItemType.objects.filter(key=self.key, branch=self.branch).exclude(pk=self.pk)
        if self.key and qs.exists():
            raise ValidationError(
                {"key": _("Deze afdeling heeft al een onderdeel met deze sleutel.")}
            )


class ChecklistItem(models.Model):
    """Where one volunteer stands on one checklist item: dates and who, nothing else."""

    volunteer = models.ForeignKey(
        "portal.Volunteer",
        verbose_name=_("vrijwilliger"),
        on_delete=models.CASCADE,
        related_name="checklist_items",
    )
    item_type = models.ForeignKey(
        ChecklistItemType,
        verbose_name=_("onderdeel"),
        on_delete=models.PROTECT,
        related_name="items",
    )
    requested_on = models.DateField(_("aangevraagd op"), null=True, blank=True)
    done_on = models.DateField(_("gedaan op"), null=True, blank=True)
    expires_on = models.DateField(_("verloopt op"), null=True, blank=True, db_index=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gecontroleerd door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("bijgewerkt op"), default=timezone.now)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("onderdeel van de screening van een vrijwilliger")
        verbose_name_plural = _("screening van vrijwilligers")
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "item_type"], name="screening_item_once_per_volunteer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id}/{self.item_type_id}"


class ScreeningReminder(models.Model):
    """The ledger of screening reminders: one row per item, kind and reference date
    (the request date, the expiry date), written in the transaction that sends, so a
    restarted cluster never sends twice and a renewed item is reminded again."""

    class Kind(models.TextChoices):
        REQUEST_OVERDUE = "request_overdue", _("aangevraagd, nog niet binnen")
        EXPIRING = "expiring", _("verloopt binnenkort")

    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reference_date = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item", "kind", "reference_date"], name="screening_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.kind} {self.reference_date}"


class SupervisionKind(models.TextChoices):
    PHONE = "phone", _("telefonisch")
    HOME_VISIT = "home_visit", _("huisbezoek")
    EVALUATION_3M = "evaluation_3m", _("evaluatie na 3 maanden")
    YEARLY = "yearly", _("jaarevaluatie")
    EXIT = "exit", _("exitgesprek")
    OTHER = "other", _("anders")


class SupervisionContact(models.Model):
    """A talk the coordinator had with a volunteer. The note is for the branch's
    coordinators (and the volunteer's own download): never for national staff, never
    about a family by name."""

    volunteer = models.ForeignKey(
        "portal.Volunteer",
        verbose_name=_("vrijwilliger"),
        on_delete=models.CASCADE,
        related_name="supervision_contacts",
    )
    held_on = models.DateField(_("datum"))
    kind = models.CharField(_("soort"), max_length=20, choices=SupervisionKind.choices)
    note = models.TextField(_("korte notitie"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("begeleidingsgesprek")
        verbose_name_plural = _("begeleidingsgesprekken")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.held_on} {self.kind}"


class SupervisionPlan(models.Model):
    """A talk planned for a volunteer: what and when. At most one per kind, so the
    evaluations (after 3 months, then yearly) and the regular contacts run side by
    side; set by activation, by each recorded talk (its next due date) and by stopping
    (the exit talk); removed when held."""

    volunteer = models.ForeignKey(
        "portal.Volunteer",
        verbose_name=_("vrijwilliger"),
        on_delete=models.CASCADE,
        related_name="supervision_plans",
    )
    kind = models.CharField(_("soort"), max_length=20, choices=SupervisionKind.choices)
    due_on = models.DateField(_("gepland voor"), db_index=True)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("gepland begeleidingsgesprek")
        verbose_name_plural = _("geplande begeleidingsgesprekken")
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "kind"], name="screening_plan_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.kind} {self.due_on}"


class CallbackRequest(models.Model):
    """A volunteer's "bel mij terug" from Mijn Home-Start: when, which half-day suits
    them, and whether a coordinator has answered. No content: the talk is the content."""

    volunteer = models.ForeignKey(
        "portal.Volunteer",
        verbose_name=_("vrijwilliger"),
        on_delete=models.CASCADE,
        related_name="callback_requests",
    )
    preferred = models.CharField(_("liefst op"), max_length=20)
    requested_at = models.DateTimeField(_("gevraagd op"), default=timezone.now)
    answered_at = models.DateTimeField(_("beantwoord op"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beantwoord door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("terugbelverzoek")
        verbose_name_plural = _("terugbelverzoeken")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer"],
                condition=Q(answered_at__isnull=True),
                name="screening_one_open_callback",
            )
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.requested_at:%Y-%m-%d}"

    @property
    def preferred_label(self) -> str:
        from portal.models import AVAILABILITY_CHOICES

        return str(dict(AVAILABILITY_CHOICES).get(self.preferred, self.preferred))
