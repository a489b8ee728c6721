"""Newsletter pages, their sends and one delivery record per recipient.

A newsletter is a Wagtail page (draft, preview, revisions, scheduled publishing).
Sending it creates a `Send` (a snapshot of the rendered message), split into
`SendBatch`es, each with a `Delivery` per recipient. The sending rules live in
`newsletter/services.py` and `newsletter/sending.py`; the audience rules in
`newsletter/audience.py`.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Max, Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.fields import RichTextField, StreamField
from wagtail.models import PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from newsletter.blocks import NewsletterStreamBlock
from portal.errors import ServiceError
from portal.models import Branch, VolunteerStatus
from portal.pages.models import BasePage


class Audience(models.TextChoices):
    ALL_VOLUNTEERS = "all", _("alle vrijwilligers")
    BRANCHES = "branches", _("vrijwilligers van gekozen afdelingen")
    COORDINATORS = "coordinators", _("alleen coördinatoren")


DEFAULT_STATUSES = [VolunteerStatus.ACTIVE, VolunteerStatus.IN_TRAINING, VolunteerStatus.PAUSED]


def default_statuses() -> list[str]:
    return [str(status) for status in DEFAULT_STATUSES]


class NewsletterPageForm(WagtailAdminPageForm):
    """The editor's form: only their own branches to choose from, and the audience rule
    checked again on the server (a coordinator who edits the posted branch ids gets the
    form back with a message, never another branch's volunteers)."""

    volunteer_statuses = forms.MultipleChoiceField(
        label=_("status van de vrijwilligers"),
        choices=VolunteerStatus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leeg: vrijwilligers met elke status."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "branches" in self.fields and self.for_user is not None:
            self.fields["branches"].queryset = Branch.objects.coordinated_by(self.for_user)

    def clean(self):
        from newsletter.audience import check_audience

        cleaned = super().clean()
        branches = cleaned.get("branches")
        try:
            check_audience(
                user=self.for_user,
                audience=cleaned.get("audience") or "",
                branch_ids=[branch.pk for branch in branches] if branches else [],
            )
        except ServiceError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        return cleaned


class NewsletterIndexPage(BasePage):
    """The public archive: newsletters the editor marked public. Volunteers find every
    newsletter sent to them in Mijn Home-Start."""

    intro = RichTextField(_("inleiding"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*BasePage.content_panels, FieldPanel("intro")]
    parent_page_types = ["pages.HomePage"]
    subpage_types = ["newsletter.NewsletterPage"]
    max_count_per_parent = 1
    per_page = 12

    class Meta:
        verbose_name = _("nieuwsbriefarchief")

    def get_context(self, request, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        newsletters = NewsletterPage.objects.child_of(self).live().public().sent_first()
        context["newsletters"] = Paginator(newsletters, self.per_page).get_page(
            request.GET.get("page")
        )
        return context


class SendStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("gepland")
    SENDING = "sending", _("wordt verstuurd")
    DONE = "done", _("verstuurd")
    CANCELLED = "cancelled", _("geannuleerd")


class NewsletterPageQuerySet(PageQuerySet):
    def public(self) -> NewsletterPageQuerySet:
        return self.filter(is_public=True)

    def sent_first(self) -> NewsletterPageQuerySet:
        """Newsletters that went out, newest send first (one query, whatever the count)."""
        return (
            self.annotate(
                sent_at=Max(
                    "sends__started_at",
                    filter=Q(sends__status__in=[SendStatus.SENDING, SendStatus.DONE]),
                )
            )
            .filter(sent_at__isnull=False)
            .order_by("-sent_at", "-pk")
        )

    def readable_by(self, user) -> NewsletterPageQuerySet:
        """What a person may read on the site: every newsletter for staff and
        coordinators, for a volunteer the ones addressed to their branch."""
        from newsletter.permissions import readable_newsletters_filter

        return self.filter(readable_newsletters_filter(user))


class NewsletterPage(BasePage):
    subject = models.CharField(_("onderwerp"), max_length=150)
    preheader = models.CharField(
        _("voorregel"),
        max_length=150,
        blank=True,
        help_text=_("De regel die mailprogramma's na het onderwerp laten zien."),
    )
    body = StreamField(NewsletterStreamBlock(), verbose_name=_("inhoud"), blank=True)
    audience = models.CharField(
        _("voor wie"), max_length=20, choices=Audience.choices, default=Audience.BRANCHES
    )
    branches = ParentalManyToManyField(
        Branch, verbose_name=_("afdelingen"), blank=True, related_name="+"
    )
    volunteer_statuses = models.JSONField(
        _("status van de vrijwilligers"), default=default_statuses, blank=True
    )
    is_public = models.BooleanField(
        _("openbaar in het archief"),
        default=False,
        help_text=_("Zonder vinkje lezen alleen ingelogde ontvangers deze nieuwsbrief op de site."),
    )

    objects = PageManager.from_queryset(NewsletterPageQuerySet)()

    base_form_class = NewsletterPageForm
    content_panels = [
        *BasePage.content_panels,
        FieldPanel("subject"),
        FieldPanel("preheader"),
        FieldPanel("body"),
    ]
    audience_panels = [
        MultiFieldPanel(
            [
                FieldPanel("audience", widget=forms.RadioSelect),
                FieldPanel("branches", widget=forms.CheckboxSelectMultiple),
                FieldPanel("volunteer_statuses"),
            ],
            heading=_("Ontvangers"),
        ),
        FieldPanel("is_public"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Inhoud")),
            ObjectList(audience_panels, heading=_("Ontvangers")),
            ObjectList(BasePage.promote_panels, heading=_("Promoten")),
            ObjectList(BasePage.settings_panels, heading=_("Instellingen")),
        ]
    )
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("subject"),
        index.SearchField("body"),
    ]

    parent_page_types = ["newsletter.NewsletterIndexPage"]
    subpage_types: list[str] = []
    cache_for_anonymous = False
    preview_modes = [("", _("Webpagina")), ("email", _("E-mail"))]

    class Meta:
        verbose_name = _("nieuwsbrief")
        verbose_name_plural = _("nieuwsbrieven")

    def event_branch_ids(self) -> list[int] | None:
        """The branches whose events the newsletter lists: None (all) for a national one."""
        if self.audience == Audience.ALL_VOLUNTEERS:
            return None
        return sorted(self._branch_ids())

    def _branch_ids(self) -> list[int]:
        # Before the first save the ParentalManyToMany holds the form's objects.
        return [branch.pk for branch in self.branches.all()]

    def serve(self, request, *args, **kwargs):
        from newsletter.permissions import can_read_newsletter

        if not self.is_public and not can_read_newsletter(request.user, self):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied
        return super().serve(request, *args, **kwargs)

    def serve_preview(self, request, mode_name):
        if mode_name == "email":
            from django.http import HttpResponse

            from newsletter.rendering import preview_email_html

            return HttpResponse(preview_email_html(self, request.user))
        return super().serve_preview(request, mode_name)


class SendQuerySet(models.QuerySet["Send"]):
    def visible_to(self, user) -> SendQuerySet:
        from newsletter.permissions import manageable_newsletters

        return self.filter(page__in=manageable_newsletters(user))


class Send(models.Model):
    """Sending one newsletter once. The rendered message is kept here when sending
    starts, so every batch sends exactly the same newsletter."""

    page = models.ForeignKey(
        NewsletterPage,
        on_delete=models.CASCADE,
        related_name="sends",
        verbose_name=_("nieuwsbrief"),
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SendStatus.choices, default=SendStatus.SCHEDULED
    )
    subject = models.CharField(_("onderwerp"), max_length=150)
    scheduled_at = models.DateTimeField(_("versturen op"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    started_at = models.DateTimeField(_("begonnen op"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)
    total = models.PositiveIntegerField(_("ontvangers"), default=0)
    html = models.TextField(blank=True)
    text = models.TextField(blank=True)

    objects = SendQuerySet.as_manager()
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("verzending")
        verbose_name_plural = _("verzendingen")
        ordering = ["-scheduled_at", "-pk"]
        constraints = [
            # One send per newsletter: a double click or a second tab cannot send twice.
            models.UniqueConstraint(
                fields=["page"],
                condition=~Q(status="cancelled"),
                name="newsletter_one_send_per_page",
            )
        ]

    def __str__(self) -> str:
        return self.subject


class SendBatch(models.Model):
    """A slice of a send's deliveries that one task sends over one SMTP connection.

    Whoever holds the lease (`lease_token` until `lease_until`) sends it; a task that
    finds the lease expired takes over and marks what was in flight as uncertain.
    """

    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="batches")
    number = models.PositiveIntegerField()
    done = models.BooleanField(default=False)
    lease_token = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)

    wagtail_reference_index_ignore = True

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["send", "number"], name="newsletter_batch_number")
        ]
        indexes = [models.Index(fields=["send", "done"])]

    def __str__(self) -> str:
        return f"{self.send_id}/{self.number}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("in de wachtrij")
    SENDING = "sending", _("wordt verstuurd")
    SENT = "sent", _("verstuurd")
    FAILED = "failed", _("mislukt")
    SKIPPED = "skipped", _("overgeslagen (afgemeld)")
    UNCERTAIN = "uncertain", _("onzeker")


class Delivery(models.Model):
    """One recipient of one send. `answer` keeps what the mail server said."""

    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="deliveries")
    batch = models.ForeignKey(
        SendBatch, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    email = models.CharField(_("e-mailadres"), max_length=254)
    name = models.CharField(_("naam"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("antwoord van de mailserver"), blank=True)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("bezorging")
        verbose_name_plural = _("bezorgingen")
        constraints = [
            models.UniqueConstraint(
                fields=["send", "user"], name="newsletter_one_delivery_per_person"
            )
        ]
        indexes = [
            models.Index(fields=["send", "status"]),
            models.Index(fields=["batch", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_status_display()})"


class Subscription(models.Model):
    """Whether a person receives the newsletter. No row: subscribed.

    Only the newsletter listens to this; service e-mails (course reminders, RSVPs)
    still arrive.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="newsletter_subscription"
    )
    subscribed = models.BooleanField(_("ontvangt de nieuwsbrief"), default=True)
    changed_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("aanmelding nieuwsbrief")
        verbose_name_plural = _("aanmeldingen nieuwsbrief")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.subscribed}"
