"""The generic enrolment models: something with places (an Offering) and a person's
place on it (an Enrolment). `courses.services` holds the rules that work on them.

How another part builds on it (intervision's theme meetings do):

    from courses.models.enrolment import Enrolment, Offering

    class ThemeMeeting(Offering, models.Model):          # or (Offering, Page)
        branch = models.ForeignKey("portal.Branch", ...)
        starts_at = models.DateTimeField()
        ends_at = models.DateTimeField()
        # e-mail tasks the engine queues on commit, each called with the enrolment id
        # (offering_cancelled: with the offering id); leave a key out for no e-mail
        notification_tasks = {
            "enrolled": "intervision.tasks.send_theme_meeting_confirmation",
            "waitlisted": "intervision.tasks.send_theme_meeting_waitlisted",
            "promoted": "intervision.tasks.send_theme_meeting_promoted",
            "cancelled": "intervision.tasks.send_theme_meeting_enrolment_cancelled",
            "offering_cancelled": "intervision.tasks.send_theme_meeting_cancelled",
        }

        def offering_starts_at(self): return self.starts_at
        def offering_ends_at(self): return self.ends_at
        def enrolment_refusal(self, *, volunteer, now):   # optional, kind-specific rules
            if volunteer.branch_id != self.branch_id:
                return ServiceError(_("..."), code="other_branch")
            return None

    class ThemeMeetingEnrolment(Enrolment):
        offering = models.ForeignKey(ThemeMeeting, on_delete=models.CASCADE,
                                     related_name="enrolments")
        class Meta(Enrolment.Meta):
            verbose_name = ...

Then call `courses.services.enrol_volunteer(offering=meeting, volunteer=v)`,
`cancel_enrolment(enrolment=e, by=user)`, `promote_from_waitlist(offering=meeting)`,
`cancel_offering(offering=meeting, by=user)`, `change_capacity(offering=meeting,
capacity=20)`. The two fixed names are the foreign key `offering` and its
`related_name="enrolments"`; the unique and check constraints come with `Enrolment.Meta`.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from portal.errors import ServiceError
    from portal.models import Volunteer


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("ingeschreven")
    WAITLISTED = "waitlisted", _("op de wachtlijst")
    CANCELLED = "cancelled", _("afgemeld")


class Offering(models.Model):
    """Something volunteers sign up for, with a limited number of places.

    Sign-up is open from the start of `signup_opens_on` (empty: at once) to the end of
    `signup_closes_on` (empty: until the offering starts), Europe/Amsterdam days.
    """

    capacity = models.PositiveIntegerField(
        _("aantal plaatsen"), default=12, validators=[MinValueValidator(1)]
    )
    signup_opens_on = models.DateField(_("aanmelden vanaf"), null=True, blank=True)
    signup_closes_on = models.DateField(_("aanmelden tot en met"), null=True, blank=True)
    # Set by `cancel_offering` only; editors never type it.
    cancelled_at = models.DateTimeField(_("geannuleerd op"), null=True, blank=True, editable=False)
    cancellation_reason = models.TextField(
        _("reden van annuleren"), blank=True, default="", editable=False
    )

    notification_tasks: ClassVar[dict[str, str]] = {}

    class Meta:
        abstract = True

    # What a concrete offering answers -----------------------------------------------
    def offering_starts_at(self) -> datetime.datetime | None:
        """When the first meeting starts (None: no date yet)."""
        raise NotImplementedError

    def offering_ends_at(self) -> datetime.datetime | None:
        """When the last meeting ends (None: no date yet)."""
        raise NotImplementedError

    def enrolment_refusal(
        self, *, volunteer: Volunteer, now: datetime.datetime
    ) -> ServiceError | None:
        """A kind-specific reason this volunteer may not sign up, or None."""
        return None

    # Derived ---------------------------------------------------------------------------
    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def signup_opens_at(self) -> datetime.datetime | None:
        if self.signup_opens_on is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(self.signup_opens_on, datetime.time()))

    def signup_closes_at(self) -> datetime.datetime | None:
        """The first moment sign-up is closed."""
        if self.signup_closes_on is not None:
            next_day = self.signup_closes_on + datetime.timedelta(days=1)
            return timezone.make_aware(datetime.datetime.combine(next_day, datetime.time()))
        return self.offering_starts_at()

    def is_signup_open(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        opens, closes = self.signup_opens_at(), self.signup_closes_at()
        starts = self.offering_starts_at()
        return (
            not self.is_cancelled
            and (opens is None or now >= opens)
            and (closes is None or now < closes)
            and (starts is None or now < starts)
        )


class EnrolmentQuerySet(models.QuerySet):
    def enrolled(self):
        return self.filter(status=EnrolmentStatus.ENROLLED)

    def waitlisted(self):
        return self.filter(status=EnrolmentStatus.WAITLISTED).order_by("waitlist_number")

    def active(self):
        """Enrolled or on the waitlist: everyone still expecting news."""
        return self.filter(status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED])


class Enrolment(models.Model):
    """One volunteer's place on one offering: enrolled, waitlisted or cancelled.

    There is one row per volunteer and offering; signing up again after cancelling
    reuses it. `waitlist_number` orders the waitlist (lower first) and is set only while
    the status is "waitlisted".
    """

    volunteer = models.ForeignKey(
        "portal.Volunteer", on_delete=models.CASCADE, verbose_name=_("vrijwilliger")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=EnrolmentStatus.choices, db_index=True
    )
    waitlist_number = models.PositiveIntegerField(
        _("plek op de wachtlijst"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("aangemeld op"), default=timezone.now)
    enrolled_at = models.DateTimeField(_("ingeschreven op"), null=True, blank=True)
    waitlisted_at = models.DateTimeField(_("op de wachtlijst sinds"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("van de wachtlijst op"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("afgemeld op"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("afgemeld door"),
    )
    updated_at = models.DateTimeField(_("bijgewerkt op"), auto_now=True)

    objects = EnrolmentQuerySet.as_manager()

    wagtail_reference_index_ignore = True

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["offering", "volunteer"], name="%(app_label)s_%(class)s_once"
            ),
            models.UniqueConstraint(
                fields=["offering", "waitlist_number"],
                condition=Q(status="waitlisted"),
                name="%(app_label)s_%(class)s_waitlist_order",
            ),
            models.CheckConstraint(
                condition=Q(status="waitlisted", waitlist_number__isnull=False)
                | (~Q(status="waitlisted") & Q(waitlist_number__isnull=True)),
                name="%(app_label)s_%(class)s_waitlist_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.status}"

    @property
    def is_enrolled(self) -> bool:
        return self.status == EnrolmentStatus.ENROLLED

    @property
    def is_waitlisted(self) -> bool:
        return self.status == EnrolmentStatus.WAITLISTED

    @property
    def is_cancelled(self) -> bool:
        return self.status == EnrolmentStatus.CANCELLED

    def waitlist_position(self) -> int | None:
        """1 for the first on the waitlist; None when not waitlisted."""
        if not self.is_waitlisted:
            return None
        return (
            type(self)
            .objects.filter(
                offering_id=self.offering_id,
                status=EnrolmentStatus.WAITLISTED,
                waitlist_number__lt=self.waitlist_number,
            )
            .count()
            + 1
        )
