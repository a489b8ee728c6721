"""django-q2 entry points of `portal`. Each takes ids or plain values and calls one service."""

from __future__ import annotations

import logging

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from portal.emails import absolute_url, build_email
from portal.models import Branch, DeletionRequest

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


def send_weekly_digest(branch_id: int) -> None:
    """To the branch's coordinators: every part's list of what needs attention."""
    from portal.services.digest import weekly_digest_sections

    branch = Branch.objects.filter(pk=branch_id).first()
    if branch is None:
        return
    recipients = list(branch.coordinators.filter(is_active=True).values_list("email", flat=True))
    sections = weekly_digest_sections(branch_id=branch_id)
    if not sections or not recipients:
        return
    build_email(
        "coordinator_weekly_digest",
        {
            "branch": branch,
            "sections": [
                {
                    "title": section.title,
                    "intro": section.intro,
                    "rows": [(row.text, absolute_url(row.url)) for row in section.rows],
                }
                for section in sections
            ],
            "admin_url": absolute_url(reverse("wagtailadmin_home")),
        },
        to=recipients,
    ).send()
    logger.info("weekly digest sent: branch %s, %s sections", branch_id, len(sections))


def queue_weekly_digests() -> int:
    """Weekly (Monday 7:00), by the schedule made in migration 0002."""
    from portal.services.digest import queue_weekly_digests as queue

    return queue()
