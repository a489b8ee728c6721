"""django-q2 entry points for referrals. They take ids and send notices without family data.

What each e-mail may hold: the reference (a random code), the date the referral was
received and the branch's name. Never a family's name, phone number, postcode,
children or question.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.urls import reverse

from portal.emails import absolute_url, build_email
from portal.models import User
from portal.permissions import NATIONAL_STAFF_GROUP
from support.referrals import services
from support.referrals.models import Referral, ReferralKind

logger = logging.getLogger(__name__)


def _referral(referral_id: int) -> Referral | None:
    return Referral.objects.select_related("branch").filter(pk=referral_id).first()


def waiting_notice_recipients(referral: Referral) -> list[str]:
    """The branch's coordinators (its own address if it has none); national staff for a
    referral no branch covers."""
    if referral.branch is None:
        users = User.objects.filter(groups__name=NATIONAL_STAFF_GROUP, is_active=True)
        return sorted({user.email for user in users})
    recipients = sorted(
        {user.email for user in referral.branch.coordinators.filter(is_active=True)}
    )
    if not recipients and referral.branch.email:
        recipients = [referral.branch.email]
    return recipients


def notify_referral_waiting(referral_id: int) -> None:
    referral = _referral(referral_id)
    if referral is None or referral.is_erased:
        return
    recipients = waiting_notice_recipients(referral)
    if not recipients:
        logger.warning("referral %s: nobody to tell (branch %s)", referral.pk, referral.branch_id)
        return
    build_email(
        "referral_waiting",
        {
            "referral": referral,
            "admin_url": absolute_url(reverse("referrals:edit", args=[referral.pk])),
        },
        to=recipients,
        language=settings.LANGUAGE_CODE,
    ).send()


def send_referral_confirmation(referral_id: int) -> None:
    referral = _referral(referral_id)
    if referral is None or referral.is_erased:
        return
    if referral.kind == ReferralKind.REFERRER:
        address, template = referral.referrer_email, "referral_confirmation"
    else:
        address, template = referral.family_email, "referral_self_confirmation"
    if not address:
        return
    build_email(template, {"referral": referral}, to=[address], language=referral.language).send()


def tell_referrer(referral_id: int, status: str) -> None:
    """Step 8 of the referral route: support has started, or has ended."""
    referral = _referral(referral_id)
    if referral is None or referral.is_erased or not referral.referrer_email:
        return
    if status not in services.REFERRER_IS_TOLD:
        raise ValueError(f"The referrer is not told about status {status!r}.")
    build_email(
        f"referral_{status}",
        {"referral": referral},
        to=[referral.referrer_email],
        language=referral.language,
    ).send()


def erase_expired_referrals() -> int:
    """Run daily by the django-q2 schedule made in `support.referrals.schedules`."""
    return services.erase_expired_referrals()
