"""Hand-built report data: referrals with a support window, volunteers with a history."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from portal.models import Volunteer, VolunteerStatus, VolunteerStatusChange
from support.referrals.models import (
    Referral,
    ReferralKind,
    ReferralStatus,
    ReferralStatusChange,
    ReferrerCategory,
)
from tests.portal.factories import VolunteerFactory

_numbers = itertools.count(1)


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """An Amsterdam wall-clock moment."""
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def referral(
    branch,
    *,
    received: datetime.datetime,
    started: datetime.datetime | None = None,
    ended: datetime.datetime | None = None,
    kind: str = ReferralKind.REFERRER,
    category: str = ReferrerCategory.YOUTH_HEALTH_CARE,
    children: int = 1,
    expecting: bool = False,
    questions: list[str] | None = None,
    risks: list[str] | None = None,
    municipality=None,
    status: str | None = None,
) -> Referral:
    if status is None:
        status = (
            ReferralStatus.SUPPORT_ENDED
            if ended
            else ReferralStatus.SUPPORT_STARTED
            if started
            else ReferralStatus.NEW
        )
    item = Referral.objects.create(
        reference=f"T-{next(_numbers):06d}",
        kind=kind,
        branch=branch,
        status=status,
        received_at=received,
        closed_at=ended,
        referrer_category=category,
        children_count=children,
        expecting=expecting,
        support_questions=questions or [],
        risk_factors=risks or [],
        cbs_municipality=municipality,
        not_suitable_reason="other" if status == ReferralStatus.NOT_SUITABLE else "",
    )
    if started:
        ReferralStatusChange.objects.create(
            referral=item, to_status=ReferralStatus.SUPPORT_STARTED, changed_at=started
        )
    if ended:
        ReferralStatusChange.objects.create(
            referral=item, to_status=ReferralStatus.SUPPORT_ENDED, changed_at=ended
        )
    return item


def volunteer_with_history(branch, *changes: tuple[str, datetime.datetime]) -> Volunteer:
    """A volunteer whose status changed to each (status, moment) in turn."""
    person = VolunteerFactory(branch=branch, status=changes[-1][0] if changes else "applied")
    previous = VolunteerStatus.APPLIED
    for status, moment in changes:
        VolunteerStatusChange.objects.create(
            volunteer=person, from_status=previous, to_status=status, changed_at=moment
        )
        previous = status
    return person
