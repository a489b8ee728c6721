"""Demo content of the newsletter: the national archive with an archive per branch, two
newsletters that went out (one national and public, in the national archive; one for
Utrecht, in Utrecht's archive), and a national draft.

The two sent ones are recorded as sent a few weeks ago without mailing anyone (demo
mode must not fill the console with hundreds of messages); their delivery records are
written the way `services.start_send` writes them. Safe to run twice.
"""

from __future__ import annotations

import datetime
import json

from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from newsletter.audience import page_recipients, unsubscribed
from newsletter.models import (
    Audience,
    Delivery,
    DeliveryStatus,
    NewsletterIndexPage,
    NewsletterPage,
    Send,
    SendStatus,
)
from newsletter.page_permissions import branch_archive, ensure_newsletter_archives
from newsletter.rendering import render_newsletter
from portal.models import Branch, User
from portal.permissions import NATIONAL_STAFF_GROUP


def _stream(*blocks) -> str:
    return json.dumps([{"type": kind, "value": value} for kind, value in blocks])


NEWSLETTERS = [
    {
        "title": "Nieuwsbrief voorjaar",
        "slug": "voorjaar",
        "subject": "Home-Start nieuwsbrief: het voorjaar",
        "preheader": "Een nieuwe themabijeenkomst, verhalen van vrijwilligers en de cursusdata.",
        "audience": Audience.ALL_VOLUNTEERS,
        "branches": [],
        "public": True,
        "weeks_ago": 8,
        "body": _stream(
            ("heading", {"text": "Samen sterker"}),
            (
                "paragraph",
                "<p>Dit voorjaar begonnen weer veel nieuwe vrijwilligers aan de "
                "introductiecursus. Welkom allemaal!</p>",
            ),
            (
                "story",
                {
                    "text": "Elke week een ochtend samen koffie drinken en naar de speeltuin: "
                    "kleine dingen die voor een gezin een groot verschil maken.",
                    "attribution": "een vrijwilliger uit Amersfoort",
                },
            ),
            ("events", {"heading": "Binnenkort", "kind": "", "limit": 5}),
            (
                "button",
                {
                    "text": "Ken je iemand die vrijwilliger wil worden?",
                    "page": None,
                    "url": "https://www.home-start.nl/",
                    "label": "Vertel het verder",
                },
            ),
        ),
    },
    {
        "title": "Nieuws uit Utrecht",
        "slug": "utrecht-zomer",
        "subject": "Home-Start Utrecht: nieuws voor de zomer",
        "preheader": "De intervisiedata na de zomer en een bedankje.",
        "audience": Audience.BRANCHES,
        "branches": ["utrecht"],
        "public": False,
        "weeks_ago": 2,
        "body": _stream(
            ("heading", {"text": "Dank jullie wel"}),
            ("paragraph", "<p>Wat een jaar! Dank voor jullie inzet bij de gezinnen.</p>"),
            ("events", {"heading": "Na de zomer", "kind": "", "limit": 5}),
        ),
    },
]


@transaction.atomic
def build_newsletter_demo(stdout=None) -> None:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None or NewsletterIndexPage.objects.exists():
        return
    home = site.root_page
    index = NewsletterIndexPage(
        title="Nieuwsbrieven",
        slug="nieuwsbrieven",
        intro="<p>De nieuwsbrieven van Home-Start die iedereen mag lezen.</p>",
        show_in_menus=False,
    )
    home.add_child(instance=index)
    index.save_revision().publish()
    ensure_newsletter_archives()
    staff = User.objects.filter(groups__name=NATIONAL_STAFF_GROUP).first()
    for data in NEWSLETTERS:
        branches = Branch.objects.filter(slug__in=data["branches"]).order_by("pk")
        archive = branch_archive(branches[0], national=index) if branches else index
        page = _newsletter(archive, data)
        page.save_revision(user=staff).publish()
        page.refresh_from_db()
        _record_sent(page, weeks_ago=data["weeks_ago"], user=staff)
    draft = NewsletterPage(
        title="Nieuwsbrief najaar (concept)",
        slug="najaar",
        subject="Home-Start nieuwsbrief: het najaar",
        preheader="De themabijeenkomst in november.",
        audience=Audience.ALL_VOLUNTEERS,
        body=_stream(("heading", {"text": "Najaar"}), ("paragraph", "<p>Nog in de maak.</p>")),
        live=False,
    )
    index.add_child(instance=draft)
    draft.save_revision(user=staff)
    if stdout:
        stdout.write("newsletter: archives, two sent newsletters and a draft")


def _newsletter(index, data) -> NewsletterPage:
    page = NewsletterPage(
        title=data["title"],
        slug=data["slug"],
        subject=data["subject"],
        preheader=data["preheader"],
        audience=data["audience"],
        is_public=data["public"],
        body=data["body"],
    )
    index.add_child(instance=page)
    page.branches.set(Branch.objects.filter(slug__in=data["branches"]))
    page.save()
    return page


def _record_sent(page: NewsletterPage, *, weeks_ago: int, user) -> None:
    at = timezone.now() - datetime.timedelta(weeks=weeks_ago)
    rendered = render_newsletter(page)
    users = page_recipients(page)
    skipped = set(unsubscribed(users).values_list("pk", flat=True))
    send = Send.objects.create(
        page=page,
        revision_id=page.live_revision_id,
        subject=page.subject,
        status=SendStatus.DONE,
        scheduled_at=at,
        started_at=at,
        finished_at=at + datetime.timedelta(minutes=3),
        created_by=user,
        html=rendered.html,
        text=rendered.text,
    )
    deliveries = [
        Delivery(
            send=send,
            user=person,
            email=person.email,
            name=person.get_full_name(),
            status=DeliveryStatus.SKIPPED if person.pk in skipped else DeliveryStatus.SENT,
            attempts=0 if person.pk in skipped else 1,
            finished_at=at,
            answer="" if person.pk in skipped else "250 OK",
        )
        for person in users.order_by("pk")
    ]
    Delivery.objects.bulk_create(deliveries)
    send.total = len(deliveries)
    send.save(update_fields=["total"])
