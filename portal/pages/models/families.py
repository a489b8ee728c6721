"""Pages for parents and referrers: the referral route, the parent page, the leaflet,
and the form through which a referrer (or a parent) signs a family up."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable
from wagtail.search import index

from portal.pages.blocks import BodyStreamBlock, StepsStreamBlock
from portal.pages.languages import (
    DUTCH_NAMES,
    LEAFLET_LANGUAGE_CHOICES,
    LEAFLET_LANGUAGES,
    NATIVE_NAMES,
    direction,
)
from portal.pages.models.base import BasePage
from portal.pages.models.home import INTRO_FEATURES


class ReferrerPage(BasePage):
    """For referrers: the referral route as numbered, editable steps, and the way in."""

    intro = RichTextField(_("inleiding"), blank=True, features=INTRO_FEATURES)
    steps = StreamField(
        StepsStreamBlock(),
        verbose_name=_("stappen"),
        blank=True,
        help_text=_("De stappen van de verwijsroute, in volgorde; ze worden genummerd getoond."),
    )
    referral_page = models.ForeignKey(
        "pages.ReferralFormPage",
        verbose_name=_("aanmeldformulier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    call_to_action = models.CharField(
        _("tekst op de knop"), max_length=80, default="Meld een gezin aan"
    )
    leaflet_page = models.ForeignKey(
        "pages.LeafletPage",
        verbose_name=_("folderpagina"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyStreamBlock(), verbose_name=_("meer informatie"), blank=True)

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [PageChooserPanel("referral_page"), FieldPanel("call_to_action")],
            heading=_("Aanmelden"),
        ),
        FieldPanel("steps"),
        PageChooserPanel("leaflet_page"),
        FieldPanel("body"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("intro"),
        index.SearchField("steps"),
        index.SearchField("body"),
    ]

    parent_page_types = ["pages.HomePage"]
    subpage_types = ["pages.ReferralFormPage", "pages.StandardPage", "pages.LeafletPage"]

    class Meta:
        verbose_name = _("pagina voor verwijzers")

    def get_context(self, request, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context.update(
            self.linked_pages(
                referral_page=self.referral_page_id, leaflet_page=self.leaflet_page_id
            )
        )
        return context


class ParentPage(BasePage):
    """For parents: what Home-Start is, how to sign up, the leaflet in their language."""

    intro = RichTextField(_("inleiding"), blank=True, features=INTRO_FEATURES)
    body = StreamField(BodyStreamBlock(), verbose_name=_("inhoud"), blank=True)
    registration_page = models.ForeignKey(
        "pages.ReferralFormPage",
        verbose_name=_("formulier om zelf aan te melden"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    call_to_action = models.CharField(_("tekst op de knop"), max_length=80, default="Meld u aan")
    leaflet_page = models.ForeignKey(
        "pages.LeafletPage",
        verbose_name=_("folderpagina"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    leaflet_label = models.CharField(
        _("tekst bij de folder"), max_length=120, default="De folder in uw taal"
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("intro"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                PageChooserPanel("registration_page"),
                FieldPanel("call_to_action"),
                PageChooserPanel("leaflet_page"),
                FieldPanel("leaflet_label"),
            ],
            heading=_("Aanmelden en folder"),
        ),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["pages.HomePage"]
    subpage_types = ["pages.ReferralFormPage", "pages.StandardPage", "pages.LeafletPage"]

    class Meta:
        verbose_name = _("pagina voor ouders")

    def get_context(self, request, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context.update(
            self.linked_pages(
                registration_page=self.registration_page_id, leaflet_page=self.leaflet_page_id
            )
        )
        return context


class LeafletPage(BasePage):
    """The parent leaflet as a document per language, each named in its own script."""

    intro = RichTextField(_("inleiding"), blank=True, features=INTRO_FEATURES)
    body = StreamField(BodyStreamBlock(), verbose_name=_("meer informatie"), blank=True)

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("intro"),
        InlinePanel(
            "leaflets",
            heading=_("Folders"),
            label=_("folder"),
            help_text=_("Eén document per taal; de taal wordt in haar eigen schrift getoond."),
        ),
        FieldPanel("body"),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("intro")]

    parent_page_types = ["pages.HomePage", "pages.ParentPage", "pages.ReferrerPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("folderpagina")

    def get_context(self, request, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        order = {code: position for position, (code, *_names) in enumerate(LEAFLET_LANGUAGES)}
        leaflets = [
            leaflet
            for leaflet in self.leaflets.select_related("document")
            if leaflet.document is not None
        ]
        context["leaflets"] = sorted(leaflets, key=lambda leaflet: order[leaflet.language])
        return context


class LeafletDocument(Orderable):
    page = ParentalKey(LeafletPage, on_delete=models.CASCADE, related_name="leaflets")
    language = models.CharField(_("taal"), max_length=5, choices=LEAFLET_LANGUAGE_CHOICES)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [FieldPanel("language"), FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = _("folder")
        verbose_name_plural = _("folders")
        constraints = [
            models.UniqueConstraint(fields=["page", "language"], name="one_leaflet_per_language")
        ]

    def __str__(self) -> str:
        return self.native_name

    @property
    def native_name(self) -> str:
        return NATIVE_NAMES[self.language]

    @property
    def dutch_name(self) -> str:
        return str(DUTCH_NAMES[self.language])

    @property
    def direction(self) -> str:
        return direction(self.language)


class FormPageMixin(RoutablePageMixin):
    """A page with a form: never cached (it carries a CSRF token), thanks at bedankt/."""

    cache_for_anonymous = False

    def form_view(self, request):
        raise NotImplementedError

    @path("")
    def form(self, request):
        return self.form_view(request)

    @path("bedankt/", name="thanks")
    def thanks(self, request):
        return self.render(request, template=self.thanks_template)

    @property
    def thanks_url(self) -> str:
        return self.url + self.reverse_subpage("thanks")


class ReferralFormPage(FormPageMixin, BasePage):
    """The referral form; in its "parents" variant parents sign themselves up."""

    REFERRER = "referrer"
    PARENTS = "parents"

    variant = models.CharField(
        _("wie vult het formulier in"),
        max_length=10,
        choices=[(REFERRER, _("een verwijzer")), (PARENTS, _("de ouders zelf"))],
        default=REFERRER,
    )
    intro = RichTextField(_("inleiding"), blank=True, features=INTRO_FEATURES)
    thank_you_text = RichTextField(_("tekst na het versturen"), blank=True, features=INTRO_FEATURES)

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("variant"),
        FieldPanel("intro"),
        FieldPanel("thank_you_text"),
    ]

    parent_page_types = ["pages.HomePage", "pages.ReferrerPage", "pages.ParentPage"]
    subpage_types: list[str] = []
    thanks_template = "pages/referral_form_page_thanks.html"

    class Meta:
        verbose_name = _("aanmeldformulier gezin")

    def form_view(self, request):
        # The form, its rules and its view belong to the referrals (`support.referrals`),
        # which register the view: `portal` never imports a part.
        from portal.registry import page_form_view

        return page_form_view("referral")(request, page=self)

    @property
    def is_self_registration(self) -> bool:
        return self.variant == self.PARENTS
