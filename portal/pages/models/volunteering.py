from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from portal.pages.blocks import BodyStreamBlock
from portal.pages.models.base import BasePage
from portal.pages.models.families import FormPageMixin
from portal.pages.models.home import INTRO_FEATURES


class VolunteerApplicationPage(FormPageMixin, BasePage):
    """Recruitment: what volunteering at Home-Start means, and the application form."""

    intro = RichTextField(_("inleiding"), blank=True, features=INTRO_FEATURES)
    body = StreamField(BodyStreamBlock(), verbose_name=_("inhoud"), blank=True)
    form_heading = RichTextField(
        _("tekst boven het formulier"), blank=True, features=INTRO_FEATURES
    )
    thank_you_text = RichTextField(_("tekst na het versturen"), blank=True, features=INTRO_FEATURES)

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("form_heading"),
        FieldPanel("thank_you_text"),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["pages.HomePage"]
    subpage_types = ["pages.StandardPage"]
    thanks_template = "pages/volunteer_application_page_thanks.html"

    class Meta:
        verbose_name = _("pagina vrijwilliger worden")

    def get_context(self, request, *args, **kwargs) -> dict:
        from portal.registry import upcoming_events

        context = super().get_context(request, *args, **kwargs)
        # The introduction courses a new volunteer could join (added by `courses`).
        context["upcoming_events"] = [
            event for event in upcoming_events(limit=10) if event.kind == "course"
        ][:3]
        return context

    def form_view(self, request):
        from portal.recruitment.views import application_form

        return application_form(request, page=self)
