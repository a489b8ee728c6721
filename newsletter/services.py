"""Every operation that changes a newsletter's sending state or a subscription.

The delivery guarantee (see README, "Newsletter"): every recipient gets the newsletter
exactly once, except a message that was in flight when a worker died; that one is
recorded as *uncertain* and never resent automatically. How: `sending.send_batch`
claims a small group of deliveries (committed), marks each as reaching DATA
(committed) right before its DATA, and records the server's answer at once; see
`newsletter/sending.py` and docs/mail.md.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_q.tasks import async_task
from wagtail.log_actions import log

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
from newsletter.queueing import (
    RESUME,
    START_TASK,
    enqueue_bulk,
    queue_batch,
    run_alone,
    wake_resume_at,
)
from newsletter.rendering import render_newsletter, user_id_from_token
from portal.errors import ServiceError
from portal.models import User

logger = logging.getLogger(__name__)

MSG_NOT_ALLOWED = _("Je mag deze nieuwsbrief niet versturen.")
MSG_NOT_LIVE = _("Publiceer de nieuwsbrief voordat je hem verstuurt.")
MSG_ALREADY = _("Deze nieuwsbrief is al verstuurd of staat al gepland.")
MSG_EMPTY = _("Er is niemand om deze nieuwsbrief naar te sturen.")
MSG_IN_PAST = _("Kies een moment in de toekomst.")
MSG_NOT_SCHEDULED = _("Deze verzending is al begonnen en kan niet meer worden geannuleerd.")
MSG_BAD_TOKEN = _("Deze afmeldlink klopt niet. Meld je af via Mijn Home-Start.")
MSG_NO_UNCERTAIN = _("Er zijn geen onzekere bezorgingen om opnieuw te versturen.")

RESEND_ACTION = "newsletter.resend_uncertain"


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
                enqueue_bulk(START_TASK, send.pk)
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
        batch_id: int | None = None
        in_batch = 0
        total = 0
        skipped_at = _db_now()
        rows: list[tuple] = []
        for user_id, email, first, last, is_unsubscribed in users.iterator(chunk_size=2000):
            total += 1
            name = f"{first} {last}".strip()
            if is_unsubscribed:
                skipped = (send.pk, None, user_id, email, name, DeliveryStatus.SKIPPED, skipped_at)
                rows.append(skipped)
            else:
                if batch_id is None or in_batch >= batch_size:
                    batch_id = SendBatch.objects.create(send=send, number=len(batch_ids)).pk
                    batch_ids.append(batch_id)
                    in_batch = 0
                in_batch += 1
                rows.append((send.pk, batch_id, user_id, email, name, DeliveryStatus.QUEUED, None))
            if len(rows) >= 1000:
                _insert_deliveries(rows)
                rows = []
        _insert_deliveries(rows)
        send.status = SendStatus.SENDING
        send.started_at = timezone.now()
        send.total = total
        send.html, send.text = rendered.html, rendered.text
        send.subject = rendered.subject
        send.save()
        for batch_id in batch_ids:
            queue_batch(batch_id)
    logger.info(
        "newsletter send %s started: %s recipients, %s batches", send_id, total, len(batch_ids)
    )
    if not batch_ids:
        finish_send_if_complete(send_id=send_id)
    return True


_INSERT_DELIVERY_SQL = (
    f"INSERT INTO {Delivery._meta.db_table} "  # noqa: S608 - no input
    "(send_id, batch_id, user_id, email, name, status, finished_at, attempts, answer) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, 0, '')"
)


def _db_now():
    return connection.ops.adapt_datetimefield_value(timezone.now())


def _insert_deliveries(rows: list[tuple]) -> None:
    """One delivery record per recipient, written as plain rows (no model instance per
    person): `(send_id, batch_id, user_id, email, name, status, finished_at)`."""
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(_INSERT_DELIVERY_SQL, rows)


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

    Queued every minute (a django-q2 schedule, pulled forward when a batch is due
    sooner) and when the newsletter cluster starts: then every batch nobody holds
    that was queued before the restart is queued again, since a task the stopped
    cluster had taken from the queue is gone. Never sleeps; one at a time (a second
    one returns at once); otherwise at most one queued task per batch.
    """
    lease = datetime.timedelta(seconds=settings.NEWSLETTER_LEASE_SECONDS)
    with run_alone(RESUME, seconds=max(lease.total_seconds(), 60)) as ledger:
        if ledger is None:
            return 0
        now = timezone.now()
        restarted_at = now if after_restart else ledger.restarted_at
        for send_id in Send.objects.filter(
            status=SendStatus.SCHEDULED, scheduled_at__lte=now
        ).values_list("pk", flat=True):
            start_send(send_id=send_id)
        unfinished = SendBatch.objects.filter(send__status=SendStatus.SENDING, done=False)
        not_held = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
        due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        queued = [
            batch_id
            for batch_id in unfinished.filter(not_held, due)
            .order_by("pk")
            .values_list("pk", flat=True)
            if queue_batch(batch_id, restarted_at=restarted_at)
        ]
        # Come back when the next batch is due or a lease runs out (a dead holder).
        later = [
            unfinished.filter(next_attempt_at__gt=now)
            .order_by("next_attempt_at")
            .values_list("next_attempt_at", flat=True)
            .first(),
            unfinished.filter(lease_until__gt=now)
            .order_by("lease_until")
            .values_list("lease_until", flat=True)
            .first(),
        ]
        if when := min((at for at in later if at is not None), default=None):
            wake_resume_at(when)
        for send_id in (
            Send.objects.filter(status=SendStatus.SENDING)
            .exclude(Exists(SendBatch.objects.filter(send=OuterRef("pk"), done=False)))
            .values_list("pk", flat=True)
        ):
            finish_send_if_complete(send_id=send_id)
    if queued:
        logger.info("newsletter: queued %s unfinished batches again", len(queued))
    return len(queued)


def resend_uncertain(*, send_id: int, user: User) -> int:
    """A coordinator's deliberate choice: send the uncertain deliveries again, knowing
    some of those people may get the newsletter twice. Logged in the page's history."""
    with transaction.atomic():
        send = Send.objects.select_for_update().filter(pk=send_id).first()
        if send is None or not can_manage_newsletter(user, send.page):
            raise ServiceError(MSG_NOT_ALLOWED, code="not_allowed")
        uncertain = Delivery.objects.filter(send=send, status=DeliveryStatus.UNCERTAIN)
        batch_ids = sorted(set(uncertain.values_list("batch_id", flat=True)) - {None})
        count = uncertain.update(
            status=DeliveryStatus.QUEUED, next_attempt_at=None, finished_at=None, data_at=None
        )
        if not count:
            raise ServiceError(MSG_NO_UNCERTAIN, code="no_uncertain")
        SendBatch.objects.filter(pk__in=batch_ids).update(done=False, next_attempt_at=None)
        send.status = SendStatus.SENDING
        send.finished_at = None
        send.save(update_fields=["status", "finished_at"])
        for batch_id in batch_ids:
            queue_batch(batch_id)
        log(instance=send.page, action=RESEND_ACTION, user=user, data={"count": count})
    logger.info(
        "newsletter send %s: %s uncertain deliveries resent by user %s", send_id, count, user.pk
    )
    return count


def progress(*, send_id: int) -> dict[str, int]:
    """Counts per delivery status, in one query whatever the number of recipients."""
    counts = Delivery.objects.filter(send_id=send_id).aggregate(
        total=Count("pk"),
        **{status: Count("pk", filter=Q(status=status)) for status in DeliveryStatus.values},
    )
    counts["left"] = counts[DeliveryStatus.QUEUED] + counts[DeliveryStatus.SENDING]
    # The bar counts messages to send: it starts empty, whoever unsubscribed aside.
    to_send = counts["total"] - counts[DeliveryStatus.SKIPPED]
    done = to_send - counts["left"]
    counts["percent"] = round(100 * done / to_send) if to_send else 0
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
