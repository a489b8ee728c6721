"""Intervision sessions, the members' answers, attendance and notes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("gepland")
    CANCELLED = "cancelled", _("afgelast")


class IntervisionSessionQuerySet(models.QuerySet["IntervisionSession"]):
    def visible_to(self, user) -> IntervisionSessionQuerySet:
        from portal.models import Branch

        return self.filter(group__branch__in=Branch.objects.coordinated_by(user))

    def of_volunteer(self, volunteer_id: int) -> IntervisionSessionQuerySet:
        return self.filter(group__members__id=volunteer_id)

    def overlapping(self, start, end) -> IntervisionSessionQuerySet:
        return self.filter(start__lt=end, end__gt=start)

    def held(self) -> IntervisionSessionQuerySet:
        return self.filter(status=SessionStatus.SCHEDULED)


class IntervisionSession(models.Model):
    """One meeting of a group: made from a series, then perhaps moved or cancelled by hand.

    `occurrence_date` is the date the series' rule gave it; regenerating the series
    finds the session again by it. `changed_by_hand` keeps a moved or cancelled session
    as it is when the series changes. `sequence` rises with every change of time, place
    or status (it becomes the calendar feed's SEQUENCE).
    """

    group = models.ForeignKey(
        "intervision.IntervisionGroup",
        on_delete=models.CASCADE,
        related_name="sessions",
        verbose_name=_("groep"),
    )
    series = models.ForeignKey(
        "intervision.SessionSeries",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("reeks"),
    )
    occurrence_date = models.DateField(_("datum volgens de reeks"), null=True, blank=True)
    start = models.DateTimeField(_("begin"), db_index=True)
    end = models.DateTimeField(_("einde"))
    venue = models.CharField(_("locatie"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    cancel_reason = models.CharField(_("reden van afgelasten"), max_length=200, blank=True)
    moved = models.BooleanField(_("verplaatst"), default=False)
    changed_by_hand = models.BooleanField(_("met de hand gewijzigd"), default=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    invited_at = models.DateTimeField(_("uitnodiging verstuurd op"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IntervisionSessionQuerySet.as_manager()

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("intervisiebijeenkomst")
        verbose_name_plural = _("intervisiebijeenkomsten")
        ordering = ["start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "occurrence_date"],
                condition=models.Q(series__isnull=False),
                name="intervision_session_one_per_occurrence",
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")),
                name="intervision_session_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.start)
        return f"{self.group.name}, {local:%d-%m-%Y %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.end <= timezone.now()


class RsvpAnswer(models.TextChoices):
    YES = "yes", _("ik kom")
    NO = "no", _("ik kom niet")


class Rsvp(models.Model):
    """A member's answer to "are you coming?"."""

    session = models.ForeignKey(IntervisionSession, on_delete=models.CASCADE, related_name="rsvps")
    volunteer = models.ForeignKey(
        "portal.Volunteer", on_delete=models.CASCADE, related_name="intervision_rsvps"
    )
    answer = models.CharField(_("antwoord"), max_length=3, choices=RsvpAnswer.choices)
    answered_at = models.DateTimeField(_("geantwoord op"), default=timezone.now)
    via_email = models.BooleanField(_("via de link in de e-mail"), default=False)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("antwoord op uitnodiging")
        verbose_name_plural = _("antwoorden op uitnodigingen")
        constraints = [
            models.UniqueConstraint(fields=["session", "volunteer"], name="intervision_rsvp_once")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.volunteer_id}: {self.answer}"


class Attendance(models.Model):
    """Whether a member was there, as the coordinator recorded it after the session."""

    session = models.ForeignKey(
        IntervisionSession, on_delete=models.CASCADE, related_name="attendance"
    )
    volunteer = models.ForeignKey(
        "portal.Volunteer", on_delete=models.CASCADE, related_name="intervision_attendance"
    )
    present = models.BooleanField(_("aanwezig"))
    recorded_at = models.DateTimeField(_("vastgelegd op"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
    )

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("aanwezigheid")
        verbose_name_plural = _("aanwezigheid")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "volunteer"], name="intervision_attendance_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.volunteer_id}: {self.present}"


class SessionNote(models.Model):
    """What was discussed: for the group's members and the branch's coordinators only."""

    session = models.ForeignKey(IntervisionSession, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("geschreven door"),
    )
    text = models.TextField(_("besproken onderwerpen"), max_length=5000)
    created_at = models.DateTimeField(_("geschreven op"), default=timezone.now)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("verslag")
        verbose_name_plural = _("verslagen")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.created_at:%d-%m-%Y}"
