"""StreamField blocks of a newsletter. Each renders with its own template in
`templates/components/blocks/`; the same templates serve the web page and the e-mail
(their styles are inlined into the e-mail when it is sent)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from portal.registry import upcoming_events

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]

EVENT_KINDS = [
    ("", _("alles")),
    ("theme_meeting", _("themabijeenkomsten")),
    ("course", _("cursussen")),
]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("tekst"), max_length=120)

    class Meta:
        icon = "title"
        label = _("Kop")
        template = "components/blocks/newsletter_heading_block.html"


class StoryBlock(blocks.StructBlock):
    """A quote or a short story of a volunteer, with who told it."""

    text = blocks.TextBlock(label=_("citaat of verhaal"), max_length=2000)
    attribution = blocks.CharBlock(label=_("van wie"), max_length=120, required=False)

    class Meta:
        icon = "openquote"
        label = _("Citaat of verhaal")
        template = "components/blocks/newsletter_story_block.html"


class NewsletterImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("afbeelding"))
    alt_text = blocks.CharBlock(
        label=_("alternatieve tekst"),
        max_length=250,
        required=False,
        help_text=_("Wat de afbeelding laat zien, voor wie haar niet kan zien."),
    )
    caption = blocks.CharBlock(label=_("onderschrift"), max_length=250, required=False)

    class Meta:
        icon = "image"
        label = _("Afbeelding")
        template = "components/blocks/newsletter_image_block.html"


class ButtonBlock(blocks.StructBlock):
    """A call to action: a page of the portal or an address elsewhere."""

    text = blocks.TextBlock(label=_("tekst"), max_length=400, required=False)
    page = blocks.PageChooserBlock(label=_("pagina"), required=False)
    url = blocks.URLBlock(label=_("of een adres"), required=False)
    label = blocks.CharBlock(label=_("tekst op de knop"), max_length=60)

    class Meta:
        icon = "pick"
        label = _("Oproep met knop")
        template = "components/blocks/newsletter_button_block.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "url": blocks.BlockValidationError(_("Kies een pagina of vul een adres in."))
                }
            )
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        page = value.get("page")
        context["href"] = (page.url if page else None) or value.get("url") or ""
        return context


class UpcomingEventsBlock(blocks.StructBlock):
    """Lists the coming theme meetings and courses by itself, from the portal's own data
    (every part's provider in `portal.registry`), at the moment the newsletter is shown
    or sent."""

    heading = blocks.CharBlock(label=_("kop"), max_length=120, default=_("Binnenkort"))
    kind = blocks.ChoiceBlock(label=_("soort"), choices=EVENT_KINDS, required=False)
    limit = blocks.IntegerBlock(label=_("hoeveel"), default=5, min_value=1, max_value=20)

    class Meta:
        icon = "date"
        label = _("Binnenkort: bijeenkomsten en cursussen")
        template = "components/blocks/newsletter_events_block.html"

    def events(self, value, *, branch_ids: list[int] | None) -> list:
        limit = value.get("limit") or 5
        kind = value.get("kind") or ""
        # Ask for more when filtering, so that `limit` of the wanted kind remain.
        found = upcoming_events(branch_ids=branch_ids, limit=limit * 4 if kind else limit)
        if kind:
            found = [event for event in found if event.kind == kind or event.kind.startswith(kind)]
        return found[:limit]

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        page = (parent_context or {}).get("page")
        branch_ids = (
            page.event_branch_ids()
            if page is not None and hasattr(page, "event_branch_ids")
            else None
        )
        context["events"] = self.events(value, branch_ids=branch_ids)
        return context


class NewsletterStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Tekst"),
        features=RICH_TEXT_FEATURES,
        template="components/blocks/newsletter_paragraph_block.html",
    )
    image = NewsletterImageBlock()
    story = StoryBlock()
    button = ButtonBlock()
    events = UpcomingEventsBlock()
