"""Theme meetings: twice a year, organised nationally or by a branch, open to the
volunteers of chosen branches, with places and a waitlist.

The places, the waitlist and their rules are the courses part's generic enrolment
engine (`courses.models.enrolment`, `courses.services`), not a copy of it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models.enrolment import Enrolment, Offering
from portal.errors import ServiceError

MSG_NOT_OPEN_TO_BRANCH = _("Deze themabijeenkomst is niet voor vrijwilligers van jouw afdeling.")


class ThemeMeetingQuerySet(models.QuerySet["ThemeMeeting"]):
    def open_to_branch(self, branch_id: int) -> ThemeMeetingQuerySet:
        """Meetings volunteers of this branch may sign up for (no chosen branches: all)."""
        return self.filter(
            models.Q(open_to_all_branches=True) | models.Q(open_to_branches__id=branch_id)
        ).distinct()

    def visible_to(self, user) -> ThemeMeetingQuerySet:
        """For the admin: national staff see all, coordinators their branches' meetings."""
        from portal.models import Branch

        return self.filter(branch__in=Branch.objects.coordinated_by(user))

    def upcoming(self, now=None) -> ThemeMeetingQuerySet:
        return self.filter(ends_at__gt=now or timezone.now(), cancelled_at__isnull=True)


class ThemeMeeting(Offering):
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("beschrijving"), blank=True, max_length=4000)
    branch = models.ForeignKey(
        "portal.Branch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_theme_meetings",
        verbose_name=_("georganiseerd door"),
        help_text=_("Leeg: landelijk, door het landelijk steunpunt."),
    )
    open_to_all_branches = models.BooleanField(
        _("open voor alle afdelingen"),
        default=False,
        help_text=_("Anders alleen voor de vrijwilligers van de gekozen afdelingen."),
    )
    open_to_branches = models.ManyToManyField(
        "portal.Branch",
        blank=True,
        related_name="theme_meetings",
        verbose_name=_("open voor afdelingen"),
    )
    starts_at = models.DateTimeField(_("begin"))
    ends_at = models.DateTimeField(_("einde"))
    venue = models.CharField(_("locatie"), max_length=200, blank=True)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ThemeMeetingQuerySet.as_manager()

    notification_tasks = {
        "enrolled": "intervision.tasks.send_theme_meeting_enrolled",
        "waitlisted": "intervision.tasks.send_theme_meeting_waitlisted",
        "promoted": "intervision.tasks.send_theme_meeting_promoted",
        "cancelled": "intervision.tasks.send_theme_meeting_enrolment_cancelled",
        "offering_cancelled": "intervision.tasks.send_theme_meeting_cancelled",
    }

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("themabijeenkomst")
        verbose_name_plural = _("themabijeenkomsten")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="theme_meeting_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({timezone.localtime(self.starts_at):%d-%m-%Y})"

    def save(self, *args, **kwargs) -> None:
        # A change of time or place raises the calendar feeds' SEQUENCE.
        if self.pk:
            before = (
                type(self)
                .objects.filter(pk=self.pk)
                .values_list("starts_at", "ends_at", "venue")
                .first()
            )
            if before and before != (self.starts_at, self.ends_at, self.venue):
                self.sequence += 1
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("Het einde ligt niet na het begin.")})

    @property
    def is_national(self) -> bool:
        return self.branch_id is None

    def offering_starts_at(self):
        return self.starts_at

    def offering_ends_at(self):
        return self.ends_at

    def is_open_to(self, branch_id: int) -> bool:
        return self.open_to_all_branches or self.open_to_branches.filter(pk=branch_id).exists()

    def enrolment_refusal(self, *, volunteer, now) -> ServiceError | None:
        if not self.is_open_to(volunteer.branch_id):
            return ServiceError(MSG_NOT_OPEN_TO_BRANCH, code="not_open_to_branch")
        return None


class ThemeMeetingEnrolment(Enrolment):
    offering = models.ForeignKey(
        ThemeMeeting,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("themabijeenkomst"),
    )
    volunteer = models.ForeignKey(
        "portal.Volunteer",
        on_delete=models.CASCADE,
        related_name="theme_meeting_enrolments",
        verbose_name=_("vrijwilliger"),
    )

    class Meta(Enrolment.Meta):
        verbose_name = _("aanmelding themabijeenkomst")
        verbose_name_plural = _("aanmeldingen themabijeenkomsten")
