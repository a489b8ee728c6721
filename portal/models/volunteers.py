from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.models.history import StatusChange

# Languages volunteers commonly speak with families, named in Dutch for the
# coordinator; the leaflet page names them in their own script.
LANGUAGE_CHOICES = [
    ("nl", _("Nederlands")),
    ("en", _("Engels")),
    ("ar", _("Arabisch")),
    ("fa", _("Farsi")),
    ("tr", _("Turks")),
    ("pl", _("Pools")),
    ("uk", _("Oekraïens")),
    ("ti", _("Tigrinya")),
    ("ber", _("Berbers (Tamazight)")),
    ("so", _("Somalisch")),
    ("de", _("Duits")),
    ("fr", _("Frans")),
    ("es", _("Spaans")),
    ("pap", _("Papiaments")),
    ("srn", _("Sranantongo")),
    ("ru", _("Russisch")),
]

WEEKDAYS = [
    ("mon", _("maandag")),
    ("tue", _("dinsdag")),
    ("wed", _("woensdag")),
    ("thu", _("donderdag")),
    ("fri", _("vrijdag")),
    ("sat", _("zaterdag")),
    ("sun", _("zondag")),
]
DAY_PARTS = [
    ("morning", pgettext_lazy("dagdeel", "ochtend")),
    ("afternoon", pgettext_lazy("dagdeel", "middag")),
    ("evening", pgettext_lazy("dagdeel", "avond")),
]
# One choice per dagdeel of the week: "mon_morning", "mon_afternoon", ...
AVAILABILITY_CHOICES = [
    (f"{day}_{part}", f"{day_label} {part_label}")
    for day, day_label in WEEKDAYS
    for part, part_label in DAY_PARTS
]


class VolunteerStatus(models.TextChoices):
    APPLIED = "applied", _("aangemeld")
    INTAKE = "intake", _("intakegesprek")
    VOG_REQUESTED = "vog_requested", _("VOG aangevraagd")
    VOG_RECEIVED = "vog_received", _("VOG ontvangen")
    IN_TRAINING = "in_training", _("in training")
    ACTIVE = "active", _("actief")
    PAUSED = "paused", _("gepauzeerd")
    STOPPED = "stopped", _("gestopt")


class VolunteerQuerySet(models.QuerySet["Volunteer"]):
    def visible_to(self, user) -> VolunteerQuerySet:
        """The volunteers a coordinator or national staff member may see."""
        from portal.models.branches import Branch

        return self.filter(branch__in=Branch.objects.coordinated_by(user))

    def with_status(self, *statuses: str) -> VolunteerQuerySet:
        return self.filter(status__in=statuses)


class Volunteer(models.Model):
    """The volunteer record: one per account, holding everything the branch keeps."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="volunteer",
        verbose_name=_("account"),
    )
    branch = models.ForeignKey(
        "portal.Branch",
        on_delete=models.PROTECT,
        related_name="volunteers",
        verbose_name=_("afdeling"),
    )
    phone = models.CharField(_("telefoon"), max_length=30, blank=True)
    street_address = models.CharField(_("adres"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7)
    city = models.CharField(_("woonplaats"), max_length=100, blank=True)
    languages = models.JSONField(_("talen"), default=list, blank=True)
    parenting_experience = models.TextField(
        _("ervaring als ouder"),
        blank=True,
        help_text=_("Bijvoorbeeld: moeder van twee kinderen van 6 en 9."),
    )
    availability = models.JSONField(_("beschikbaarheid"), default=list, blank=True)

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=VolunteerStatus.choices,
        default=VolunteerStatus.APPLIED,
        db_index=True,
    )
    status_changed_at = models.DateTimeField(_("status gewijzigd op"), default=timezone.now)
    vog_requested_on = models.DateField(_("VOG aangevraagd op"), null=True, blank=True)
    vog_received_on = models.DateField(_("VOG ontvangen op"), null=True, blank=True)
    introduction_course_completed_on = models.DateField(
        _("introductiecursus afgerond op"), null=True, blank=True
    )
    stopped_reason = models.TextField(_("reden van stoppen"), blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("bijgewerkt op"), auto_now=True)

    objects = VolunteerQuerySet.as_manager()

    # Operational records, not content: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("vrijwilliger")
        verbose_name_plural = _("vrijwilligers")
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return self.user.get_full_name() or self.user.email

    @property
    def email(self) -> str:
        return self.user.email

    def get_languages_display(self) -> str:
        labels = dict(LANGUAGE_CHOICES)
        return ", ".join(str(labels.get(code, code)) for code in self.languages)

    def get_availability_display(self) -> str:
        labels = dict(AVAILABILITY_CHOICES)
        return ", ".join(str(labels.get(code, code)) for code in self.availability)


class VolunteerStatusChange(StatusChange):
    """One dated step in a volunteer's pipeline, and who took it."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(
        _("van"), max_length=20, choices=VolunteerStatus.choices, blank=True
    )
    to_status = models.CharField(_("naar"), max_length=20, choices=VolunteerStatus.choices)
    note = models.TextField(_("toelichting"), blank=True)

    class Meta(StatusChange.Meta):
        verbose_name = _("statuswijziging")
        verbose_name_plural = _("statuswijzigingen")


class DeletionRequest(models.Model):
    """A volunteer's request to have their data erased, for their coordinator."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="deletion_requests"
    )
    requested_at = models.DateTimeField(_("aangevraagd op"), default=timezone.now)
    note = models.TextField(_("toelichting"), blank=True, max_length=2000)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("verwijderverzoek")
        verbose_name_plural = _("verwijderverzoeken")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.requested_at:%Y-%m-%d}"
