"""django-q2 entry points of the support route. They take ids and send e-mails with no
family data: no name, address, phone number or reference of the family."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.urls import reverse

from portal.emails import absolute_url, build_email
from support import services
from support.models import Concern, Match, VisitKind

logger = logging.getLogger(__name__)

# The answers a link in the weekly e-mail may carry (?antwoord=...).
LINK_ANSWERS = {
    "gedaan": VisitKind.DONE,
    "gezin": VisitKind.CANCELLED_BY_FAMILY,
    "ik": VisitKind.CANCELLED_BY_VOLUNTEER,
}


def queue_weekly_visit_questions() -> int:
    """Run weekly by the schedule made in support/migrations (Friday afternoon)."""
    return services.queue_weekly_visit_questions()


def send_visit_question(match_id: int, week: str) -> None:
    """ "Was je deze week bij het gezin?" with one-tap links, to the match's volunteer."""
    match = Match.objects.select_related("volunteer__user").filter(pk=match_id).first()
    if match is None or not match.is_active or match.volunteer is None:
        return
    if not services.wants_weekly_email(match.volunteer):
        return
    monday = datetime.date.fromisoformat(week)
    if match.visits.filter(date__gte=monday, date__lt=monday + datetime.timedelta(days=7)).exists():
        return
    token = services.week_link_token(match_id=match.pk, week=monday)
    base = absolute_url(reverse("support:week_link", args=[token]))
    user = match.volunteer.user
    build_email(
        "support_visit_question",
        {
            "first_name": user.first_name,
            "links": {key: f"{base}?antwoord={key}" for key in LINK_ANSWERS},
            "mijn_url": absolute_url(reverse("portal:mijn")),
        },
        to=[user.email],
        language=settings.LANGUAGE_CODE,
    ).send()
    logger.info("match %s: weekly visit question sent", match.pk)


def notify_concern(concern_id: int) -> None:
    """Tell the branch's coordinators at once that a volunteer worries and asks to be
    called. The e-mail holds a link only: not the family, not the volunteer."""
    concern = Concern.objects.select_related("match__branch").filter(pk=concern_id).first()
    if concern is None or not concern.is_open:
        return
    branch = concern.match.branch
    recipients = sorted({u.email for u in branch.coordinators.filter(is_active=True) if u.email})
    if not recipients and branch.email:
        recipients = [branch.email]
    if not recipients:
        logger.warning("concern %s: nobody to tell (branch %s)", concern.pk, branch.pk)
        return
    build_email(
        "support_concern",
        {"admin_url": absolute_url(reverse("support_concern", args=[concern.pk]))},
        to=recipients,
        language=settings.LANGUAGE_CODE,
    ).send()
    logger.info("concern %s: %s coordinators told", concern.pk, len(recipients))


def erase_family_details() -> int:
    """Run nightly after the referrals' retention purge."""
    return services.erase_family_details()
