"""Demo content of the public site, in our own words: the home page (replacing the
foundation's one-line placeholder), pages for parents and referrers with the eight
referral steps, the leaflet page with generated PDF leaflets in eight languages, the
application page, branch pages, news, about and privacy.

English translations of the home, parent, leaflet and form pages show the language
switch; an Arabic home and parent page show a right-to-left translation. Safe to run
twice: it stops when the parent page exists.
"""

from __future__ import annotations

import datetime
import json

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Locale, Page, Site

from portal.models import Branch
from portal.pages.languages import LEAFLET_LANGUAGES
from portal.pages.leaflets import build_leaflet_pdf
from portal.pages.models import (
    BranchIndexPage,
    BranchPage,
    LeafletDocument,
    LeafletPage,
    NewsIndexPage,
    NewsPage,
    ParentPage,
    PublicSiteSettings,
    ReferralFormPage,
    ReferrerPage,
    StandardPage,
    VolunteerApplicationPage,
)


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def _stream(*blocks: tuple[str, object]) -> str:
    return json.dumps([{"type": kind, "value": value} for kind, value in blocks])


def _heading(text: str, level: str = "h2") -> tuple[str, dict]:
    return ("heading", {"text": text, "level": level})


def _paragraph(*paragraphs: str) -> tuple[str, str]:
    return ("paragraph", _p(*paragraphs))


def _publish(page: Page) -> Page:
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _add(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    return _publish(page)


def _translate(page: Page, locale: Locale, **fields) -> Page:
    translation = page.copy_for_translation(locale).specific
    for name, value in fields.items():
        setattr(translation, name, value)
    return _publish(translation)


REFERRAL_STEPS = [
    (
        "U neemt contact op met Home-Start",
        "Twijfelt u of Home-Start past bij een gezin? Bel of mail de coördinator van de "
        "afdeling in de buurt. Samen kijkt u of een vrijwilliger iets kan betekenen.",
        "referrer",
    ),
    (
        "U geeft de ouders de folder",
        "Geef de ouders de folder in hun eigen taal, of wijs hen op de folders op deze site. "
        "Er zijn folders in het Nederlands, Arabisch, Engels, Farsi, Oekraïens, Pools, "
        "Tigrinya en Turks.",
        "referrer",
    ),
    (
        "De ouders melden zich aan, of u doet het voor hen",
        "Ouders kunnen zelf bellen of zich aanmelden via de site. Lukt dat niet, of willen "
        "ze dat liever niet zelf doen? Dan meldt u het gezin aan met het formulier, met hun "
        "naam en telefoonnummer, en altijd met hun toestemming.",
        "referrer",
    ),
    (
        "De coördinator gaat op huisbezoek",
        "De coördinator maakt kennis met het gezin en bespreekt wat er speelt. Past de "
        "hulpvraag bij Home-Start, dan zoekt zij een vrijwilliger die bij het gezin past "
        "en stelt hen aan elkaar voor.",
        "coordinator",
    ),
    (
        "De vrijwilliger komt elke week",
        "Een vrijwilliger met eigen ervaring als ouder komt één dagdeel per week, een paar "
        "maanden tot anderhalf jaar lang. Het is steun, geen professionele hulpverlening.",
        "volunteer",
    ),
    (
        "De coördinator blijft betrokken",
        "Tussendoor neemt de coördinator contact op met het gezin en de vrijwilliger om te "
        "horen hoe het gaat en of de steun nog aansluit bij wat het gezin nodig heeft.",
        "coordinator",
    ),
    (
        "De steun wordt afgerond",
        "Als het gezin weer verder kan, bouwt de vrijwilliger de bezoeken af. De "
        "coördinator evalueert de steun met het gezin en sluit haar af.",
        "coordinator",
    ),
    (
        "U hoort hoe het gaat",
        "We laten u weten wanneer de steun begint en wanneer zij is afgesloten. Om de "
        "privacy van het gezin te beschermen, noemen we het gezin daarbij niet bij naam.",
        "coordinator",
    ),
]

NEWS = [
    (
        "Nieuwe introductiecursus voor vrijwilligers in het voorjaar",
        "In maart begint een nieuwe groep vrijwilligers aan de introductiecursus van zes "
        "ochtenden. Er zijn nog plaatsen.",
        [
            _paragraph(
                "Wil je gezinnen met jonge kinderen een steuntje in de rug geven? In maart start "
                "een nieuwe introductiecursus van zes ochtenden. Je leert er hoe je aansluit "
                "bij wat een gezin nodig heeft, hoe je grenzen bewaakt en wanneer je de "
                "coördinator inschakelt.",
                "Na de cursus word je gekoppeld aan een gezin bij jou in de buurt. Je staat er "
                "niet alleen voor: je komt regelmatig samen met andere vrijwilligers in een "
                "intervisiegroep.",
            )
        ],
        28,
    ),
    (
        "Folders nu ook in het Oekraïens en het Tigrinya",
        "De folder voor ouders is er nu in acht talen. Verwijzers kunnen hem downloaden en "
        "meegeven.",
        [
            _paragraph(
                "Veel gezinnen die we steunen, spreken thuis een andere taal dan Nederlands. "
                "Daarom is de folder voor ouders er nu ook in het Oekraïens en het Tigrinya, "
                "naast het Nederlands, Arabisch, Engels, Farsi, Pools en Turks.",
                "Verwijzers kunnen de folder downloaden en printen, of ouders wijzen op de "
                "folderpagina op deze site.",
            )
        ],
        6,
    ),
]

BRANCH_INTROS = {
    "utrecht": "Home-Start Utrecht steunt gezinnen in Utrecht, Nieuwegein en Houten. "
    "Ruim veertig vrijwilligers gaan hier elke week op bezoek.",
    "amersfoort": "Home-Start Amersfoort is er voor gezinnen in Amersfoort, Leusden en Soest.",
    "zwolle": "Home-Start Zwolle steunt gezinnen in Zwolle, Kampen en Dalfsen.",
}


def _documents() -> dict[str, object]:
    """The leaflets, in the public collection the editors keep (`Publiek`)."""
    from portal.pages.permissions import public_collection

    Document = get_document_model()
    collection = public_collection()
    documents = {}
    for code, _native, dutch in LEAFLET_LANGUAGES:
        title = f"Folder voor ouders – {dutch}"
        document = Document.objects.filter(title=title).first()
        if document is None:
            document = Document(title=title, collection=collection)
            document.file.save(
                f"home-start-folder-{code}.pdf", ContentFile(build_leaflet_pdf(code)), save=False
            )
            document.save()
        documents[code] = document
    return documents


@transaction.atomic
def build_pages_demo(stdout=None) -> None:
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    if ParentPage.objects.exists():
        return
    en, _ = Locale.objects.get_or_create(language_code="en")
    ar, _ = Locale.objects.get_or_create(language_code="ar")
    Locale.objects.get_or_create(language_code="fa")

    # --- Parents: the leaflet page, the self-registration form, the parent page.
    parents = _add(
        home,
        ParentPage(
            title="Voor ouders",
            slug="voor-ouders",
            show_in_menus=True,
            seo_title="Steun aan huis voor ouders met jonge kinderen",
            search_description=(
                "Een vrijwilliger van Home-Start komt elke week bij u thuis: een luisterend "
                "oor en praktische hulp. Gratis, en in uw eigen tempo."
            ),
            intro=_p(
                "Heeft u een baby of jonge kinderen en zit u even niet lekker in uw vel? Voelt "
                "u zich alleen, of loopt het thuis over uw hoofd? Een vrijwilliger van "
                "Home-Start komt één keer per week bij u thuis."
            ),
            body=_stream(
                _heading("Wat doet een vrijwilliger?"),
                _paragraph(
                    "De vrijwilliger heeft zelf kinderen en weet hoe het is. Zij of hij "
                    "luistert, denkt mee en helpt waar u dat wilt: samen naar het "
                    "consultatiebureau of de bibliotheek, even met de kinderen spelen zodat u "
                    "op adem komt, of de post en het huishouden op orde brengen.",
                    "Het is geen hulpverlening en er wordt niets over u besloten. U bepaalt "
                    "zelf waar de vrijwilliger bij helpt.",
                ),
                _heading("Voor wie?"),
                _paragraph(
                    "Voor gezinnen met minstens één kind jonger dan twaalf jaar, en voor "
                    "ouders die in verwachting zijn (vanaf de 28e week). De steun is gratis."
                ),
                _heading("Hoe meld ik me aan?"),
                _paragraph(
                    "Meld u aan met het formulier, of bel de afdeling bij u in de buurt. "
                    "De coördinator belt u terug en komt langs voor een kennismaking."
                ),
            ),
        ),
    )
    documents = _documents()
    leaflet_page = LeafletPage(
        title="De folder in uw taal",
        slug="folder",
        seo_title="Folder voor ouders in acht talen",
        search_description=(
            "Download de folder van Home-Start in het Nederlands, Arabisch, Engels, Farsi, "
            "Oekraïens, Pools, Tigrinya of Turks."
        ),
        intro=_p(
            "De folder over Home-Start is er in acht talen. Download hem, print hem uit, "
            "of stuur de link naar de ouders."
        ),
    )
    for order, (code, _native, _dutch) in enumerate(LEAFLET_LANGUAGES):
        leaflet_page.leaflets.add(
            LeafletDocument(language=code, document=documents[code], sort_order=order)
        )
    leaflet_page = _add(parents, leaflet_page)
    registration = _add(
        parents,
        ReferralFormPage(
            title="Zelf aanmelden",
            slug="aanmelden",
            variant=ReferralFormPage.PARENTS,
            search_description="Meld u aan voor steun van een vrijwilliger van Home-Start.",
            intro=_p(
                "Vul het formulier in, dan belt de coördinator van de afdeling bij u in de "
                "buurt u binnen een week. Liever bellen? Kijk bij de afdelingen."
            ),
            thank_you_text=_p(
                "Bedankt voor uw aanmelding. De coördinator belt u binnen een week voor een "
                "kennismaking. Heeft u uw e-mailadres ingevuld, dan krijgt u ook een bevestiging."
            ),
        ),
    )
    parents.registration_page = registration
    parents.leaflet_page = leaflet_page
    parents = _publish(parents)

    # --- Referrers: the referral route as eight steps, and the referral form.
    referrers = _add(
        home,
        ReferrerPage(
            title="Voor verwijzers",
            slug="voor-verwijzers",
            show_in_menus=True,
            seo_title="Een gezin verwijzen naar Home-Start",
            search_description=(
                "Jeugdverpleegkundigen, huisartsen, wijkteams, scholen en kinderopvang: zo "
                "verwijst u een gezin naar Home-Start, in acht stappen."
            ),
            intro=_p(
                "Ziet u een gezin met jonge kinderen dat het even zwaar heeft? Een vrijwilliger "
                "van Home-Start kan het verschil maken: laagdrempelig, preventief en naast de "
                "hulp die er al is. Zo verloopt een verwijzing."
            ),
            steps=_stream(
                *[
                    ("step", {"title": title, "text": _p(text), "who": who})
                    for title, text, who in REFERRAL_STEPS
                ]
            ),
            call_to_action="Meld een gezin aan",
            body=_stream(
                (
                    "faq",
                    {
                        "heading": "Veelgestelde vragen",
                        "questions": [
                            {
                                "question": "Moeten de ouders instemmen met de aanmelding?",
                                "answer": _p(
                                    "Ja. Meld een gezin alleen aan als de ouders ervan weten en "
                                    "ermee instemmen. Home-Start werkt alleen met gezinnen die "
                                    "zelf steun willen."
                                ),
                            },
                            {
                                "question": "Hoor ik hoe het met het gezin gaat?",
                                "answer": _p(
                                    "We laten u weten wanneer de steun begint en wanneer zij "
                                    "afgesloten is. Over de inhoud van de steun vertellen we "
                                    "niets: dat is aan het gezin."
                                ),
                            },
                            {
                                "question": "Wat gebeurt er met de gegevens?",
                                "answer": _p(
                                    "Alleen de coördinator van de afdeling ziet de aanmelding. "
                                    "Een jaar nadat de steun is afgesloten, wissen we de "
                                    "persoonsgegevens; alleen anonieme cijfers voor ons "
                                    "jaarverslag blijven."
                                ),
                            },
                        ],
                    },
                ),
            ),
            leaflet_page=leaflet_page,
        ),
    )
    referral_form = _add(
        referrers,
        ReferralFormPage(
            title="Een gezin aanmelden",
            slug="aanmelden",
            variant=ReferralFormPage.REFERRER,
            search_description="Meld een gezin aan voor Home-Start, met toestemming van de ouders.",
            intro=_p(
                "Vul de gegevens van het gezin in, met toestemming van de ouders. De coördinator "
                "van de afdeling in hun buurt neemt binnen een week contact met hen op. U krijgt "
                "een bevestiging per e-mail."
            ),
        ),
    )
    referrers.referral_page = referral_form
    referrers = _publish(referrers)

    # --- Volunteers, branches, news, about, privacy.
    volunteering = _add(
        home,
        VolunteerApplicationPage(
            title="Vrijwilliger worden",
            slug="vrijwilliger-worden",
            show_in_menus=True,
            seo_title="Word vrijwilliger bij Home-Start",
            search_description=(
                "Heb je zelf kinderen en een dagdeel per week over? Steun een gezin bij jou in "
                "de buurt. Je krijgt een introductiecursus van zes ochtenden."
            ),
            intro=_p(
                "Heb je zelf ervaring als ouder en een dagdeel per week over? Als vrijwilliger "
                "van Home-Start steun je een gezin met jonge kinderen bij jou in de buurt."
            ),
            body=_stream(
                _heading("Wat vragen we?"),
                _paragraph(
                    "Eigen ervaring met het opvoeden van kinderen, een open houding en een "
                    "dagdeel per week, een jaar lang. Je volgt eerst een introductiecursus van "
                    "zes ochtenden en vraagt een verklaring omtrent het gedrag (VOG) aan; de "
                    "kosten daarvan betalen wij."
                ),
                _heading("Wat krijg je ervoor terug?"),
                _paragraph(
                    "Een gezin dat weer verder kan, begeleiding door een coördinator, "
                    "intervisie met andere vrijwilligers en twee keer per jaar een "
                    "themabijeenkomst. Je onkosten worden vergoed."
                ),
            ),
            form_heading=_p(
                "Vul het formulier in. Je krijgt een e-mail om een wachtwoord te kiezen, en de "
                "coördinator van je afdeling nodigt je uit voor een kennismaking."
            ),
        ),
    )
    branch_index = _add(
        home,
        BranchIndexPage(
            title="Afdelingen",
            slug="afdelingen",
            show_in_menus=True,
            search_description="De Home-Start-afdelingen, hun werkgebied en hoe u ze bereikt.",
            intro=_p(
                "Home-Start werkt met afdelingen, elk met een eigen coördinator en werkgebied."
            ),
        ),
    )
    for branch in Branch.objects.prefetch_related("coordinators"):
        coordinator = branch.coordinators.order_by("pk").first()
        _add(
            branch_index,
            BranchPage(
                title=branch.name,
                slug=branch.slug,
                branch=branch,
                coordinator_name=coordinator.get_full_name() if coordinator else "",
                search_description=f"{branch.name}: werkgebied, coördinator en contact.",
                intro=_p(
                    BRANCH_INTROS.get(branch.slug, f"{branch.name} steunt gezinnen in de buurt.")
                ),
            ),
        )
    news_index = _add(
        home,
        NewsIndexPage(
            title="Nieuws",
            slug="nieuws",
            show_in_menus=True,
            search_description="Nieuws van Home-Start.",
        ),
    )
    today = timezone.localdate()
    for title, intro, body, days_ago in NEWS:
        _add(
            news_index,
            NewsPage(
                title=title,
                date=today - datetime.timedelta(days=days_ago),
                intro=intro,
                search_description=intro,
                body=_stream(*body),
            ),
        )
    about = _add(
        home,
        StandardPage(
            title="Over Home-Start",
            slug="over-home-start",
            show_in_menus=True,
            search_description="Wat Home-Start is en hoe het werkt.",
            intro=_p(
                "Home-Start biedt laagdrempelige, preventieve steun aan huis aan gezinnen met "
                "jonge kinderen, van de zwangerschap tot twaalf jaar."
            ),
            body=_stream(
                _paragraph(
                    "Getrainde vrijwilligers met eigen ervaring als ouder bezoeken één gezin "
                    "één dagdeel per week, een paar maanden tot anderhalf jaar lang. Gemiddeld "
                    "besteedt een vrijwilliger zo'n 105 uur per jaar aan een gezin.",
                    "Elke afdeling wordt geleid door een betaalde coördinator, die gezinnen en "
                    "vrijwilligers aan elkaar koppelt en hen begeleidt.",
                ),
                (
                    "quote",
                    {
                        "quote": "Ze kwam elke dinsdag. Soms deden we boodschappen, soms "
                        "dronken we alleen koffie. Daarna kon ik de week weer aan.",
                        "attribution": "Een moeder uit Utrecht",
                    },
                ),
            ),
        ),
    )
    privacy = _add(
        home,
        StandardPage(
            title="Privacyverklaring",
            slug="privacy",
            search_description="Welke gegevens Home-Start bewaart, waarom en hoe lang.",
            intro=_p(
                "Hoe Home-Start omgaat met de gegevens van gezinnen, verwijzers en vrijwilligers."
            ),
            body=_stream(
                _heading("Aanmeldingen van gezinnen"),
                _paragraph(
                    "Een aanmelding zien alleen de coördinatoren van de afdeling in de buurt van "
                    "het gezin. E-mails over een aanmelding noemen het gezin nooit. Een jaar nadat "
                    "de steun is afgesloten wissen we de namen, telefoonnummers, de postcode en de "
                    "hulpvraag. Wat blijft zijn cijfers voor het jaarverslag: de gemeente, het "
                    "aantal kinderen, wie verwees en waarbij we hielpen."
                ),
                _heading("Vrijwilligers"),
                _paragraph(
                    "Vrijwilligers zien en downloaden hun eigen gegevens in Mijn Home-Start en "
                    "kunnen daar vragen om ze te verwijderen."
                ),
            ),
        ),
    )

    # --- The home page, replacing the foundation's one-line placeholder.
    home.title = "Home-Start"
    home.seo_title = "Home-Start: steun aan huis voor gezinnen met jonge kinderen"
    home.search_description = (
        "Vrijwilligers van Home-Start steunen gezinnen met jonge kinderen, één dagdeel per "
        "week bij hen thuis."
    )
    home.intro = _p(
        "Steun aan huis voor gezinnen met jonge kinderen, door vrijwilligers die zelf ouder zijn."
    )
    home.body = _stream(
        (
            "cards",
            {
                "heading": "Voor wie is deze site?",
                "cards": [
                    {
                        "heading": "Ouders",
                        "text": "Even hulp nodig met een baby of jonge kinderen? "
                        "Een vrijwilliger komt bij u thuis.",
                        "page": parents.pk,
                        "link_label": "Lees meer voor ouders",
                    },
                    {
                        "heading": "Verwijzers",
                        "text": "Jeugdverpleegkundige, huisarts of wijkteam? "
                        "Zo meldt u een gezin aan.",
                        "page": referrers.pk,
                        "link_label": "Lees meer voor verwijzers",
                    },
                    {
                        "heading": "Vrijwilligers",
                        "text": "Heb je zelf kinderen en een dagdeel per week over? "
                        "Word vrijwilliger.",
                        "page": volunteering.pk,
                        "link_label": "Lees meer over vrijwilliger worden",
                    },
                ],
            },
        ),
    )
    home = _publish(home)
    settings_ = PublicSiteSettings.for_site(site)
    settings_.privacy_page = privacy
    settings_.contact_email = "info@homestart.example"
    settings_.contact_phone = "030 000 00 00"
    settings_.save()

    _translations(home, parents, leaflet_page, registration, en=en, ar=ar)
    if stdout:
        stdout.write(
            f"  pages: {Page.objects.filter(depth__gt=1).count()} pages "
            f"({about.title}, {referrers.title}, …), {len(documents)} leaflets"
        )


def _translations(home, parents, leaflet_page, registration, *, en, ar) -> None:
    """English: home, parents, leaflet and form. Arabic: home and parents (right to left)."""
    _translate(
        home,
        en,
        title="Home-Start",
        seo_title="Home-Start: support at home for families with young children",
        search_description="Home-Start volunteers support families with young children at home.",
        intro=_p(
            "Support at home for families with young children, from volunteers who are "
            "parents themselves."
        ),
        body=_stream(
            _paragraph(
                "A Home-Start volunteer visits a family one morning or afternoon a week, for a "
                "few months up to a year and a half. Most of this site is in Dutch; the pages for "
                "parents are also in English."
            )
        ),
    )
    _translate(
        parents,
        en,
        title="For parents",
        slug="for-parents",
        seo_title="Support at home for parents of young children",
        search_description="A Home-Start volunteer visits you at home every week. Free of charge.",
        intro=_p(
            "Do you have a baby or young children, and is it all a bit much at the moment? A "
            "Home-Start volunteer visits you at home once a week."
        ),
        body=_stream(
            _heading("What does a volunteer do?"),
            _paragraph(
                "The volunteer is a parent too. They listen, think along with you and help with "
                "what you choose: going to the child health clinic together, playing with the "
                "children so you can catch your breath, or sorting out the post.",
                "It is not professional care, and nothing is decided about you. It is free.",
            ),
        ),
        call_to_action="Sign up",
        leaflet_label="The leaflet in your language",
    )
    _translate(
        leaflet_page,
        en,
        title="The leaflet in your language",
        seo_title="Parent leaflet in eight languages",
        search_description="Download the Home-Start leaflet in eight languages.",
        intro=_p(
            "The Home-Start leaflet is available in eight languages. Download it, print it, "
            "or send the link."
        ),
    )
    _translate(
        registration,
        en,
        title="Sign up",
        slug="sign-up",
        search_description="Sign up for support from a Home-Start volunteer.",
        intro=_p(
            "Fill in the form and the coordinator of your local Home-Start will call you "
            "within a week."
        ),
        thank_you_text=_p("Thank you. The coordinator will call you within a week."),
    )

    _translate(
        home,
        ar,
        title="هوم ستارت",
        seo_title="هوم ستارت: دعم في المنزل للعائلات",
        search_description="متطوعون يزورون العائلات التي لديها أطفال صغار مرة في الأسبوع.",
        intro=_p("دعم في المنزل للعائلات التي لديها أطفال صغار، من متطوعين هم آباء وأمهات أيضاً."),
        body="[]",
    )
    _translate(
        parents,
        ar,
        title="للآباء والأمهات",
        slug="lil-aba",
        seo_title="دعم في المنزل للآباء والأمهات",
        search_description="متطوعة أو متطوع من هوم ستارت يزورك في بيتك مرة في الأسبوع، مجاناً.",
        intro=_p(
            "هل لديك طفل رضيع أو أطفال صغار، وتشعر أن الأمور أصبحت صعبة قليلاً؟ تزورك متطوعة أو "
            "متطوع من هوم ستارت في بيتك مرة واحدة في الأسبوع."
        ),
        body=_stream(
            _heading("ماذا يفعل المتطوع؟"),
            _paragraph(
                "المتطوعون آباء وأمهات أيضاً. يستمعون إليك ويساعدونك فيما تختاره أنت، مثل الذهاب "
                "معاً إلى مركز رعاية الطفل أو اللعب مع الأطفال لتأخذ قسطاً من الراحة. الخدمة مجانية.",
            ),
        ),
        call_to_action="سجّل الآن",
        leaflet_label="النشرة بلغتك",
    )
