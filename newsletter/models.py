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
from django.http import Http404, HttpResponsePermanentRedirect
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.fields import RichTextField, StreamField
from wagtail.models import PageManager, PagePermissionTester
from wagtail.query import PageQuerySet
from wagtail.search import index
from wagtail.url_routing import RouteResult

from newsletter.blocks import NewsletterStreamBlock
from portal.errors import ServiceError
from portal.models import Branch, VolunteerStatus
from portal.pages.models import BasePage
from portal.widgets import PlainCheckboxSelectMultiple


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
        archive_branch = self.archive_branch()
        if archive_branch is not None and self.instance.pk is None and not self.is_bound:
            self.initial.setdefault("branches", [archive_branch.pk])

    def archive_branch(self):
        """The branch whose archive this newsletter is in (None: the national archive)."""
        parent = getattr(self, "parent_page", None)
        if parent is None and self.instance.pk is not None:
            parent = self.instance.get_parent()
        if parent is None:
            return None
        parent = parent.specific
        return parent.branch if isinstance(parent, NewsletterIndexPage) else None

    def clean(self):
        from newsletter.audience import check_audience

        cleaned = super().clean()
        branches = cleaned.get("branches")
        archive_branch = self.archive_branch()
        if archive_branch is not None and (
            cleaned.get("audience") == Audience.ALL_VOLUNTEERS
            or archive_branch not in (branches or [])
        ):
            # Where a newsletter lives decides who may edit it (Wagtail's rights on the
            # branch archive); it always goes to that branch, never to everyone.
            self.add_error(
                "branches",
                _(
                    "Een nieuwsbrief in het archief van %(branch)s gaat in elk geval naar "
                    "die afdeling (en niet naar alle vrijwilligers)."
                )
                % {"branch": archive_branch.name},
            )
            return cleaned
        try:
            check_audience(
                user=self.for_user,
                audience=cleaned.get("audience") or "",
                branch_ids=[branch.pk for branch in branches] if branches else [],
            )
        except ServiceError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        return cleaned


class NewsletterIndexPageForm(WagtailAdminPageForm):
    """The national archive holds no branch; each archive under it holds exactly one."""

    def clean(self):
        cleaned = super().clean()
        parent = self.parent_page.specific if self.parent_page is not None else None
        branch = cleaned.get("branch")
        if self.instance.pk is not None:
            saved = NewsletterIndexPage.objects.filter(pk=self.instance.pk).first()
            if saved is not None and saved.branch_id != (branch.pk if branch else None):
                # The rights on the archive were given to that branch's coordinators.
                self.add_error("branch", _("De afdeling van een nieuwsbriefarchief blijft."))
                return cleaned
        if isinstance(parent, NewsletterIndexPage):
            if branch is None:
                self.add_error("branch", _("Kies de afdeling van dit nieuwsbriefarchief."))
            elif (
                NewsletterIndexPage.objects.child_of(parent)
                .filter(branch=branch)
                .exclude(pk=self.instance.pk)
                .exists()
            ):
                self.add_error("branch", _("Deze afdeling heeft al een nieuwsbriefarchief."))
        elif branch is not None:
            self.add_error(
                "branch",
                _("Het landelijke nieuwsbriefarchief hoort bij geen afdeling."),
            )
        return cleaned


class NewsletterIndexPage(BasePage):
    """A newsletter archive. The national one (under the home page, no branch) holds the
    national newsletters and one archive per branch (/nieuwsbrieven/utrecht/), which
    holds that branch's newsletters. Wagtail's page rights are granted per archive
    (`newsletter.page_permissions`): a branch's coordinators on their own archive,
    national staff on all. Each archive lists the newsletters below it that the reader
    may read (`NewsletterPageQuerySet.readable_by`)."""

    branch = models.ForeignKey(
        Branch,
        verbose_name=_("afdeling"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="newsletter_index_pages",
        help_text=_("Leeg voor het landelijke archief."),
    )
    intro = RichTextField(_("inleiding"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*BasePage.content_panels, FieldPanel("branch"), FieldPanel("intro")]
    base_form_class = NewsletterIndexPageForm
    parent_page_types = ["pages.HomePage", "newsletter.NewsletterIndexPage"]
    subpage_types = ["newsletter.NewsletterPage", "newsletter.NewsletterIndexPage"]
    per_page = 12

    class Meta:
        verbose_name = _("nieuwsbriefarchief")

    def save(self, *args, **kwargs):
        created = self.pk is None
        result = super().save(*args, **kwargs)
        if created:
            from newsletter.page_permissions import archive_created

            archive_created(self)
        return result

    @classmethod
    def can_create_at(cls, parent) -> bool:
        """One national archive per home page; branch archives only directly under it."""
        if not super().can_create_at(parent):
            return False
        specific = parent.specific
        if isinstance(specific, NewsletterIndexPage):
            return specific.branch_id is None
        return not NewsletterIndexPage.objects.child_of(parent).exists()

    def get_context(self, request, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        newsletters = (
            NewsletterPage.objects.descendant_of(self).live().readable_by(request.user).sent_first()
        )
        context["newsletters"] = Paginator(newsletters, self.per_page).get_page(
            request.GET.get("page")
        )
        return context

    def route(self, request, path_components):
        """Old addresses keep working: before the branch archives every newsletter lived
        directly under the national archive (/nieuwsbrieven/<slug>/), and e-mails that
        went out link there. Such an address, when no page below answers it, leads
        permanently to the newsletter with that slug in a branch archive (the oldest)."""
        try:
            return super().route(request, path_components)
        except Http404:
            if self.branch_id is not None or len(path_components) != 1:
                raise
            moved = (
                NewsletterPage.objects.descendant_of(self)
                .filter(depth=self.depth + 2, slug=path_components[0])
                .live()
                .order_by("pk")
                .first()
            )
            if moved is None:
                raise
            return RouteResult(self, kwargs={"moved_to": moved})

    def serve(self, request, *args, **kwargs):
        moved = kwargs.pop("moved_to", None)
        if moved is not None:
            return HttpResponsePermanentRedirect(moved.get_url(request))
        return super().serve(request, *args, **kwargs)


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
        """What a person may read on the site (`newsletter.permissions`, one predicate
        for the page, the archives, search and the sitemap)."""
        from newsletter.permissions import readable_newsletters_filter

        return self.filter(readable_newsletters_filter(user))


class NewsletterPermissionTester(PagePermissionTester):
    """Wagtail's own rights (granted per archive), less the one rule Wagtail cannot
    express: a newsletter addressed to branches A and B lives in A's archive, and only a
    coordinator of both may touch it (`newsletter.permissions.addresses_only_own_branches`)."""

    def __init__(self, user, page):
        super().__init__(user, page)
        from newsletter.permissions import addresses_only_own_branches

        if self.permissions and not addresses_only_own_branches(user, page):
            self.permissions = set()


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
                FieldPanel("branches", widget=PlainCheckboxSelectMultiple),
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
            ObjectList(BasePage.promote_panels, heading=_("Eigenschappen")),
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

    @classmethod
    def not_listed_publicly(cls):
        """What an anonymous visitor may not read stays out of site search and the
        sitemap: the same predicate as the page itself."""
        from django.contrib.auth.models import AnonymousUser

        from newsletter.permissions import readable_newsletters_filter

        readable = cls.objects.filter(readable_newsletters_filter(AnonymousUser()))
        return cls.objects.exclude(pk__in=readable.values("pk"))

    def permissions_for_user(self, user):
        """Wagtail's rights from the archive the newsletter lives in, narrowed for a
        newsletter addressed to more branches than this coordinator has.

        Every Wagtail route asks this tester (edit, delete, move, copy, unpublish, the
        privacy dialog, view_draft, revisions, and the bulk actions, which Wagtail casts
        to this class). Another branch's archive gives no rights at all, so Wagtail's
        listings, choosers and search leave its newsletters out by themselves.
        """
        return NewsletterPermissionTester(user, self)

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
    # Written, and committed, right before DATA: a claimed delivery without it never
    # reached the server and is sent again after a crash; one with it is uncertain.
    data_at = models.DateTimeField(null=True, blank=True)
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


class SendingLedger(models.Model):
    """One row per newsletter job that must not run or be queued twice at once
    (`resume_sends`): who runs it until when, and since when a copy waits in the queue."""

    name = models.CharField(max_length=50, unique=True)
    holder = models.CharField(max_length=32, blank=True)
    held_until = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    # When the cluster (re)started: the next run queues again every batch queued
    # before then (a worker that died may have taken its task with it).
    restarted_at = models.DateTimeField(null=True, blank=True)

    wagtail_reference_index_ignore = True

    def __str__(self) -> str:
        return self.name


class SendingRate(models.Model):
    """The relay's rate as a token bucket shared by every batch task on every cluster
    (`newsletter/pacing.py`): one row per limit ("second", "hour"), holding the tokens
    left when it was last consulted."""

    name = models.CharField(max_length=20, unique=True)
    tokens = models.FloatField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)

    wagtail_reference_index_ignore = True

    def __str__(self) -> str:
        return f"{self.name}: {self.tokens:.1f}"
