"""StreamField blocks of the public pages. Each renders with its own template in
`templates/components/blocks/`."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "document-link"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("tekst"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("niveau"), choices=[("h2", "H2"), ("h3", "H3")], default="h2"
    )

    class Meta:
        icon = "title"
        label = _("Kop")
        template = "components/blocks/heading_block.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("afbeelding"))
    alt_text = blocks.CharBlock(
        label=_("alternatieve tekst"),
        max_length=250,
        required=False,
        help_text=_(
            "Wat de afbeelding laat zien, voor wie haar niet kan zien. Leeg laten als de "
            "afbeelding alleen versiert."
        ),
    )
    caption = blocks.CharBlock(label=_("onderschrift"), max_length=250, required=False)

    class Meta:
        icon = "image"
        label = _("Afbeelding")
        template = "components/blocks/image_block.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("citaat"), max_length=600)
    attribution = blocks.CharBlock(label=_("van wie"), max_length=120, required=False)

    class Meta:
        icon = "openquote"
        label = _("Citaat")
        template = "components/blocks/quote_block.html"


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("kop"), max_length=120)
    text = blocks.TextBlock(label=_("tekst"), max_length=400, required=False)
    page = blocks.PageChooserBlock(label=_("pagina"))
    button_label = blocks.CharBlock(label=_("tekst op de knop"), max_length=60)

    class Meta:
        icon = "pick"
        label = _("Oproep met knop")
        template = "components/blocks/call_to_action_block.html"


class CardBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("kop"), max_length=80)
    text = blocks.TextBlock(label=_("tekst"), max_length=300)
    page = blocks.PageChooserBlock(label=_("pagina"))
    link_label = blocks.CharBlock(label=_("linktekst"), max_length=60)


class CardsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("kop boven de kaarten"), max_length=120, required=False)
    cards = blocks.ListBlock(CardBlock(), label=_("kaarten"), min_num=1, max_num=4)

    class Meta:
        icon = "table"
        label = _("Kaarten")
        template = "components/blocks/cards_block.html"


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("vraag"), max_length=200)
    answer = blocks.RichTextBlock(label=_("antwoord"), features=RICH_TEXT_FEATURES)


class FaqBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("kop"), max_length=120, required=False)
    questions = blocks.ListBlock(QuestionBlock(), label=_("vragen"), min_num=1)

    class Meta:
        icon = "help"
        label = _("Veelgestelde vragen")
        template = "components/blocks/faq_block.html"


class BodyStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Tekst"),
        features=RICH_TEXT_FEATURES,
        template="components/blocks/paragraph_block.html",
    )
    image = ImageBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    cards = CardsBlock()
    faq = FaqBlock()


STEP_ACTORS = [
    ("referrer", _("de verwijzer")),
    ("coordinator", _("de coördinator")),
    ("volunteer", _("de vrijwilliger")),
    ("family", _("het gezin")),
]


class StepBlock(blocks.StructBlock):
    """One step of the referral route; the steps are numbered in the order they stand."""

    title = blocks.CharBlock(label=_("titel"), max_length=120)
    text = blocks.RichTextBlock(label=_("uitleg"), features=RICH_TEXT_FEATURES)
    who = blocks.ChoiceBlock(label=_("wie zet deze stap"), choices=STEP_ACTORS, required=False)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["who_label"] = dict(STEP_ACTORS).get(value.get("who"), "")
        return context

    class Meta:
        icon = "list-ol"
        label = _("Stap")
        template = "components/blocks/step_block.html"


class StepsStreamBlock(blocks.StreamBlock):
    step = StepBlock()
