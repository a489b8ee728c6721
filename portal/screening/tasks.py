"""django-q2 entry points of screening: the daily reminders, each sent once."""

from __future__ import annotations

import datetime
import logging

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from portal.emails import absolute_url, build_email
from portal.screening import services
from portal.screening.models import ChecklistItem, ScreeningReminder

logger = logging.getLogger(__name__)


def send_screening_reminders() -> int:
    """Scheduled daily: every due reminder, once each (the ledger decides)."""
    sent = 0
    for item_id, kind, reference in services.due_screening_reminders(today=timezone.localdate()):
        sent += send_screening_reminder(item_id, kind, reference.isoformat())
    return sent


def _coordinator_addresses(branch) -> list[str]:
    recipients = list(branch.coordinators.filter(is_active=True).values_list("email", flat=True))
    if not recipients and branch.email:
        recipients = [branch.email]
    return [address for address in recipients if address]


def send_screening_reminder(item_id: int, kind: str, reference_date: str) -> bool:
    """Send one reminder at most once: the ledger row and the e-mails share a transaction.

    A second run (a retried task, a restarted cluster) finds the row and sends nothing;
    a failed send rolls the row back so the next day's run tries again.
    """
    item = (
        ChecklistItem.objects.select_related("volunteer__user", "volunteer__branch", "item_type")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        return False
    reference = datetime.date.fromisoformat(reference_date)
    volunteer = item.volunteer
    context = {
        "volunteer": volunteer,
        "first_name": volunteer.user.first_name or volunteer.full_name,
        "item_type": item.item_type,
        "item": item,
        "reference_date": reference,
        "admin_url": absolute_url(reverse("screening_admin:volunteer", args=[volunteer.pk])),
        "mijn_url": absolute_url(reverse("portal:mijn")),
    }
    messages = []
    coordinators = _coordinator_addresses(volunteer.branch)
    if kind == ScreeningReminder.Kind.REQUEST_OVERDUE:
        if coordinators:
            messages.append(build_email("screening_request_overdue", context, to=coordinators))
    elif kind == ScreeningReminder.Kind.EXPIRING:
        if coordinators:
            messages.append(build_email("screening_expiring_coordinator", context, to=coordinators))
        user = volunteer.user
        if item.item_type.visible_to_volunteer and user.email and user.is_active:
            messages.append(build_email("screening_expiring_volunteer", context, to=[user.email]))
    else:
        return False
    with transaction.atomic():
        try:
            with transaction.atomic():
                ScreeningReminder.objects.create(item=item, kind=kind, reference_date=reference)
        except IntegrityError:
            return False
        for message in messages:
            message.send()
    logger.info("screening item %s: %s reminder sent (%s)", item.pk, kind, len(messages))
    return True


def send_callback_notice(callback_id: int) -> None:
    """To the branch's coordinators: a volunteer asks to be called. No content, no
    name in the subject: the link opens the volunteer's screen in the admin."""
    from portal.screening.models import CallbackRequest

    callback = (
        CallbackRequest.objects.select_related("volunteer__branch")
        .filter(pk=callback_id, answered_at__isnull=True)
        .first()
    )
    if callback is None:
        return
    recipients = _coordinator_addresses(callback.volunteer.branch)
    if not recipients:
        logger.warning("callback %s: branch has no coordinator", callback.pk)
        return
    url = reverse("screening_admin:volunteer", args=[callback.volunteer_id])
    build_email(
        "screening_callback_request",
        {"branch": callback.volunteer.branch, "admin_url": absolute_url(url)},
        to=recipients,
    ).send()
