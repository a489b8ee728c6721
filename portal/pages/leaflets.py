"""Small generated PDF leaflets for the demo content, one per leaflet language.

Home-Start's real leaflets are designed documents an editor uploads; these stand in
for them so the demo has something true to show. Each is written in its language
with fonts that can draw it (bundled in `fonts/`, SIL Open Font License: a fresh
machine has no Ethiopic font for Tigrinya, and DejaVu may be missing too), Arabic and
Farsi shaped and set right to left (uharfbuzz), the PDF's /Lang set. Each also says,
in Dutch, that it is a demo leaflet whose translation has not been checked by a
native speaker.
"""

from __future__ import annotations

from pathlib import Path

from portal.pages.languages import RTL_LANGUAGES

FONTS = Path(__file__).resolve().parent / "fonts"
FONT_FILES = {
    "latin": "NotoSans-Regular.ttf",  # Latin, Cyrillic
    "arabic": "NotoSansArabic-Regular.ttf",  # Arabic, Farsi
    "ethiopic": "NotoSansEthiopic-Regular.ttf",  # Tigrinya
}
SCRIPT_OF = {"ar": "arabic", "fa": "arabic", "ti": "ethiopic"}

# Title and text per language: what Home-Start is, in a few plain sentences.
TEXTS: dict[str, tuple[str, str]] = {
    "nl": (
        "Home-Start: steun aan huis voor gezinnen",
        "Heeft u een baby of jonge kinderen en kunt u wel wat hulp gebruiken? Een "
        "vrijwilliger van Home-Start komt één keer per week bij u thuis. De vrijwilliger "
        "heeft zelf ook kinderen, luistert naar u en helpt waar u dat wilt: even uw verhaal "
        "kwijt kunnen, samen naar de bibliotheek of het consultatiebureau, het huishouden "
        "op orde. Het is gratis. Bel of mail de Home-Start-afdeling bij u in de buurt, of "
        "vraag uw wijkverpleegkundige, huisarts of consultatiebureau om u aan te melden.",
    ),
    "en": (
        "Home-Start: support at home for families",
        "Do you have a baby or young children, and could you use some help? A Home-Start "
        "volunteer visits you at home once a week. Our volunteers are parents themselves; "
        "they listen, and they help with what you choose: someone to talk to, going to the "
        "library or the child health clinic together, getting the household in order. It is "
        "free. Call or e-mail your local Home-Start, or ask your health visitor, GP or child "
        "health clinic to refer you.",
    ),
    "ar": (
        "هوم ستارت: دعم في المنزل للعائلات",
        "هل لديك طفل رضيع أو أطفال صغار وتحتاج إلى بعض المساعدة؟ تزورك متطوعة أو متطوع من "
        "هوم ستارت في بيتك مرة واحدة في الأسبوع. المتطوعون آباء وأمهات أيضاً، يستمعون إليك "
        "ويساعدونك فيما تختاره أنت. الخدمة مجانية. اتصل بفرع هوم ستارت القريب منك، أو اطلب "
        "من طبيبك أو من مركز رعاية الطفل تسجيلك.",
    ),
    "fa": (
        "هوم استارت: حمایت در خانه برای خانواده‌ها",
        "آیا نوزاد یا فرزندان خردسال دارید و به کمک نیاز دارید؟ یک داوطلب هوم استارت هفته‌ای "
        "یک بار به خانه شما می‌آید. داوطلبان ما خودشان پدر یا مادر هستند، به حرف شما گوش "
        "می‌دهند و در کاری که شما بخواهید کمک می‌کنند. این کمک رایگان است. با شعبه هوم "
        "استارت نزدیک خود تماس بگیرید یا از پزشک یا مرکز بهداشت کودک بخواهید شما را معرفی کند.",
    ),
    "uk": (
        "Home-Start: підтримка вдома для сімей",
        "У вас є немовля або маленькі діти і вам потрібна допомога? Волонтер Home-Start "
        "приходить до вас додому раз на тиждень. Наші волонтери самі є батьками: вони "
        "вислухають вас і допоможуть у тому, що ви оберете. Це безкоштовно. Зателефонуйте "
        "до найближчого відділення Home-Start або попросіть сімейного лікаря чи медсестру "
        "зареєструвати вас.",
    ),
    "pl": (
        "Home-Start: wsparcie w domu dla rodzin",
        "Masz niemowlę lub małe dzieci i przydałaby Ci się pomoc? Wolontariusz Home-Start "
        "odwiedza Cię w domu raz w tygodniu. Nasi wolontariusze sami są rodzicami: wysłuchają "
        "Cię i pomogą w tym, co wybierzesz. Pomoc jest bezpłatna. Zadzwoń do najbliższego "
        "oddziału Home-Start albo poproś lekarza rodzinnego lub pielęgniarkę o zgłoszenie Cię.",
    ),
    "ti": (
        "ሆም-ስታርት፡ ኣብ ገዛ ንስድራቤታት ዝግበር ደገፍ",
        "ህጻን ወይ ንኣሽቱ ቆልዑ ኣለዉኹም፧ ሓገዝ የድልየኩም ድዩ፧ ሓደ ወለንተኛ ናይ ሆም-ስታርት ኣብ "
        "ሰሙን ሓደ ግዜ ናብ ገዛኹም ይመጽእ። ወለንተኛታትና ባዕሎም ወለዲ እዮም፣ ይሰምዑኹም፣ ኣብቲ "
        "ዝመረጽኩምዎ ድማ ይሕግዙኹም። እዚ ሓገዝ ብናጻ እዩ። ናብ ኣብ ጥቓኹም ዘሎ ጨንፈር ሆም-ስታርት ደውሉ።",
    ),
    "tr": (
        "Home-Start: aileler için evde destek",
        "Bebeğiniz ya da küçük çocuklarınız var ve biraz yardıma mı ihtiyacınız var? "
        "Home-Start'tan bir gönüllü haftada bir kez sizi evinizde ziyaret eder. "
        "Gönüllülerimiz de anne ya da babadır; sizi dinler ve sizin seçtiğiniz konularda "
        "yardım ederler. Bu destek ücretsizdir. Size en yakın Home-Start şubesini arayın "
        "ya da aile hekiminizden veya çocuk sağlığı merkezinden sizi kaydetmesini isteyin.",
    ),
}

DEMO_NOTE = (
    "Voorbeeldfolder van de demo-omgeving van het Home-Start-portaal. De vertaling is niet "
    "nagekeken door een moedertaalspreker; vervang deze folder door de officiële folder "
    "van Home-Start."
)


def build_leaflet_pdf(language: str) -> bytes:
    """The demo leaflet in `language` (one of TEXTS) as PDF bytes."""
    # Imported here: fpdf takes 0.5 to 0.8 s to import, and every process of the portal
    # (web workers, task clusters, each manage.py command) would pay it at start-up
    # through the demo builder registered in PagesConfig.ready, for a PDF only the demo
    # content writes.
    from fpdf import FPDF

    title, text = TEXTS[language]
    script = SCRIPT_OF.get(language, "latin")
    rtl = language in RTL_LANGUAGES
    pdf = FPDF(format="A4")
    pdf.set_lang(language)
    pdf.set_title(title)
    pdf.set_author("Home-Start")
    pdf.set_subject(DEMO_NOTE)
    pdf.set_creator("Home-Start portal (demo content)")
    for name in {"latin", script}:  # only what this leaflet uses is embedded
        pdf.add_font(name, fname=str(FONTS / FONT_FILES[name]))
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    align = "R" if rtl else "L"
    if rtl:
        pdf.set_text_shaping(True)
    pdf.set_font(script, size=22)
    pdf.multi_cell(0, 12, title, align=align, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(script, size=12)
    pdf.multi_cell(0, 7, text, align=align, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_shaping(False)
    pdf.ln(10)
    pdf.set_font("latin", size=8)
    pdf.set_text_color(80, 80, 80)
    pdf.multi_cell(0, 4.5, DEMO_NOTE, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
