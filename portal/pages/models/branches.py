from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from portal.pages.blocks import BodyStreamBlock
from portal.pages.models.base import BasePage
from portal.pages.models.home import INTRO_FEATURES
from portal.pages.restrictions import public


class BranchIndexPage(BasePage):
    intro = RichTextField(_("inleiding"), blank=True, features=INTRO_FEATURES)

    content_panels = [*BasePage.content_panels, FieldPanel("intro")]

    parent_page_types = ["pages.HomePage"]
    subpage_types = ["pages.BranchPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("afdelingenoverzicht")

    def get_context(self, request, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["branch_pages"] = (
            public(BranchPage.objects.child_of(self).live())
            .select_related("branch")
            .order_by("title")
        )
        return context


class BranchPage(BasePage):
    """The public page of one branch. Its area and contact details come from the
    branch itself (Afdelingen in the admin), so they are kept in one place."""

    branch = models.ForeignKey(
        "portal.Branch",
        verbose_name=_("afdeling"),
        on_delete=models.PROTECT,
        related_name="pages",
    )
    coordinator_name = models.CharField(
        _("naam coördinator"),
        max_length=200,
        blank=True,
        help_text=_("Zoals hij op de site mag staan, bijvoorbeeld „Sanne de Vries”."),
    )
    intro = RichTextField(_("inleiding"), blank=True, features=INTRO_FEATURES)
    body = StreamField(BodyStreamBlock(), verbose_name=_("inhoud"), blank=True)

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("branch"),
        FieldPanel("coordinator_name"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.RelatedFields("branch", [index.SearchField("municipalities")]),
    ]

    parent_page_types = ["pages.BranchIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("afdelingspagina")

    def get_context(self, request, *args, **kwargs) -> dict:
        from portal.registry import upcoming_events

        context = super().get_context(request, *args, **kwargs)
        # The branch's next courses and theme meetings (and national ones), from the parts.
        context["upcoming_events"] = upcoming_events(branch_ids=[self.branch_id], limit=5)
        return context

    def clean(self) -> None:
        super().clean()
        if (
            self.branch_id
            and BranchPage.objects.filter(branch_id=self.branch_id, locale_id=self.locale_id)
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError({"branch": _("Deze afdeling heeft in deze taal al een pagina.")})
