"""Sending one batch of a newsletter over one SMTP connection, exactly once per person.

The protocol, per delivery:

1. claim it: `queued -> sending`, committed on its own (together with the answer for
   the previous delivery), right before the message goes to the server;
2. hand that one message to the server (MAIL, RCPT, DATA);
3. record the answer: `sent`, `failed` (permanent 5xx, malformed address), or back to
   `queued` with a later attempt (temporary 4xx, connection trouble before DATA).

A worker that dies leaves at most its one claimed delivery in `sending`. Whoever takes
the batch over afterwards (its lease ran out) marks that delivery `uncertain`: the
server may or may not have accepted it, and it is never resent automatically. Every
delivery still `queued` is sent by the new holder.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
import time
import uuid
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from newsletter.mime import MessageTemplate
from newsletter.models import Delivery, DeliveryStatus, Send, SendBatch
from newsletter.rendering import compose

logger = logging.getLogger(__name__)

SENT, PERMANENT, TEMPORARY, UNCERTAIN = "sent", "permanent", "temporary", "uncertain"
ANSWER_INVALID = "ongeldig e-mailadres"
ANSWER_IN_FLIGHT = "onderbroken tijdens het versturen: misschien wel, misschien niet ontvangen"


_TABLE = Delivery._meta.db_table
_RECORD_SQL = (
    f"UPDATE {_TABLE} SET status = %s, finished_at = %s, answer = %s "  # noqa: S608 - no input
    "WHERE id = %s AND status IN (%s, %s)"
)
_CLAIM_SQL = (
    f"UPDATE {_TABLE} SET status = %s, claimed_at = %s, attempts = attempts + 1 "  # noqa: S608
    "WHERE id = %s AND status = %s"
)


def _db_now(now: datetime.datetime | None = None):
    return connection.ops.adapt_datetimefield_value(now or timezone.now())


@dataclass(frozen=True)
class Outcome:
    kind: str
    answer: str = ""
    connection_lost: bool = False


def _answer(code: int, message: bytes | str) -> str:
    text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
    return f"{code} {text}".strip()[:1000]


def _classify(code: int, message: bytes | str) -> Outcome:
    kind = TEMPORARY if 400 <= code < 500 else PERMANENT
    return Outcome(kind, _answer(code, message), connection_lost=code == 421)


def backoff(attempt: int) -> float:
    """Seconds to wait before attempt number `attempt + 1` (exponential, capped)."""
    return min(settings.NEWSLETTER_RETRY_BACKOFF * (2 ** max(attempt, 0)), 3600)


class Session:
    """One connection to the mail server; with a non-SMTP backend (console, memory)
    each message goes through the backend itself."""

    def __init__(self):
        self.backend = None
        self.smtp: smtplib.SMTP | None = None

    @property
    def is_open(self) -> bool:
        return self.backend is not None

    def open(self) -> None:
        backend = get_connection(fail_silently=False)
        backend.open()
        self.backend = backend
        if isinstance(backend, SMTPBackend):
            self.smtp = backend.connection
            self.smtp.ehlo_or_helo_if_needed()

    def close(self) -> None:
        backend, self.backend, self.smtp = self.backend, None, None
        if backend is not None:
            try:
                backend.close()
            except Exception:
                logger.debug("closing a broken SMTP connection failed", exc_info=True)

    def deliver(self, payload, *, sender: str = "", recipient: str = "") -> Outcome:
        """Hand one message to the server: `payload` is the message's bytes over SMTP,
        a Django EmailMessage for any other backend."""
        if self.smtp is None:
            self.backend.send_messages([payload])
            return Outcome(SENT, "250 accepted by the e-mail backend")
        smtp = self.smtp
        data = payload
        # Nothing is delivered before DATA: any trouble up to here is safe to retry.
        try:
            code, reply = smtp.mail(sender)
            if code != 250:
                return self._reset(_classify(code, reply))
            code, reply = smtp.rcpt(recipient)
            if code not in (250, 251):
                return self._reset(_classify(code, reply))
        except UnicodeEncodeError:
            return self._reset(Outcome(PERMANENT, ANSWER_INVALID))
        except (smtplib.SMTPException, OSError) as error:
            return Outcome(TEMPORARY, f"verbinding verbroken: {error}"[:1000], connection_lost=True)
        try:
            code, reply = smtp.data(data)
        except smtplib.SMTPDataError as error:  # DATA itself refused: nothing delivered
            return self._reset(_classify(error.smtp_code, error.smtp_error))
        except (smtplib.SMTPException, OSError) as error:
            # The message may have reached the server: never sent again automatically.
            return Outcome(UNCERTAIN, f"{ANSWER_IN_FLIGHT} ({error})"[:1000], connection_lost=True)
        if code != 250:
            return self._reset(_classify(code, reply))
        return Outcome(SENT, _answer(code, reply))

    def _reset(self, outcome: Outcome) -> Outcome:
        if outcome.connection_lost:
            return outcome
        try:
            self.smtp.rset()
        except (smtplib.SMTPException, OSError):
            return Outcome(outcome.kind, outcome.answer, connection_lost=True)
        return outcome


def _is_valid_address(address: str) -> bool:
    if not address.isascii():  # an internationalised address needs SMTPUTF8: not offered
        return False
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


class BatchSender:
    def __init__(self, batch_id: int):
        self.batch_id = batch_id
        self.token = uuid.uuid4().hex
        self.lease = datetime.timedelta(seconds=settings.NEWSLETTER_LEASE_SECONDS)
        self.renewed_at = 0.0
        self.session = Session()
        self.lost = False
        self._template: MessageTemplate | None = None
        self.domain = _domain()

    # --- the lease -------------------------------------------------------------------
    def acquire(self) -> bool:
        now = timezone.now()
        taken = (
            SendBatch.objects.filter(pk=self.batch_id, done=False, send__status="sending")
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .update(lease_token=self.token, lease_until=now + self.lease, next_attempt_at=None)
        )
        if taken:
            self.renewed_at = time.monotonic()
        return bool(taken)

    def _renew_if_due(self) -> None:
        if time.monotonic() - self.renewed_at < self.lease.total_seconds() / 4:
            return
        renewed = SendBatch.objects.filter(pk=self.batch_id, lease_token=self.token).update(
            lease_until=timezone.now() + self.lease
        )
        self.renewed_at = time.monotonic()
        if not renewed:
            logger.warning("newsletter batch %s: lease lost, stopping", self.batch_id)
            self.lost = True

    def release(self, *, next_attempt_at: datetime.datetime | None = None) -> None:
        # No longer queued anywhere: the minute schedule picks it up when it is due.
        SendBatch.objects.filter(pk=self.batch_id, lease_token=self.token).update(
            lease_token="", lease_until=None, next_attempt_at=next_attempt_at, enqueued_at=None
        )

    # --- recording ---------------------------------------------------------------------
    def _record(self, delivery_id: int, outcome: Outcome) -> None:
        now = timezone.now()
        # A delivery marked uncertain by a takeover while we were sending it still gets
        # the real answer.
        claimed = Delivery.objects.filter(
            pk=delivery_id, status__in=[DeliveryStatus.SENDING, DeliveryStatus.UNCERTAIN]
        )
        final = {
            SENT: DeliveryStatus.SENT,
            PERMANENT: DeliveryStatus.FAILED,
            UNCERTAIN: DeliveryStatus.UNCERTAIN,
        }.get(outcome.kind)
        if final is not None:
            # The hot path, once per message: plain SQL instead of building a queryset.
            with connection.cursor() as cursor:
                cursor.execute(
                    _RECORD_SQL,
                    [
                        final,
                        _db_now(now),
                        outcome.answer,
                        delivery_id,
                        DeliveryStatus.SENDING,
                        DeliveryStatus.UNCERTAIN,
                    ],
                )
        else:
            attempts = (
                Delivery.objects.filter(pk=delivery_id).values_list("attempts", flat=True).first()
                or 0
            )
            if attempts >= settings.NEWSLETTER_MAX_ATTEMPTS:
                claimed.update(status=DeliveryStatus.FAILED, finished_at=now, answer=outcome.answer)
            else:
                claimed.update(
                    status=DeliveryStatus.QUEUED,
                    next_attempt_at=now + datetime.timedelta(seconds=backoff(attempts - 1)),
                    answer=outcome.answer,
                )

    def step(self, *, finished: tuple[int, Outcome] | None, claim: int | None) -> bool:
        """Record the previous answer and claim the next delivery, in one committed
        transaction. False when the next one is not ours to send."""
        with transaction.atomic():
            if finished is not None:
                self._record(*finished)
            if claim is None:
                return False
            self._renew_if_due()
            if self.lost:
                return False
            with connection.cursor() as cursor:
                cursor.execute(
                    _CLAIM_SQL,
                    [DeliveryStatus.SENDING, _db_now(), claim, DeliveryStatus.QUEUED],
                )
                return cursor.rowcount == 1

    # --- the loop ------------------------------------------------------------------------
    def template(self, send: Send) -> MessageTemplate:
        if self._template is None:
            self._template = MessageTemplate(subject=send.subject, html=send.html, text=send.text)
        return self._template

    def _claimable(self) -> list[tuple]:
        now = timezone.now()
        return list(
            Delivery.objects.filter(batch_id=self.batch_id, status=DeliveryStatus.QUEUED)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .order_by("pk")
            .values_list("pk", "email", "name", "user_id")
        )

    def _open(self) -> bool:
        """Connect, retrying with backoff while the wait stays within the inline limit."""
        attempt = 0
        waited = 0.0
        while True:
            try:
                self.session.open()
                return True
            except (smtplib.SMTPException, OSError) as error:
                self.session.close()
                delay = backoff(attempt)
                if waited + delay > settings.NEWSLETTER_MAX_INLINE_WAIT:
                    logger.warning(
                        "newsletter batch %s: mail server unreachable (%s); retrying later",
                        self.batch_id,
                        error,
                    )
                    self.release(next_attempt_at=timezone.now() + datetime.timedelta(seconds=delay))
                    return False
                self._sleep(delay)
                waited += delay
                attempt += 1
                if self.lost:
                    return False

    def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            time.sleep(min(left, self.lease.total_seconds() / 4))
            self._renew_if_due()

    def run(self, send: Send) -> None:
        # Whatever a previous holder left in flight: maybe delivered, never resent.
        Delivery.objects.filter(batch_id=self.batch_id, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.UNCERTAIN, finished_at=timezone.now(), answer=ANSWER_IN_FLIGHT
        )
        try:
            while not self.lost:
                rows = self._claimable()
                if not rows:
                    if not self._wait_for_retries():
                        return
                    continue
                if not self._send_rows(send, rows):
                    return
        finally:
            self.session.close()

    def _send_rows(self, send: Send, rows: list[tuple]) -> bool:
        template = self.template(send)
        pending: tuple[int, Outcome] | None = None
        for delivery_id, email, name, user_id in rows:
            if not _is_valid_address(email) or user_id is None:
                # Claimed and recorded at once: it never reaches the server.
                if self.step(finished=pending, claim=delivery_id):
                    pending = (delivery_id, Outcome(PERMANENT, ANSWER_INVALID))
                else:
                    pending = None
                if self.lost:
                    break
                continue
            if not self.session.is_open and not self._open():
                self.step(finished=pending, claim=None)
                return False
            message_id = f"<newsletter.{send.pk}.{delivery_id}@{self.domain}>"
            if self.session.smtp is not None:
                payload = template.render(
                    email=email, name=name, user_id=user_id, message_id=message_id
                )
            else:
                payload = compose(
                    subject=send.subject,
                    html=send.html,
                    text=send.text,
                    email=email,
                    name=name,
                    user_id=user_id,
                    message_id=message_id,
                )
            if not self.step(finished=pending, claim=delivery_id):
                pending = None
                if self.lost:
                    break
                continue
            outcome = self.session.deliver(payload, sender=template.from_address, recipient=email)
            pending = (delivery_id, outcome)
            if outcome.connection_lost:
                self.session.close()
        self.step(finished=pending, claim=None)
        return not self.lost

    def _wait_for_retries(self) -> bool:
        """Nothing to send right now. True to go on (a retry became due), False when the
        batch is finished or handed back for later."""
        waiting = Delivery.objects.filter(
            batch_id=self.batch_id, status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING]
        )
        next_at = (
            waiting.order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first()
        )
        if not waiting.exists():
            SendBatch.objects.filter(pk=self.batch_id, lease_token=self.token).update(
                done=True, lease_token="", lease_until=None, next_attempt_at=None
            )
            return False
        wait = (next_at - timezone.now()).total_seconds() if next_at else 0
        if wait > settings.NEWSLETTER_MAX_INLINE_WAIT:
            self.release(next_attempt_at=next_at)
            return False
        self.session.close()  # do not hold the server's connection while waiting
        self._sleep(max(wait, 0) + 0.01)
        return not self.lost


def _domain() -> str:
    address = parseaddr(settings.NEWSLETTER_FROM_EMAIL or settings.DEFAULT_FROM_EMAIL)[1]
    return address.rsplit("@", 1)[-1] or "localhost"


def send_batch(*, batch_id: int) -> bool:
    """Send what is left of one batch. Safe to run twice, or at the same time: only the
    holder of the batch's lease sends, and only queued deliveries are claimed."""
    from newsletter.services import finish_send_if_complete

    batch = SendBatch.objects.filter(pk=batch_id).select_related("send").first()
    if batch is None or batch.done:
        return False
    sender = BatchSender(batch_id)
    if not sender.acquire():
        return False
    sender.run(batch.send)
    finish_send_if_complete(send_id=batch.send_id)
    return True
