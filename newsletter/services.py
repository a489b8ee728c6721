"""Every operation that changes a newsletter's sending state or a subscription.

The delivery guarantee (see README, "Newsletter"): every recipient gets the newsletter
exactly once, except a message that was in flight when a worker died; that one is
recorded as *uncertain* and never resent automatically. How: `sending.send_batch`
claims one delivery at a time in its own committed transaction right before handing
it to the mail server, and records the server's answer together with the next claim.
"""

from __future__ import annotations

import datetime
import logging
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_q.tasks import async_task

from newsletter.audience import audience_size, check_audience, recipients
from newsletter.models import (
    Delivery,
    DeliveryStatus,
    NewsletterPage,
    Send,
    SendBatch,
    SendStatus,
    Subscription,
)
from newsletter.permissions import can_manage_newsletter
from newsletter.rendering import render_newsletter, user_id_from_token
from portal.errors import ServiceError
from portal.models import User
from portal.queue import enqueue_on_commit

logger = logging.getLogger(__name__)

MSG_NOT_ALLOWED = _("Je mag deze nieuwsbrief niet versturen.")
MSG_NOT_LIVE = _("Publiceer de nieuwsbrief voordat je hem verstuurt.")
MSG_ALREADY = _("Deze nieuwsbrief is al verstuurd of staat al gepland.")
MSG_EMPTY = _("Er is niemand om deze nieuwsbrief naar te sturen.")
MSG_IN_PAST = _("Kies een moment in de toekomst.")
MSG_NOT_SCHEDULED = _("Deze verzending is al begonnen en kan niet meer worden geannuleerd.")
MSG_BAD_TOKEN = _("Deze afmeldlink klopt niet. Meld je af via Mijn Home-Start.")

START_TASK = "newsletter.tasks.start_send"
BATCH_TASK = "newsletter.tasks.send_batch"


def _page(page_id: int) -> NewsletterPage:
    page = NewsletterPage.objects.filter(pk=page_id).first()
    if page is None:
        raise ServiceError(MSG_NOT_ALLOWED, code="not_found")
    return page


def schedule_send(*, page_id: int, user: User, send_at: datetime.datetime | None = None) -> Send:
    """Send the page's published version now, or at `send_at`, to its audience.

    One send per newsletter: a second request (a double click, another tab) is refused.
    """
    page = _page(page_id)
    if not can_manage_newsletter(user, page):
        raise ServiceError(MSG_NOT_ALLOWED, code="not_allowed")
    check_audience(
        user=user, audience=page.audience, branch_ids=page.branches.values_list("pk", flat=True)
    )
    if not page.live or page.live_revision_id is None:
        raise ServiceError(MSG_NOT_LIVE, code="not_live")
    now = timezone.now()
    if send_at is not None and send_at < now - datetime.timedelta(minutes=1):
        raise ServiceError(MSG_IN_PAST, code="in_past", field="send_at")
    if audience_size(page).receiving == 0:
        raise ServiceError(MSG_EMPTY, code="empty_audience")
    try:
        with transaction.atomic():
            if Send.objects.filter(page=page).exclude(status=SendStatus.CANCELLED).exists():
                raise ServiceError(MSG_ALREADY, code="already_sent")
            send = Send.objects.create(
                page=page,
                revision_id=page.live_revision_id,
                subject=page.subject,
                scheduled_at=send_at or now,
                created_by=user,
            )
            if send_at is None or send_at <= now:
                enqueue_on_commit(START_TASK, send.pk)
    except IntegrityError as error:  # the unique constraint caught a concurrent request
        raise ServiceError(MSG_ALREADY, code="already_sent") from error
    logger.info("newsletter send %s scheduled for page %s by user %s", send.pk, page.pk, user.pk)
    return send


def cancel_send(*, send_id: int, user: User) -> Send:
    with transaction.atomic():
        send = Send.objects.select_for_update().filter(pk=send_id).first()
        if send is None or not can_manage_newsletter(user, send.page):
            raise ServiceError(MSG_NOT_ALLOWED, code="not_allowed")
        if send.status != SendStatus.SCHEDULED:
            raise ServiceError(MSG_NOT_SCHEDULED, code="not_scheduled")
        send.status = SendStatus.CANCELLED
        send.save(update_fields=["status"])
    return send


def start_send(*, send_id: int) -> bool:
    """Render the newsletter once and write a delivery per recipient, then queue the
    batches. Idempotent: a send that has started is left alone. One transaction, so a
    crash half-way leaves the send scheduled for the next `resume_sends`."""
    with transaction.atomic():
        # No select_related here: PostgreSQL refuses FOR UPDATE on an outer join.
        send = Send.objects.select_for_update().filter(pk=send_id).first()
        if send is None or send.status != SendStatus.SCHEDULED:
            return False
        if send.scheduled_at > timezone.now():
            return False
        page = send.revision.as_object() if send.revision else send.page.specific
        rendered = render_newsletter(page)
        users = (
            recipients(
                audience=page.audience,
                branch_ids=[branch.pk for branch in page.branches.all()],
                statuses=page.volunteer_statuses or [],
            )
            .annotate(
                unsubscribed=Exists(
                    Subscription.objects.filter(user=OuterRef("pk"), subscribed=False)
                )
            )
            .order_by("pk")
            .values_list("pk", "email", "first_name", "last_name", "unsubscribed")
        )
        batch_size = settings.NEWSLETTER_BATCH_SIZE
        batch_ids: list[int] = []
        batch: SendBatch | None = None
        in_batch = 0
        total = 0
        buffer: list[Delivery] = []
        for user_id, email, first, last, is_unsubscribed in users.iterator(chunk_size=2000):
            total += 1
            name = f"{first} {last}".strip()
            if is_unsubscribed:
                buffer.append(
                    Delivery(
                        send=send,
                        user_id=user_id,
                        email=email,
                        name=name,
                        status=DeliveryStatus.SKIPPED,
                        finished_at=timezone.now(),
                    )
                )
            else:
                if batch is None or in_batch >= batch_size:
                    batch = SendBatch.objects.create(send=send, number=len(batch_ids))
                    batch_ids.append(batch.pk)
                    in_batch = 0
                in_batch += 1
                buffer.append(
                    Delivery(send=send, batch=batch, user_id=user_id, email=email, name=name)
                )
            if len(buffer) >= 1000:
                Delivery.objects.bulk_create(buffer)
                buffer = []
        Delivery.objects.bulk_create(buffer)
        send.status = SendStatus.SENDING
        send.started_at = timezone.now()
        send.total = total
        send.html, send.text = rendered.html, rendered.text
        send.subject = rendered.subject
        send.save()
        SendBatch.objects.filter(send=send).update(enqueued_at=timezone.now())
        for batch_id in batch_ids:
            enqueue_on_commit(BATCH_TASK, batch_id)
    logger.info(
        "newsletter send %s started: %s recipients, %s batches", send_id, total, len(batch_ids)
    )
    if not batch_ids:
        finish_send_if_complete(send_id=send_id)
    return True


def finish_send_if_complete(*, send_id: int) -> bool:
    if SendBatch.objects.filter(send_id=send_id, done=False).exists():
        return False
    return bool(
        Send.objects.filter(pk=send_id, status=SendStatus.SENDING).update(
            status=SendStatus.DONE, finished_at=timezone.now()
        )
    )


def resume_sends(*, after_restart: bool = False) -> int:
    """Start due scheduled sends and queue every unfinished batch nobody is sending.

    Runs every minute (a django-q2 schedule) and once whenever a cluster worker starts
    (`after_restart`): then it first waits for the leases of batches that were being
    sent, at most one lease period, so that a holder that died is recognised by its
    lease running out while a live one keeps renewing it.
    """
    now = timezone.now()
    for send_id in Send.objects.filter(
        status=SendStatus.SCHEDULED, scheduled_at__lte=now
    ).values_list("pk", flat=True):
        start_send(send_id=send_id)
    unfinished = SendBatch.objects.filter(send__status=SendStatus.SENDING, done=False)
    lease = datetime.timedelta(seconds=settings.NEWSLETTER_LEASE_SECONDS)
    if after_restart:
        held = (
            unfinished.filter(lease_until__gt=now)
            .order_by("-lease_until")
            .values_list("lease_until", flat=True)
            .first()
        )
        if held is not None:
            time.sleep(min((held - now).total_seconds(), lease.total_seconds()) + 0.2)
        now = timezone.now()
    due = unfinished.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    expired = due.filter(lease_until__lt=now)
    free = due.filter(lease_until__isnull=True)
    if not after_restart:
        # Queued batches wait their turn on the broker; queue them again only when
        # they have waited longer than a lease (their task may have been lost).
        free = free.filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - lease))
    batch_ids = sorted(
        set(expired.values_list("pk", flat=True)) | set(free.values_list("pk", flat=True))
    )
    if batch_ids:
        SendBatch.objects.filter(pk__in=batch_ids).update(enqueued_at=now)
        for batch_id in batch_ids:
            async_task(BATCH_TASK, batch_id)
    for send_id in (
        Send.objects.filter(status=SendStatus.SENDING)
        .exclude(Exists(SendBatch.objects.filter(send=OuterRef("pk"), done=False)))
        .values_list("pk", flat=True)
    ):
        finish_send_if_complete(send_id=send_id)
    if batch_ids:
        logger.info("newsletter: queued %s unfinished batches again", len(batch_ids))
    return len(batch_ids)


def progress(*, send_id: int) -> dict[str, int]:
    """Counts per delivery status, in one query whatever the number of recipients."""
    counts = Delivery.objects.filter(send_id=send_id).aggregate(
        total=Count("pk"),
        **{status: Count("pk", filter=Q(status=status)) for status in DeliveryStatus.values},
    )
    counts["left"] = counts[DeliveryStatus.QUEUED] + counts[DeliveryStatus.SENDING]
    done = counts["total"] - counts["left"]
    counts["percent"] = round(100 * done / counts["total"]) if counts["total"] else 0
    return counts


def send_test(*, page_id: int, user: User) -> None:
    """ "Send a test to me": the latest draft, to the editor's own address, in a task."""
    page = _page(page_id)
    if not can_manage_newsletter(user, page):
        raise ServiceError(MSG_NOT_ALLOWED, code="not_allowed")
    transaction.on_commit(lambda: async_task("newsletter.tasks.send_test", page.pk, user.pk))


def set_subscription(*, user: User, subscribed: bool) -> Subscription:
    subscription, _created = Subscription.objects.update_or_create(
        user=user, defaults={"subscribed": subscribed}
    )
    logger.info("newsletter subscription of user %s: %s", user.pk, subscribed)
    return subscription


def unsubscribe_with_token(*, token: str) -> User:
    """The one-click unsubscribe (RFC 8058): no login, no confirmation; a signed token."""
    user_id = user_id_from_token(token)
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    if user is None:
        raise ServiceError(MSG_BAD_TOKEN, code="bad_token")
    set_subscription(user=user, subscribed=False)
    return user


def is_subscribed(user: User) -> bool:
    return not Subscription.objects.filter(user=user, subscribed=False).exists()
