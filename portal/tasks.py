"""django-q2 entry points of `portal`. Each takes ids or plain values and calls one service."""

from __future__ import annotations

import logging

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from portal.emails import absolute_url, build_email
from portal.models import DeletionRequest

logger = logging.getLogger(__name__)


def send_prepared_email(message: dict) -> None:
    """Send a message that was rendered in the request (allauth's account mails).

    `message` holds subject, body, optional html, from_email and to; it carries an
    account link at most, never family data.
    """
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["body"],
        from_email=message["from_email"],
        to=message["to"],
        headers=message.get("headers") or None,
    )
    if message.get("html"):
        email.attach_alternative(message["html"], "text/html")
    email.send()


def send_deletion_request_notice(deletion_request_id: int) -> None:
    request = (
        DeletionRequest.objects.select_related("volunteer__branch", "volunteer__user")
        .filter(pk=deletion_request_id)
        .first()
    )
    if request is None:
        return
    volunteer = request.volunteer
    recipients = [user.email for user in volunteer.branch.coordinators.filter(is_active=True)]
    if not recipients and volunteer.branch.email:
        recipients = [volunteer.branch.email]
    if not recipients:
        logger.warning(
            "deletion request %s: branch %s has no coordinator", request.pk, volunteer.branch_id
        )
        return
    edit_url = reverse("portal_volunteer:edit", args=[volunteer.pk])
    build_email(
        "deletion_request",
        {"volunteer": volunteer, "request": request, "admin_url": absolute_url(edit_url)},
        to=recipients,
    ).send()
