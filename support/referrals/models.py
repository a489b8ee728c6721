"""Referrals: families signed up for support by a referrer, or by the parents themselves.

A referral holds two kinds of fields:

- personal data (who referred, who the family is, their question): only coordinators
  of the branch it was routed to see it, and it is erased once the referral has been
  closed for `REFERRAL_RETENTION_MONTHS`;
- the figures of the annual report (who referred, municipality, number of children,
  kinds of support question, risk factors, language, dates, outcome): these stay.

`__str__` is the reference, never a name: Wagtail writes it into its action log,
which outlives the erasure.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import LANGUAGE_CHOICES, StatusChange


class ReferralStatus(models.TextChoices):
    NEW = "new", _("nieuw")
    CONTACTED = "contacted", _("contact gehad")
    INTAKE_DONE = "intake_done", _("kennismaking gedaan")
    SUPPORT_STARTED = "support_started", _("ondersteuning gestart")
    SUPPORT_ENDED = "support_ended", _("ondersteuning afgesloten")
    NOT_SUITABLE = "not_suitable", _("niet passend")


CLOSED_STATUSES = {ReferralStatus.SUPPORT_ENDED, ReferralStatus.NOT_SUITABLE}


class ReferralKind(models.TextChoices):
    REFERRER = "referrer", _("door een verwijzer")
    PARENTS = "parents", _("door de ouders zelf")


class NotSuitableReason(models.TextChoices):
    PROFESSIONAL_CARE = "professional_care", _("het gezin heeft professionele hulp nodig")
    CHILDREN_TOO_OLD = "children_too_old", _("de kinderen zijn ouder dan onze doelgroep")
    OUTSIDE_AREA = "outside_area", _("het gezin woont buiten ons werkgebied")
    FAMILY_DECLINED = "family_declined", _("het gezin wil geen ondersteuning")
    NO_CONTACT = "no_contact", _("geen contact gekregen met het gezin")
    NO_VOLUNTEER = "no_volunteer", _("geen passende vrijwilliger beschikbaar")
    OTHER = "other", _("een andere reden")


class ReferrerCategory(models.TextChoices):
    """Who referred, as the annual report counts it."""

    MUNICIPALITY = "municipality", _("gemeente of wijkteam")
    YOUTH_HEALTH_CARE = "youth_health_care", _("jeugdgezondheidszorg (consultatiebureau)")
    PRIMARY_CARE = "primary_care", _("eerstelijnszorg (huisarts, verloskundige, kraamzorg)")
    SECONDARY_CARE = "secondary_care", _("tweedelijnszorg (ziekenhuis, GGZ, jeugdhulp)")
    PUBLIC_HEALTH = "public_health", _("publieke gezondheidszorg (GGD)")
    FAMILY = "family", _("het gezin zelf")
    EDUCATION = "education", _("onderwijs of kinderopvang")
    OTHER = "other", _("anders")


# The kinds of support question the annual report counts.
SUPPORT_QUESTION_CHOICES = [
    ("listening_ear", _("een luisterend oor")),
    ("social_isolation", _("minder alleen staan (sociaal isolement doorbreken)")),
    ("local_services", _("de weg vinden naar voorzieningen in de buurt")),
    ("parenting", _("steun bij de opvoeding")),
    ("relief", _("ontlasting van de ouders")),
    ("childcare", _("praktische zorg voor de kinderen")),
    ("household", _("huishouden en budget op orde")),
    ("language", _("steun bij de Nederlandse taal")),
]
RISK_FACTOR_CHOICES = [
    ("financial", _("financieel")),
    ("child", _("bij het kind")),
    ("parent", _("bij de ouder")),
    ("family", _("in het gezin")),
]
FAMILY_LANGUAGE_CHOICES = [*LANGUAGE_CHOICES, ("other", _("een andere taal"))]

# Erased when the retention period of a closed referral has passed.
PERSONAL_FIELDS = (
    "referrer_name",
    "referrer_organisation",
    "referrer_role",
    "referrer_email",
    "referrer_phone",
    "family_name",
    "family_phone",
    "family_email",
    "postcode",
    "children_ages",
    "due_date",
    "question",
)


class ReferralQuerySet(models.QuerySet["Referral"]):
    def open(self) -> ReferralQuerySet:
        return self.exclude(status__in=CLOSED_STATUSES)

    def due_for_erasure(self, cutoff) -> ReferralQuerySet:
        """Closed on or before `cutoff` and still holding personal data."""
        return self.filter(
            status__in=CLOSED_STATUSES, closed_at__lte=cutoff, erased_at__isnull=True
        )


class Referral(models.Model):
    reference = models.CharField(_("kenmerk"), max_length=12, unique=True, editable=False)
    kind = models.CharField(_("aangemeld"), max_length=10, choices=ReferralKind.choices)
    branch = models.ForeignKey(
        "portal.Branch",
        verbose_name=_("afdeling"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        help_text=_("Leeg: geen afdeling dekt de postcode; het landelijk steunpunt verdeelt."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReferralStatus.choices,
        default=ReferralStatus.NEW,
        db_index=True,
    )
    status_changed_at = models.DateTimeField(_("status gewijzigd op"), default=timezone.now)
    not_suitable_reason = models.CharField(
        _("reden niet passend"), max_length=20, choices=NotSuitableReason.choices, blank=True
    )
    received_at = models.DateTimeField(_("ontvangen op"), default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True)
    erased_at = models.DateTimeField(_("persoonsgegevens gewist op"), null=True, blank=True)
    language = models.CharField(
        _("taal van de berichten"),
        max_length=8,
        default=settings.LANGUAGE_CODE,
        help_text=_("De taal waarin het formulier is ingevuld; de e-mails volgen die taal."),
    )

    # Personal data: erased after the retention period.
    referrer_name = models.CharField(_("naam verwijzer"), max_length=150, blank=True)
    referrer_organisation = models.CharField(_("organisatie"), max_length=150, blank=True)
    referrer_role = models.CharField(_("functie"), max_length=100, blank=True)
    referrer_email = models.EmailField(_("e-mailadres verwijzer"), blank=True)
    referrer_phone = models.CharField(_("telefoon verwijzer"), max_length=30, blank=True)
    family_name = models.CharField(_("naam ouder(s)"), max_length=150, blank=True)
    family_phone = models.CharField(_("telefoon gezin"), max_length=30, blank=True)
    family_email = models.EmailField(_("e-mailadres gezin"), blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    children_ages = models.JSONField(_("leeftijden van de kinderen"), default=list, blank=True)
    due_date = models.DateField(_("uitgerekende datum"), null=True, blank=True)
    question = models.TextField(_("hulpvraag"), blank=True, max_length=2000)

    # The annual report's figures: kept.
    referrer_category = models.CharField(
        _("soort verwijzer"), max_length=20, choices=ReferrerCategory.choices
    )
    municipality = models.CharField(_("gemeente"), max_length=100, blank=True)
    # The municipality as the annual report counts it; `municipality` is what was typed.
    cbs_municipality = models.ForeignKey(
        "portal.Municipality",
        verbose_name=_("gemeente (CBS)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    family_language = models.CharField(
        _("voorkeurstaal gezin"), max_length=8, choices=FAMILY_LANGUAGE_CHOICES, blank=True
    )
    children_count = models.PositiveSmallIntegerField(_("aantal kinderen"), default=0)
    expecting = models.BooleanField(_("zwangerschap"), default=False)
    support_questions = models.JSONField(_("soorten hulpvraag"), default=list, blank=True)
    risk_factors = models.JSONField(_("risicofactoren"), default=list, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReferralQuerySet.as_manager()

    # Family data never goes into Wagtail's reference index.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("aanmelding gezin")
        verbose_name_plural = _("aanmeldingen gezinnen")
        ordering = ["-received_at", "-id"]
        # The admin home's waiting referrals (status "new", oldest first) among 20,000.
        indexes = [
            models.Index(fields=["status", "received_at"], name="referrals_status_received_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="not_suitable") | ~models.Q(not_suitable_reason=""),
                name="referral_not_suitable_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def family_label(self) -> str:
        """What the inbox shows for the family: the name, or that it has been erased."""
        if self.is_erased:
            return str(_("(gewist)"))
        return self.family_name

    def get_support_questions_display(self) -> str:
        labels = dict(SUPPORT_QUESTION_CHOICES)
        return ", ".join(str(labels.get(code, code)) for code in self.support_questions)

    def get_children_ages_display(self) -> str:
        return ", ".join(str(age) for age in self.children_ages)


class ReferralStatusChange(StatusChange):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(
        _("van"), max_length=20, choices=ReferralStatus.choices, blank=True
    )
    to_status = models.CharField(_("naar"), max_length=20, choices=ReferralStatus.choices)
    reason = models.CharField(
        _("reden"), max_length=20, choices=NotSuitableReason.choices, blank=True
    )
    note = models.TextField(_("toelichting"), blank=True, max_length=2000)

    class Meta(StatusChange.Meta):
        verbose_name = _("statuswijziging")
        verbose_name_plural = _("statuswijzigingen")
