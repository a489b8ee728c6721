from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import PagePermissionTester
from wagtail.search import index

from portal.pages.blocks import BodyStreamBlock
from portal.pages.models.base import BasePage
from portal.pages.restrictions import public

INTRO_FEATURES = ["bold", "italic", "link"]


class HomePagePermissionTester(PagePermissionTester):
    """Wagtail's rights on the home page, plus the editors' on the home page itself.

    A right on the home page would cover every page below it, the parts' pages too
    (each branch's course overview, the newsletter archives), so editors hold theirs on
    the public site's pages under it (`portal.pages.permissions`) and, here, on the
    home page alone: edit, publish, unpublish it and add pages under it. Not what would
    reach the pages below: its privacy (a restriction covers every page below it),
    deleting or moving it. Only ever more rights than Wagtail's, so a route that asks
    a plain `Page` instead loses a button, never gains one.
    """

    def __init__(self, user, page):
        super().__init__(user, page)
        from portal.permissions import is_editor

        self.editor_only = False
        if user.is_active and not user.is_superuser and is_editor(user):
            granted = {"add", "change", "publish"}
            self.editor_only = not granted <= self.permissions
            self.permissions = self.permissions | granted

    def can_set_view_restrictions(self):
        return not self.editor_only and super().can_set_view_restrictions()

    def can_delete(self, ignore_bulk=False):
        return not self.editor_only and super().can_delete(ignore_bulk=ignore_bulk)

    def can_move(self):
        return not self.editor_only and super().can_move()


class HomePage(BasePage):
    """The root of the public site, one per language.

    Its children are left open on purpose: the parts add their own index pages under
    it (courses, newsletter archive), each restricting itself through
    `parent_page_types`.
    """

    intro = RichTextField(_("inleiding"), blank=True, features=INTRO_FEATURES)
    body = StreamField(BodyStreamBlock(), verbose_name=_("inhoud"), blank=True)

    content_panels = [*BasePage.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("startpagina")

    def permissions_for_user(self, user):
        return HomePagePermissionTester(user, self)

    def get_context(self, request, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["latest_news"] = (
            public(NewsPage.objects.live())
            .filter(locale_id=self.locale_id)
            .order_by("-date", "-pk")[:3]
        )
        return context


class StandardPage(BasePage):
    """A page of text: about Home-Start, privacy, contact, frequently asked questions."""

    intro = RichTextField(_("inleiding"), blank=True, features=INTRO_FEATURES)
    body = StreamField(BodyStreamBlock(), verbose_name=_("inhoud"), blank=True)

    content_panels = [*BasePage.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = _("inhoudspagina")


class NewsIndexPage(BasePage):
    intro = RichTextField(_("inleiding"), blank=True, features=INTRO_FEATURES)

    content_panels = [*BasePage.content_panels, FieldPanel("intro")]

    parent_page_types = ["pages.HomePage"]
    subpage_types = ["pages.NewsPage"]
    max_count_per_parent = 1
    per_page = 10

    class Meta:
        verbose_name = _("nieuwsoverzicht")

    def get_context(self, request, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        news = public(NewsPage.objects.child_of(self).live()).order_by("-date", "-pk")
        context["news_pages"] = Paginator(news, self.per_page).get_page(request.GET.get("page"))
        return context


def _today() -> datetime.date:
    return timezone.localdate()


class NewsPage(BasePage):
    date = models.DateField(_("datum"), default=_today)
    intro = models.TextField(
        _("samenvatting"),
        max_length=400,
        help_text=_("Twee of drie zinnen; ook te zien in het nieuwsoverzicht."),
    )
    body = StreamField(BodyStreamBlock(), verbose_name=_("inhoud"), blank=True)

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["pages.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("nieuwsbericht")
        verbose_name_plural = _("nieuwsberichten")
