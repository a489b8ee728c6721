"""What the newsletter adds to Mijn Home-Start and to a volunteer's data download."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from newsletter.models import Delivery, NewsletterPage, Subscription
from portal.registry import MijnSection

LATEST = 3


def newsletter_mijn_section(request, volunteer) -> MijnSection:
    """Subscribed or not (with the switch), and the latest newsletters. Two queries."""
    user = request.user
    subscribed = not Subscription.objects.filter(user=user, subscribed=False).exists()
    latest = list(
        NewsletterPage.objects.live()
        .readable_by(user)
        .sent_first()
        .only("title", "url_path")[:LATEST]
    )
    return MijnSection(
        title=str(_("Nieuwsbrief")),
        template="newsletter/mijn_section.html",
        context={"subscribed": subscribed, "latest": latest},
    )


def export_newsletter_data(volunteer) -> dict:
    subscription = Subscription.objects.filter(user=volunteer.user).first()
    deliveries = Delivery.objects.filter(user=volunteer.user).select_related("send").order_by("pk")
    return {
        "newsletter": {
            "subscribed": subscription.subscribed if subscription else True,
            "received": [
                {
                    "subject": delivery.send.subject,
                    "status": delivery.status,
                    "at": delivery.finished_at.isoformat() if delivery.finished_at else None,
                }
                for delivery in deliveries
            ],
        }
    }
