"""Courses: the overview page per branch, the course page with its sessions and
material, a volunteer's enrolment, attendance, and the reminder ledger."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from courses.models.enrolment import Enrolment, EnrolmentStatus, Offering
from portal.errors import ServiceError
from portal.pages.blocks import BodyStreamBlock
from portal.pages.models.base import BasePage
from portal.pages.models.home import INTRO_FEATURES
from portal.pages.restrictions import public

MORNING_START = datetime.time(9, 30)
MORNING_END = datetime.time(12, 30)

# The six mornings of the introduction course, offered as a start for a new course.
INTRODUCTION_TOPICS = [
    _("Kennismaking en de werkwijze van Home-Start"),
    _("Ouderschap, gezinnen en hun vragen"),
    _("Gespreksvaardigheden: luisteren en aansluiten"),
    _("Ontwikkeling en opvoeding van kinderen"),
    _("Diversiteit, cultuur en taal"),
    _("Grenzen, geheimhouding en zorgen over een kind"),
]

MSG_ALREADY_COMPLETED = _("Je hebt de introductiecursus al afgerond.")
MSG_OTHER_BRANCH = _("Deze cursus is voor vrijwilligers van %(branch)s.")
MSG_OTHER_INTRODUCTION = _(
    "Je bent al aangemeld voor een andere introductiecursus. Meld je daar eerst af."
)


class CourseKind(models.TextChoices):
    INTRODUCTION = "introduction", _("introductiecursus")
    TRAINING = "training", _("training")


def _aware(date: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date, time))


class CourseIndexPage(BasePage):
    """A branch's course overview: its upcoming courses with places left."""

    branch = models.ForeignKey(
        "portal.Branch",
        verbose_name=_("afdeling"),
        on_delete=models.PROTECT,
        related_name="course_index_pages",
    )
    intro = RichTextField(_("inleiding"), blank=True, features=INTRO_FEATURES)

    content_panels = [*BasePage.content_panels, FieldPanel("branch"), FieldPanel("intro")]

    parent_page_types = ["pages.HomePage"]
    subpage_types = ["courses.CoursePage"]
    # Places left change with every sign-up.
    cache_for_anonymous = False

    class Meta:
        verbose_name = _("cursusoverzicht")
        verbose_name_plural = _("cursusoverzichten")

    def save(self, *args, **kwargs):
        created = self.pk is None
        result = super().save(*args, **kwargs)
        if created:
            from courses.permissions import course_page_created

            course_page_created()
        return result

    def upcoming_courses(self, now: datetime.datetime | None = None):
        """Live courses under this page that have not ended, first one first. One query."""
        now = now or timezone.now()
        return (
            public(CoursePage.objects.child_of(self).live())
            .with_schedule()
            .filter(
                Q(last_session_date__isnull=True)
                | Q(last_session_date__gte=timezone.localdate(now))
            )
            .order_by(models.F("first_session_date").asc(nulls_last=True), "pk")
        )

    def get_context(self, request, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["courses"] = list(self.upcoming_courses())
        return context


class CoursePageQuerySet(PageQuerySet):
    def with_schedule(self) -> CoursePageQuerySet:
        """First and last session date, enrolled and waitlisted counts, in the same query."""
        return self.annotate(
            first_session_date=Min("sessions__date"),
            last_session_date=Max("sessions__date"),
            enrolled_count=Count(
                "enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED), distinct=True
            ),
            waitlisted_count=Count(
                "enrolments",
                filter=Q(enrolments__status=EnrolmentStatus.WAITLISTED),
                distinct=True,
            ),
        )

    def upcoming(self, now: datetime.datetime | None = None) -> CoursePageQuerySet:
        """Live, not cancelled, with a session today or later."""
        now = now or timezone.now()
        return (
            self.live()
            .filter(cancelled_at__isnull=True)
            .with_schedule()
            .filter(last_session_date__gte=timezone.localdate(now))
        )


class CoursePageForm(WagtailAdminPageForm):
    """Starts a new course with six mornings (9:30 to 12:30) to fill in."""

    def __init__(self, data=None, files=None, *args, instance=None, **kwargs):
        if (
            instance is not None
            and instance.pk is None
            and data is None
            and not instance.sessions.all()
        ):
            instance.sessions = [
                CourseSession(start_time=MORNING_START, end_time=MORNING_END, topic=str(topic))
                for topic in INTRODUCTION_TOPICS
            ]
        super().__init__(data, files, *args, instance=instance, **kwargs)

        if "branch" in self.fields and self.for_user is not None:
            from portal.models import Branch

            self.fields["branch"].queryset = Branch.objects.coordinated_by(self.for_user)
            parent = getattr(self, "parent_page", None)
            parent = parent.specific if parent is not None else None
            if (
                isinstance(parent, CourseIndexPage)
                and instance is not None
                and not instance.pk
                and not self.initial.get("branch")
            ):
                self.initial["branch"] = parent.branch_id

    def clean(self):
        cleaned = super().clean()
        parent = getattr(self, "parent_page", None)
        parent = parent.specific if parent is not None else None
        branch = cleaned.get("branch")
        if isinstance(parent, CourseIndexPage) and branch and branch.pk != parent.branch_id:
            self.add_error("branch", _("Kies de afdeling van het cursusoverzicht."))
        capacity = cleaned.get("capacity")
        if capacity is not None and self.instance.pk is not None:
            from courses.services import check_capacity

            try:
                check_capacity(offering=self.instance, capacity=capacity)
            except ServiceError as error:
                self.add_error("capacity", str(error))
        opens, closes = cleaned.get("signup_opens_on"), cleaned.get("signup_closes_on")
        if opens and closes and closes < opens:
            self.add_error("signup_closes_on", _("De sluitingsdatum ligt voor de openingsdatum."))
        return cleaned


class CoursePage(Offering, BasePage):
    """One course: an introduction course of six mornings or a later training."""

    kind = models.CharField(
        _("soort"), max_length=20, choices=CourseKind.choices, default=CourseKind.INTRODUCTION
    )
    branch = models.ForeignKey(
        "portal.Branch",
        verbose_name=_("afdeling"),
        on_delete=models.PROTECT,
        related_name="courses",
    )
    description = StreamField(BodyStreamBlock(), verbose_name=_("beschrijving"), blank=True)
    trainers = models.CharField(
        _("trainers"), max_length=250, blank=True, help_text=_("Zoals ze op de site mogen staan.")
    )
    venue = models.CharField(_("locatie"), max_length=200, blank=True)
    venue_address = models.TextField(_("adres van de locatie"), blank=True)

    notification_tasks = {
        "enrolled": "courses.tasks.send_enrolment_confirmation",
        "waitlisted": "courses.tasks.send_waitlist_notice",
        "promoted": "courses.tasks.send_promotion_notice",
        "cancelled": "courses.tasks.send_enrolment_cancelled",
        "offering_cancelled": "courses.tasks.send_course_cancelled",
    }

    objects = PageManager.from_queryset(CoursePageQuerySet)()

    base_form_class = CoursePageForm
    content_panels = [
        *BasePage.content_panels,
        FieldRowPanel([FieldPanel("kind"), FieldPanel("branch")]),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("trainers"), FieldPanel("venue"), FieldPanel("venue_address")],
            heading=_("Trainers en locatie"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("capacity"),
                FieldRowPanel([FieldPanel("signup_opens_on"), FieldPanel("signup_closes_on")]),
            ],
            heading=_("Aanmelden"),
        ),
        InlinePanel("sessions", heading=_("Bijeenkomsten"), label=_("bijeenkomst"), min_num=1),
        InlinePanel("documents", heading=_("Cursusmateriaal"), label=_("document")),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("description"),
        index.SearchField("trainers"),
        index.FilterField("branch"),
        index.FilterField("kind"),
    ]

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types: list[str] = []
    exclude_fields_in_copy = ["cancelled_at", "cancellation_reason"]
    # Places left and the visitor's own place change with every sign-up.
    cache_for_anonymous = False

    class Meta:
        verbose_name = _("cursus")
        verbose_name_plural = _("cursussen")

    def save(self, *args, **kwargs):
        # Cancelling is the service's business: a publish from an older revision
        # must not bring a cancelled course back.
        if self.pk is not None:
            stored = (
                CoursePage.objects.filter(pk=self.pk)
                .values("cancelled_at", "cancellation_reason")
                .first()
            )
            if stored is not None:
                self.cancelled_at = stored["cancelled_at"]
                self.cancellation_reason = stored["cancellation_reason"]
        return super().save(*args, **kwargs)

    def full_clean(self, *args, **kwargs):
        if self.branch_id is None:
            parent = self.get_parent() if self.path else None
            if parent is not None and isinstance(parent.specific, CourseIndexPage):
                self.branch_id = parent.specific.branch_id
        return super().full_clean(*args, **kwargs)

    # Schedule ----------------------------------------------------------------------
    @cached_property
    def session_list(self) -> list[CourseSession]:
        return sorted(self.sessions.all(), key=lambda session: (session.date, session.start_time))

    def _planned(self) -> list[CourseSession]:
        planned = [session for session in self.session_list if not session.is_cancelled]
        return planned or self.session_list

    def offering_starts_at(self) -> datetime.datetime | None:
        planned = self._planned()
        return planned[0].starts_at if planned else None

    def offering_ends_at(self) -> datetime.datetime | None:
        planned = self._planned()
        return max(session.ends_at for session in planned) if planned else None

    @property
    def is_introduction(self) -> bool:
        return self.kind == CourseKind.INTRODUCTION

    def enrolment_refusal(self, *, volunteer, now) -> ServiceError | None:
        if volunteer.branch_id != self.branch_id:
            return ServiceError(
                MSG_OTHER_BRANCH % {"branch": self.branch.name}, code="other_branch"
            )
        if self.is_introduction:
            if volunteer.introduction_course_completed_on is not None:
                return ServiceError(MSG_ALREADY_COMPLETED, code="introduction_completed")
            other = (
                CourseEnrolment.objects.active()
                .filter(
                    volunteer=volunteer,
                    offering__kind=CourseKind.INTRODUCTION,
                    offering__cancelled_at__isnull=True,
                    offering__sessions__date__gte=timezone.localdate(now),
                )
                .exclude(offering_id=self.pk)
            )
            if other.exists():
                return ServiceError(MSG_OTHER_INTRODUCTION, code="other_introduction")
        return None

    def enrolment_counts(self) -> dict[str, int]:
        """Enrolled and waitlisted, from `with_schedule()` or in one query."""
        if hasattr(self, "enrolled_count"):
            return {"enrolled": self.enrolled_count, "waitlisted": self.waitlisted_count}
        return self.enrolments.aggregate(
            enrolled=Count("pk", filter=Q(status=EnrolmentStatus.ENROLLED)),
            waitlisted=Count("pk", filter=Q(status=EnrolmentStatus.WAITLISTED)),
        )

    def places_left(self) -> int:
        return max(self.capacity - self.enrolment_counts()["enrolled"], 0)

    def get_context(self, request, *args, **kwargs) -> dict:
        from courses.views import course_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(course_page_context(request, self))
        return context


class CourseSession(ClusterableModel):
    """One meeting of a course. Its UID in calendars is its id; `sequence` rises when
    its date, time or status changes (kept by `save`, whatever a revision says)."""

    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("datum"))
    start_time = models.TimeField(_("begintijd"), default=MORNING_START)
    end_time = models.TimeField(_("eindtijd"), default=MORNING_END)
    topic = models.CharField(
        _("onderwerp"),
        max_length=200,
        help_text=_(
            "Een gemiste bijeenkomst kan worden ingehaald bij een bijeenkomst met "
            "hetzelfde onderwerp in een andere cursus."
        ),
    )
    cancelled_at = models.DateTimeField(_("geannuleerd op"), null=True, blank=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    changed_at = models.DateTimeField(default=timezone.now, editable=False)

    panels = [
        FieldRowPanel([FieldPanel("date"), FieldPanel("start_time"), FieldPanel("end_time")]),
        FieldPanel("topic"),
    ]

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("bijeenkomst")
        verbose_name_plural = _("bijeenkomsten")
        ordering = ["date", "start_time", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")),
                name="courses_session_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%d-%m-%Y} {self.topic}"

    def clean(self) -> None:
        super().clean()
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("De eindtijd ligt voor de begintijd.")})

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = (
                CourseSession.objects.filter(pk=self.pk)
                .values("date", "start_time", "end_time", "cancelled_at", "sequence", "changed_at")
                .first()
            )
            if stored is not None:
                self.cancelled_at, self.sequence = stored["cancelled_at"], stored["sequence"]
                self.changed_at = stored["changed_at"]
                if (stored["date"], stored["start_time"], stored["end_time"]) != (
                    self.date,
                    self.start_time,
                    self.end_time,
                ):
                    self.sequence += 1
                    self.changed_at = timezone.now()
        return super().save(*args, **kwargs)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def starts_at(self) -> datetime.datetime:
        return _aware(self.date, self.start_time)

    @property
    def ends_at(self) -> datetime.datetime:
        return _aware(self.date, self.end_time)

    @property
    def uid(self) -> str:
        return f"course-session-{self.pk}@home-start-portal"

    @property
    def normalised_topic(self) -> str:
        return " ".join(self.topic.casefold().split())


class CourseDocument(Orderable):
    """Course material: served only to the course's participants and its coordinators."""

    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        "wagtaildocs.Document",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("document"),
    )

    panels = [FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = _("cursusmateriaal")
        verbose_name_plural = _("cursusmateriaal")


class CourseEnrolment(Enrolment):
    offering = models.ForeignKey(
        CoursePage, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("cursus")
    )
    completed_on = models.DateField(_("afgerond op"), null=True, blank=True)

    class Meta(Enrolment.Meta):
        verbose_name = _("cursusaanmelding")
        verbose_name_plural = _("cursusaanmeldingen")

    @property
    def course(self) -> CoursePage:
        return self.offering


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("aanwezig")
    ABSENT = "absent", _("afwezig")
    EXCUSED = "excused", _("afgemeld")


class Attendance(models.Model):
    """Whether a participant was at a session of their course; a missed session may be
    made up in a session with the same topic of another course."""

    enrolment = models.ForeignKey(
        CourseEnrolment, on_delete=models.CASCADE, related_name="attendances"
    )
    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(_("aanwezigheid"), max_length=10, choices=AttendanceStatus.choices)
    made_up_in = models.ForeignKey(
        CourseSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="make_ups",
        verbose_name=_("ingehaald in"),
    )
    recorded_at = models.DateTimeField(_("vastgelegd op"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("aanwezigheid")
        verbose_name_plural = _("aanwezigheid")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "session"], name="courses_attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}/{self.session_id}: {self.status}"

    @property
    def counts(self) -> bool:
        return self.status == AttendanceStatus.PRESENT or self.made_up_in_id is not None


class SessionReminder(models.Model):
    """The ledger of reminders sent: one row per session and participant, written in
    the same transaction that decides to send, so a restarted cluster never sends twice."""

    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="+")
    enrolment = models.ForeignKey(CourseEnrolment, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="courses_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.enrolment_id} {self.sent_at:%Y-%m-%d %H:%M}"
