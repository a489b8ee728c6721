"""The support route after a referral: matches, visits, check-ins, evaluations, concerns.

A match (koppeling) joins one referral (the family, `referrals.Referral`) and one
volunteer of the same branch. Family data lives on the referral and, for what the
volunteer needs at the door, on the match (`family_first_name`, `family_address`); it is
erased together with the referral's personal data. Everything else here is a figure for
the annual report (dates, minutes, categories, outcomes) and stays.

`__str__` of every model is a reference, never a name: Wagtail writes it into its
action log, which outlives the erasure.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import StatusChange

# A half-day visit (one dagdeel) is the default; hours are logged in quarter hours.
DEFAULT_VISIT_MINUTES = 180
VISIT_STEP_MINUTES = 15
MAX_VISIT_MINUTES = 12 * 60
# A volunteer spends about this many hours a year with the family.
YEARLY_HOURS_AVERAGE = 105


class Programme(models.TextChoices):
    HOME_START = "home_start", _("Home-Start")
    HOME_START_PLUS = "home_start_plus", _("Home-Start+")


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", _("voorgesteld")
    INTRODUCED = "introduced", _("kennismaking gehad")
    ACTIVE = "active", _("loopt")
    ENDED = "ended", _("afgesloten")
    WITHDRAWN = "withdrawn", _("voorstel ingetrokken")


# A referral has at most one match in these states; they count against the maximum.
OPEN_STATUSES = (MatchStatus.PROPOSED, MatchStatus.INTRODUCED, MatchStatus.ACTIVE)


class EndReason(models.TextChoices):
    GOALS_REACHED = "goals_reached", _("doelen bereikt")
    FAMILY_STOPS = "family_stops", _("het gezin stopt")
    MOVED = "moved", _("het gezin is verhuisd")
    PROFESSIONAL_HELP = "professional_help", _("professionele hulp nodig")
    VOLUNTEER_STOPS = "volunteer_stops", _("de vrijwilliger stopt")
    OTHER = "other", _("anders")


class VisitKind(models.TextChoices):
    DONE = "done", _("bezoek gedaan")
    CANCELLED_BY_FAMILY = "cancelled_by_family", _("ging niet door (door het gezin)")
    CANCELLED_BY_VOLUNTEER = "cancelled_by_volunteer", _("ging niet door (door de vrijwilliger)")


class VisitSource(models.TextChoices):
    PORTAL = "portal", _("Mijn Home-Start")
    EMAIL = "email", _("link in de e-mail")
    ADMIN = "admin", _("coördinator")


class Outcome(models.TextChoices):
    REACHED = "reached", _("bereikt")
    PARTLY = "partly", _("deels bereikt")
    NOT_REACHED = "not_reached", _("niet bereikt")


class ConcernStepKind(models.TextChoices):
    """The steps of the Dutch reporting code (meldcode huiselijk geweld en
    kindermishandeling)."""

    MAP = "map", _("1. In kaart brengen van signalen")
    CONSULT = "consult", _("2. Collegiale consultatie en zo nodig Veilig Thuis raadplegen")
    TALK = "talk", _("3. Gesprek met de ouder(s)")
    WEIGH = "weigh", _("4. Wegen van het geweld of de kindermishandeling")
    DECIDE = "decide", _("5. Beslissen: hulp organiseren en/of melden")


# Erased with the referral's personal data.
MATCH_PERSONAL_FIELDS = ("family_first_name", "family_address")


class MatchQuerySet(models.QuerySet["Match"]):
    def open(self) -> MatchQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def active(self) -> MatchQuerySet:
        return self.filter(status=MatchStatus.ACTIVE)

    def of_branches(self, branch_ids) -> MatchQuerySet:
        return self.filter(branch_id__in=branch_ids)


class Match(models.Model):
    reference = models.CharField(_("kenmerk"), max_length=12, unique=True, editable=False)
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.PROTECT,
        related_name="matches",
        verbose_name=_("aanmelding"),
    )
    # Erasing a volunteer (their request) keeps the match's figures for the annual
    # report; the link to the person goes.
    volunteer = models.ForeignKey(
        "portal.Volunteer",
        on_delete=models.SET_NULL,
        null=True,
        related_name="matches",
        verbose_name=_("vrijwilliger"),
    )
    branch = models.ForeignKey(
        "portal.Branch",
        on_delete=models.PROTECT,
        related_name="matches",
        verbose_name=_("afdeling"),
    )
    programme = models.CharField(
        _("programma"), max_length=20, choices=Programme.choices, default=Programme.HOME_START
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MatchStatus.choices,
        default=MatchStatus.PROPOSED,
        db_index=True,
    )
    proposed_on = models.DateField(_("voorgesteld op"), default=timezone.localdate)
    introduced_on = models.DateField(_("kennismaking op"), null=True, blank=True)
    started_on = models.DateField(_("gestart op"), null=True, blank=True)
    ended_on = models.DateField(_("afgesloten op"), null=True, blank=True)
    end_reason = models.CharField(
        _("reden van afsluiten"), max_length=20, choices=EndReason.choices, blank=True
    )
    closing_talk_on = models.DateField(_("afsluitend gesprek op"), null=True, blank=True)
    network_grew = models.BooleanField(
        _("eigen netwerk van het gezin gegroeid"), null=True, blank=True
    )

    # Family data for the volunteer at the door: erased with the referral's.
    family_first_name = models.CharField(_("voornaam ouder"), max_length=60, blank=True)
    family_address = models.CharField(_("adres gezin"), max_length=200, blank=True)
    erased_at = models.DateTimeField(_("persoonsgegevens gewist op"), null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("voorgesteld door"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MatchQuerySet.as_manager()

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("koppeling")
        verbose_name_plural = _("koppelingen")
        ordering = ["-proposed_on", "-id"]
        # The match list's order: its first page without sorting every match.
        indexes = [models.Index(fields=["-proposed_on", "-id"], name="support_match_order_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                condition=models.Q(status__in=["proposed", "introduced", "active"]),
                name="support_one_open_match_per_referral",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ended") | ~models.Q(end_reason=""),
                name="support_ended_match_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def volunteer_label(self) -> str:
        """The volunteer's name, or that their data has been erased."""
        return self.volunteer.full_name if self.volunteer else str(_("(vrijwilliger gewist)"))

    @property
    def is_active(self) -> bool:
        return self.status == MatchStatus.ACTIVE


class MatchStatusChange(StatusChange):
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("van"), max_length=20, choices=MatchStatus.choices, blank=True)
    to_status = models.CharField(_("naar"), max_length=20, choices=MatchStatus.choices)

    class Meta(StatusChange.Meta):
        verbose_name = _("statuswijziging koppeling")
        verbose_name_plural = _("statuswijzigingen koppeling")


class Visit(models.Model):
    """One week's visit, or that it did not happen. No free text: nothing about the
    family is asked or stored here."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="visits")
    date = models.DateField(_("datum"))
    kind = models.CharField(_("soort"), max_length=24, choices=VisitKind.choices)
    minutes = models.PositiveSmallIntegerField(_("minuten"), default=0)
    source = models.CharField(
        _("genoteerd via"), max_length=10, choices=VisitSource.choices, default=VisitSource.PORTAL
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("genoteerd door"),
    )
    logged_at = models.DateTimeField(_("genoteerd op"), default=timezone.now)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("bezoek")
        verbose_name_plural = _("bezoeken")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["match", "date"], name="support_one_visit_per_day"),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="done", minutes__gte=VISIT_STEP_MINUTES)
                    & models.Q(minutes__lte=MAX_VISIT_MINUTES)
                )
                | (~models.Q(kind="done") & models.Q(minutes=0)),
                name="support_visit_minutes_fit_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.match_id} {self.date:%Y-%m-%d}"

    @property
    def hours(self) -> float:
        return self.minutes / 60


class CheckIn(models.Model):
    """A coordinator's planned check-in on a running match (step 6), and when it was done."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="check_ins")
    due_on = models.DateField(_("gepland op"))
    done_on = models.DateField(_("gedaan op"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gedaan door"),
    )

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("contactmoment")
        verbose_name_plural = _("contactmomenten")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.match_id} {self.due_on:%Y-%m-%d}"


class SupportQuestionOutcome(models.Model):
    """The evaluation at the end, per support question of the referral."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="outcomes")
    question = models.CharField(_("hulpvraag"), max_length=30)
    outcome = models.CharField(_("resultaat"), max_length=12, choices=Outcome.choices)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("resultaat per hulpvraag")
        verbose_name_plural = _("resultaten per hulpvraag")
        constraints = [
            models.UniqueConstraint(
                fields=["match", "question"], name="support_one_outcome_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.match_id} {self.question}"


class VolunteerSupportSettings(models.Model):
    """Per volunteer: how many families at once, and whether the weekly e-mail comes."""

    volunteer = models.OneToOneField(
        "portal.Volunteer",
        on_delete=models.CASCADE,
        related_name="support_settings",
        verbose_name=_("vrijwilliger"),
    )
    max_families = models.PositiveSmallIntegerField(_("maximaal aantal gezinnen"), default=1)
    weekly_email = models.BooleanField(_("wekelijkse e-mail over het bezoek"), default=True)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("instellingen gezinsondersteuning")
        verbose_name_plural = _("instellingen gezinsondersteuning")

    def __str__(self) -> str:
        return str(self.volunteer_id)


class Concern(models.Model):
    """A volunteer's worry about a family's safety: for the branch's coordinators only
    (not national staff), never exported, every view logged in ConcernAccess."""

    match = models.ForeignKey(Match, on_delete=models.PROTECT, related_name="concerns")
    raised_at = models.DateTimeField(_("gemeld op"), default=timezone.now)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gemeld door"),
    )
    closed_at = models.DateTimeField(_("gesloten op"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gesloten door"),
    )

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("zorgmelding")
        verbose_name_plural = _("zorgmeldingen")
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return f"Z{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class ConcernStep(models.Model):
    """What the coordinator did, along the steps of the reporting code."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("stap"), max_length=10, choices=ConcernStepKind.choices)
    done_on = models.DateField(_("datum"))
    note = models.TextField(_("toelichting"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vastgelegd door"),
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("stap meldcode")
        verbose_name_plural = _("stappen meldcode")
        ordering = ["done_on", "id"]

    def __str__(self) -> str:
        return f"{self.concern_id} {self.step}"


class ConcernAccess(models.Model):
    """Who looked at a concern, and when."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=20, default="view")

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("inzage zorgmelding")
        verbose_name_plural = _("inzage zorgmeldingen")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.concern_id} {self.at:%Y-%m-%d %H:%M}"
