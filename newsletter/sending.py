"""Sending one batch of a newsletter over one SMTP connection, exactly once per person.

The protocol, per delivery:

1. claim it: `queued -> sending`, committed, a small group at a time (`CLAIM_GROUP`);
2. MAIL FROM and RCPT TO; then mark the delivery as having reached DATA (`data_at`,
   committed, only if the claim is still ours), and only then send DATA;
3. record the answer at once: `sent`, `failed` (permanent 5xx, malformed address), or
   back to `queued` with a later attempt (temporary 4xx, connection trouble before DATA).

Each write is one plain SQL statement in autocommit. A worker that dies leaves its
claimed group in `sending`, at most one of them with a DATA mark. Whoever takes
the batch over afterwards (its lease ran out) looks at `data_at`: without it the server
never saw the message (nothing is delivered before DATA), so it goes back to `queued`
and is sent; with it the server may or may not have accepted it, so it is marked
`uncertain` and only a coordinator resends it, deliberately.

On PostgreSQL only the DATA mark waits for the disk (a WAL flush, several ms on a slow
disk); the claim and the answer commit without waiting. Neither the mark nor the answer
holds up the mail server: the mark is sent to PostgreSQL right after RCPT TO is accepted
and its result read only before DATA's final dot, the moment the server may accept the
message (until then a dropped connection cancels it, RFC 5321 section 3.8), so the
disk flush runs while DATA and the content travel; an answer's UPDATE is sent at once
and its result read before the next MAIL FROM, after the next message is built
(`newsletter/inflight.py`). A dying worker cannot undo any
of them; a crash of PostgreSQL itself can undo only what came after the last DATA mark
(that mark's flush makes everything before it durable): a claim whose messages never
reached DATA, or the answer of the message just sent, which then counts as uncertain.
Never a second copy. See docs/mail.md, "What a message costs on PostgreSQL".

A task never sleeps: a batch with nothing to send right now (deferred addresses, a mail
server that refuses connections) is released with the time it is due and queued again
by `resume_sends`; so is a batch that reached the relay's rate (`newsletter/pacing.py`);
a batch stops taking messages well before django-q2's task timeout and queues the rest
(`NEWSLETTER_TASK_BUDGET`).
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import re
import smtplib
import socket
import time
import uuid
from dataclasses import dataclass
from email.utils import parseaddr
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.validators import validate_email
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from newsletter import inflight, pacing
from newsletter.mime import MessageTemplate
from newsletter.models import Delivery, DeliveryStatus, Send, SendBatch
from newsletter.rendering import compose

logger = logging.getLogger(__name__)

SENT, PERMANENT, TEMPORARY, UNCERTAIN = "sent", "permanent", "temporary", "uncertain"
# The delivery was taken over by another holder before DATA: not ours to record.
LOST = "lost"
ANSWER_INVALID = "ongeldig e-mailadres"
ANSWER_IN_FLIGHT = "onderbroken tijdens het versturen: misschien wel, misschien niet ontvangen"


_TABLE = Delivery._meta.db_table
# The hot path runs as plain SQL in autocommit: one statement, committed on its own, no
# queryset to build and no BEGIN/COMMIT around it.
_RECORD_SQL = (
    f"UPDATE {_TABLE} SET status = %s, finished_at = %s, answer = %s "  # noqa: S608 - no input
    "WHERE id = %s AND status IN (%s, %s)"
)
# A small group is claimed at once; `{ids}` is a list of placeholders, never input.
_CLAIM_SQL = (
    f"UPDATE {_TABLE} SET status = %s, claimed_at = %s, data_at = NULL, "  # noqa: S608
    "attempts = attempts + 1 WHERE batch_id = %s AND status = %s AND id IN ({ids}) RETURNING id"
)
# Only the holder of this very claim (its claim time) may go on to DATA.
_DATA_SQL = f"UPDATE {_TABLE} SET data_at = %s WHERE id = %s AND status = %s AND claimed_at = %s"  # noqa: S608
# Claimed but not reached (out of time, server unreachable): back to the queue.
_UNCLAIM_SQL = (
    f"UPDATE {_TABLE} SET status = %s, attempts = attempts - 1 "  # noqa: S608
    "WHERE status = %s AND claimed_at = %s AND data_at IS NULL AND id IN ({ids})"
)
# PostgreSQL: the statement's own transaction commits without waiting for its WAL to
# reach the disk (`synchronous_commit` off for that transaction only; set inside the
# statement, so it stays one round trip). The commit is visible to every other session at
# once, so a worker that dies changes nothing; only a crash of PostgreSQL itself can
# undo it, and only until the next synchronous commit flushes the WAL (the DATA mark of
# the next message at the latest). Used for the claim and the answer, never for the DATA
# mark: see `BatchSender.mark_data`.
_NO_FLUSH_FROM = "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS no_flush "


def _without_flush(sql: str) -> str:
    """The same UPDATE, committed without waiting for the WAL flush (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return sql
    head, where, tail = sql.partition("WHERE ")
    return f"{head}{_NO_FLUSH_FROM}{where}{tail}"


# How many deliveries one claim takes: a worker that dies leaves at most this many in
# `sending` without a DATA mark, all of them sent again by whoever takes over.
CLAIM_GROUP = 20


_FINAL = {
    SENT: DeliveryStatus.SENT,
    PERMANENT: DeliveryStatus.FAILED,
    UNCERTAIN: DeliveryStatus.UNCERTAIN,
}


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
            # DATA's content and its final dot go out as separate writes (see
            # `_data_after_mark`): without this the dot could wait for the server's
            # delayed ACK of the content (Nagle's algorithm), up to 40 ms.
            with contextlib.suppress(OSError):
                self.smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def close(self) -> None:
        backend, self.backend, self.smtp = self.backend, None, None
        if backend is not None:
            try:
                backend.close()
            except Exception:
                logger.debug("closing a broken SMTP connection failed", exc_info=True)

    def deliver(
        self,
        payload,
        *,
        sender: str = "",
        recipient: str = "",
        before_data=None,
        start_mark=None,
    ) -> Outcome:
        """Hand one message to the server: `payload` is the message's bytes over SMTP,
        a Django EmailMessage for any other backend. `before_data()` is called (and
        must return True) right before the message itself goes out.

        `start_mark()`, instead of `before_data`, sends the DATA mark without waiting
        and returns a function that waits for it (True when it took): then the mark
        is committed while DATA and the content travel, and only the final dot, the
        moment the server may accept the message, waits for it."""
        if self.smtp is None:
            if before_data is not None and not before_data():
                return Outcome(LOST)
            if start_mark is not None and not _taken(start_mark()):
                return Outcome(LOST)
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
        if start_mark is not None:
            mark = start_mark()
            if mark is False:  # written at once (no PostgreSQL to overlap with): not ours
                return self._reset(Outcome(LOST))
            return self._data_after_mark(data, mark)
        if before_data is not None and not before_data():
            return self._reset(Outcome(LOST))
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

    def _data_after_mark(self, data: bytes, mark_taken) -> Outcome:
        """DATA and the content while the DATA mark commits; the final dot only once it
        has. A server accepts a message only at that dot: a connection that ends before
        it cancels the transaction (RFC 5321, 3.8: the server behaves as if it got
        RSET), so until then nothing is delivered and trouble is safe to retry."""
        smtp = self.smtp
        try:
            try:
                code, reply = smtp.docmd("data")
                if code == 354:
                    smtp.send(_dot_stuffed(data))
            finally:
                taken = _taken(mark_taken)  # read the mark's result whatever happened
        except (smtplib.SMTPException, OSError) as error:
            self.abort()
            return Outcome(TEMPORARY, f"verbinding verbroken: {error}"[:1000], connection_lost=True)
        except BaseException:
            self.abort()  # the database failed: never let the server have the message
            raise
        if code != 354:
            return self._reset(_classify(code, reply))
        if not taken:
            self.abort()
            return Outcome(LOST, connection_lost=True)
        try:
            smtp.send(b".\r\n")
            code, reply = smtp.getreply()
        except (smtplib.SMTPException, OSError) as error:
            # The message may have reached the server: never sent again automatically.
            return Outcome(UNCERTAIN, f"{ANSWER_IN_FLIGHT} ({error})"[:1000], connection_lost=True)
        if code != 250:
            return self._reset(_classify(code, reply))
        return Outcome(SENT, _answer(code, reply))

    def abort(self) -> None:
        """Drop the connection without a word: a message under way is cancelled."""
        smtp, self.backend, self.smtp = self.smtp, None, None
        if smtp is not None and smtp.sock is not None:
            with contextlib.suppress(OSError):
                smtp.sock.close()
            smtp.sock = smtp.file = None

    def _reset(self, outcome: Outcome) -> Outcome:
        if outcome.connection_lost:
            return outcome
        try:
            self.smtp.rset()
        except (smtplib.SMTPException, OSError):
            return Outcome(outcome.kind, outcome.answer, connection_lost=True)
        return outcome


def _taken(mark) -> bool:
    """A DATA mark's outcome: already known (a bool) or still to be read (a function)."""
    return mark if isinstance(mark, bool) else mark()


_LEADING_DOT = re.compile(rb"^\.", re.MULTILINE)


def _dot_stuffed(data: bytes) -> bytes:
    """The content as DATA carries it, without the final dot: a line that starts with a
    dot gets a second one (as smtplib does), and it ends with CRLF."""
    data = _LEADING_DOT.sub(b"..", data)
    return data if data.endswith(b"\r\n") else data + b"\r\n"


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
        self.out_of_time = False  # stopped for the task timeout: the rest is queued again
        self.paced = False  # stopped at the relay's rate: queued again when it allows more
        self.paced_until = None  # when the relay's rate allows a whole group again
        self.retry_at = None  # handed back until then: a deferred address, a server down
        self.claimed_at = None  # the claim time of the delivery in flight, as written
        # PostgreSQL: the last answer's UPDATE, sent but its result not read yet (read
        # before anything else uses the connection, and before the next MAIL FROM).
        self._answer_in_flight: inflight.InFlight | None = None
        self._template: MessageTemplate | None = None
        self.domain = _domain()
        self.started = time.monotonic()
        self.budget = task_budget()
        self.slowest = 0.0

    # --- the lease -------------------------------------------------------------------
    def acquire(self) -> bool:
        now = timezone.now()
        taken = (
            SendBatch.objects.filter(pk=self.batch_id, done=False, send__status="sending")
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .update(
                lease_token=self.token,
                lease_until=now + self.lease,
                next_attempt_at=None,
                enqueued_at=None,  # its queued task is this one: no longer waiting
            )
        )
        if taken:
            self.renewed_at = time.monotonic()
        else:
            # This task was the queued one and waits no longer, though another holds
            # the batch (a dead worker's lease, or a copy queued at a cluster's start).
            # Left set, the mark would keep `resume_sends` from queueing the batch once
            # that lease ends, until the mark counts as lost minutes later. Clearing it
            # can at worst let one more task be queued, which the lease makes harmless.
            SendBatch.objects.filter(pk=self.batch_id, done=False).update(enqueued_at=None)
        return bool(taken)

    def _renew_if_due(self) -> None:
        if time.monotonic() - self.renewed_at < self.lease.total_seconds() / 4:
            return
        self.settle()
        renewed = SendBatch.objects.filter(pk=self.batch_id, lease_token=self.token).update(
            lease_until=timezone.now() + self.lease
        )
        self.renewed_at = time.monotonic()
        if not renewed:
            logger.warning("newsletter batch %s: lease lost, stopping", self.batch_id)
            self.lost = True

    def release(self, *, next_attempt_at: datetime.datetime | None = None) -> None:
        """Let go of the batch; `resume_sends` queues it again when it is due."""
        self.settle()
        released = SendBatch.objects.filter(pk=self.batch_id, lease_token=self.token).update(
            lease_token="", lease_until=None, next_attempt_at=next_attempt_at
        )
        if next_attempt_at is not None:
            from newsletter.queueing import wake_resume_at

            if released:
                self.retry_at = next_attempt_at
            wake_resume_at(next_attempt_at)

    # --- recording ---------------------------------------------------------------------
    def record(self, delivery_id: int, outcome: Outcome, *, ahead: bool = False) -> None:
        """The server's answer, committed right away (before the next MAIL FROM).

        A final answer is committed without waiting for the WAL flush (PostgreSQL): a
        worker that dies afterwards cannot undo it; a crash of PostgreSQL within the
        moment before the next synchronous commit (the next message's DATA mark) can,
        and then the delivery is back at "DATA mark written, no answer": uncertain.
        That errs on the safe side (never a second copy) and saves a disk flush per
        message.

        `ahead`: on PostgreSQL a final answer is only sent here; `settle()` reads its
        result, which the sender does before the next MAIL FROM (after building the next
        message, so PostgreSQL commits while this process works)."""
        self.settle()
        if outcome.kind == LOST:
            return
        final = _FINAL.get(outcome.kind)
        if final is not None:
            # A delivery marked uncertain by a takeover while we were sending it still
            # gets the real answer.
            params = [
                final,
                timezone.now(),
                outcome.answer,
                delivery_id,
                DeliveryStatus.SENDING,
                DeliveryStatus.UNCERTAIN,
            ]
            if ahead and inflight.available():
                # Committed by PostgreSQL as soon as it arrives; its result is read
                # (`settle`) after the next message is built, before its MAIL FROM.
                self._answer_in_flight = inflight.InFlight(_without_flush(_RECORD_SQL), params)
                return
            params[1] = _db_now(params[1])
            with connection.cursor() as cursor:
                cursor.execute(_without_flush(_RECORD_SQL), params)
            return
        now = timezone.now()
        claimed = Delivery.objects.filter(
            pk=delivery_id, status__in=[DeliveryStatus.SENDING, DeliveryStatus.UNCERTAIN]
        )
        attempts = claimed.values_list("attempts", flat=True).first()
        if attempts is None:
            return
        if attempts >= settings.NEWSLETTER_MAX_ATTEMPTS:
            claimed.update(status=DeliveryStatus.FAILED, finished_at=now, answer=outcome.answer)
        else:
            claimed.update(
                status=DeliveryStatus.QUEUED,
                next_attempt_at=now + datetime.timedelta(seconds=backoff(attempts - 1)),
                answer=outcome.answer,
            )

    def claim(self, delivery_ids: list[int]) -> set[int]:
        """Claim a small group (`queued -> sending`), committed: the ids that are ours.
        Each still needs its own DATA mark before its message goes out."""
        self.settle()
        self._renew_if_due()
        if self.lost or not delivery_ids:
            return set()
        self.claimed_at = _db_now()
        # Not flushed: a claim that a PostgreSQL crash undoes sent nothing, because no
        # message of the group reaches DATA before its DATA mark, a synchronous commit,
        # has flushed the claim with it.
        sql = _without_flush(_CLAIM_SQL.format(ids=", ".join(["%s"] * len(delivery_ids))))
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                [
                    DeliveryStatus.SENDING,
                    self.claimed_at,
                    self.batch_id,
                    DeliveryStatus.QUEUED,
                    *delivery_ids,
                ],
            )
            return {row[0] for row in cursor.fetchall()}

    def unclaim(self, delivery_ids: list[int]) -> None:
        """Give back claimed deliveries that never got as far as MAIL FROM."""
        self.settle()
        if not delivery_ids or self.claimed_at is None:
            return
        sql = _UNCLAIM_SQL.format(ids=", ".join(["%s"] * len(delivery_ids)))
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                [DeliveryStatus.QUEUED, DeliveryStatus.SENDING, self.claimed_at, *delivery_ids],
            )

    def mark_data(self, delivery_id: int) -> bool:
        """The one extra write per message: this delivery is about to reach DATA.
        Committed before DATA is sent; False when the claim is no longer ours.

        The one synchronous commit per message, on purpose: it must survive a crash of
        PostgreSQL itself, not only of this worker. Were it lost while the server had
        accepted the message, the delivery would look as if it never reached DATA and be
        sent a second time. Its WAL flush also makes durable everything this worker
        wrote before (the claim, the previous message's answer)."""
        self.settle()
        with connection.cursor() as cursor:
            cursor.execute(
                _DATA_SQL, [_db_now(), delivery_id, DeliveryStatus.SENDING, self.claimed_at]
            )
            return cursor.rowcount == 1

    def start_mark(self, delivery_id: int):
        """`mark_data`, sent to PostgreSQL without waiting for it: returns a function that
        waits for it and says whether it took (see `Session.deliver`); elsewhere (or
        inside a transaction) it is written at once and this returns True or False. The same
        statement, so the same synchronous commit; the sender only reads its result
        before the final dot of DATA, the moment the server may accept the message."""
        self.settle()
        if not inflight.available():
            return self.mark_data(delivery_id)  # written now: True or False
        mark = inflight.InFlight(
            _DATA_SQL, [timezone.now(), delivery_id, DeliveryStatus.SENDING, self.claimed_at]
        )
        return lambda: mark.rowcount() == 1

    def settle(self) -> None:
        """Read the result of the answer sent ahead, if any: it is committed from here on
        (and any database error surfaces here)."""
        pending, self._answer_in_flight = self._answer_in_flight, None
        if pending is not None:
            pending.rowcount()

    # --- the loop ------------------------------------------------------------------------
    def template(self, send: Send) -> MessageTemplate:
        if self._template is None:
            self._template = MessageTemplate(subject=send.subject, html=send.html, text=send.text)
        return self._template

    def _claimable(self) -> list[tuple]:
        self.settle()
        now = timezone.now()
        return list(
            Delivery.objects.filter(batch_id=self.batch_id, status=DeliveryStatus.QUEUED)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .order_by("pk")
            .values_list("pk", "email", "name", "user_id")
        )

    def _open(self) -> bool:
        """Connect once; a server that refuses gets the batch back later, not a sleep."""
        try:
            self.session.open()
            return True
        except (smtplib.SMTPException, OSError) as error:
            self.session.close()
            delay = backoff(0)
            logger.warning(
                "newsletter batch %s: mail server unreachable (%s); retrying in %ss",
                self.batch_id,
                error,
                delay,
            )
            self.release(next_attempt_at=timezone.now() + datetime.timedelta(seconds=delay))
            return False

    def _time_left(self) -> bool:
        """Room for one more message inside the task's budget, judged by the slowest
        message so far (twice over, for a relay that is getting slower)."""
        if self.budget is None:
            return True
        return time.monotonic() - self.started + 2 * self.slowest < self.budget

    def take_over(self) -> None:
        """Whatever a previous holder left in flight: sent again when it never reached
        DATA, uncertain (never resent automatically) when it did."""
        self.settle()
        in_flight = Delivery.objects.filter(batch_id=self.batch_id, status=DeliveryStatus.SENDING)
        in_flight.filter(data_at__isnull=True).update(
            status=DeliveryStatus.QUEUED, next_attempt_at=None
        )
        in_flight.filter(data_at__isnull=False).update(
            status=DeliveryStatus.UNCERTAIN, finished_at=timezone.now(), answer=ANSWER_IN_FLIGHT
        )

    def run(self, send: Send) -> None:
        self.take_over()
        try:
            while not self.lost:
                rows = self._claimable()
                if not rows:
                    self._finish_or_release()
                    return
                if not self._send_rows(send, rows):
                    return
        finally:
            try:
                self.settle()
            finally:
                self.session.close()

    def _send_rows(self, send: Send, rows: list[tuple]) -> bool:
        for start in range(0, len(rows), CLAIM_GROUP):
            group = rows[start : start + CLAIM_GROUP]
            if not self._time_left():
                return self._stop_for_time()
            # The relay's rate (off by default): only what the shared bucket allows.
            self.settle()
            grant = pacing.take(len(group))
            if grant.count == 0:
                self.paced = True
                self.paced_until = grant.refill_at
                self.release(next_attempt_at=grant.retry_at)
                return False
            group = group[: grant.count]
            claimed = self.claim([row[0] for row in group])
            if self.lost:
                return False
            group = [row for row in group if row[0] in claimed]
            for index, row in enumerate(group):
                if not self._send_one(send, row):
                    self.unclaim([left[0] for left in group[index:]])
                    if self.out_of_time:
                        self.release()
                    return False
        return not self.lost

    def _stop_for_time(self) -> bool:
        self.out_of_time = True
        self.release()
        return False

    def _send_one(self, send: Send, row: tuple) -> bool:
        """One claimed delivery to the server and its answer recorded. False (nothing
        sent) when the batch must stop: out of time, lease lost, server unreachable."""
        delivery_id, email, name, user_id = row
        if not self._time_left():
            self.out_of_time = True
            return False
        valid = user_id is not None and _is_valid_address(email)
        message_id = f"<newsletter.{send.pk}.{delivery_id}@{self.domain}>"
        payload = None
        if valid and self.session.smtp is not None:
            # Built while PostgreSQL commits the previous answer (sent ahead).
            payload = self.template(send).render(
                email=email, name=name, user_id=user_id, message_id=message_id
            )
        self.settle()  # the previous answer is committed before this MAIL FROM
        self._renew_if_due()
        if self.lost:
            return False
        began = time.monotonic()
        if not valid:
            # Claimed and recorded at once: it never reaches the server.
            self.record(delivery_id, Outcome(PERMANENT, ANSWER_INVALID))
            return True
        if not self.session.is_open and not self._open():
            return False
        if payload is None:
            if self.session.smtp is not None:
                payload = self.template(send).render(
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
        outcome = self.session.deliver(
            payload,
            sender=self.template(send).from_address,
            recipient=email,
            start_mark=partial(self.start_mark, delivery_id),
        )
        self.record(delivery_id, outcome, ahead=True)
        if outcome.connection_lost:
            self.session.close()
        self.slowest = max(self.slowest, time.monotonic() - began)
        return True

    def _finish_or_release(self) -> None:
        """Nothing to send right now: the batch is done, or handed back until its next
        retry is due (never waited for inside the task)."""
        self.settle()
        waiting = Delivery.objects.filter(
            batch_id=self.batch_id, status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING]
        )
        next_at = (
            waiting.filter(next_attempt_at__isnull=False)
            .order_by("next_attempt_at")
            .values_list("next_attempt_at", flat=True)
            .first()
        )
        if next_at is None and not waiting.exists():
            SendBatch.objects.filter(pk=self.batch_id, lease_token=self.token).update(
                done=True, lease_token="", lease_until=None, next_attempt_at=None
            )
            return
        self.release(
            next_attempt_at=next_at or timezone.now() + datetime.timedelta(seconds=backoff(0))
        )


def task_budget() -> float | None:
    """Seconds a batch task may spend sending: a share of django-q2's task timeout."""
    from django_q.conf import Conf

    timeout = Conf.TIMEOUT
    if not timeout:
        return None
    return timeout * settings.NEWSLETTER_TASK_BUDGET


def _domain() -> str:
    address = parseaddr(settings.NEWSLETTER_FROM_EMAIL or settings.DEFAULT_FROM_EMAIL)[1]
    return address.rsplit("@", 1)[-1] or "localhost"


def send_batch(*, batch_id: int) -> bool:
    """Send what is left of one batch. Safe to run twice, or at the same time: only the
    holder of the batch's lease sends, and only queued deliveries are claimed."""
    from newsletter.queueing import queue_batch, queue_batch_at
    from newsletter.services import finish_send_if_complete

    batch = SendBatch.objects.filter(pk=batch_id).select_related("send").first()
    if batch is None or batch.done:
        return False
    sender = BatchSender(batch_id)
    if not sender.acquire():
        return False
    sender.run(batch.send)
    if sender.out_of_time:
        queue_batch(batch_id)
    elif sender.paced_until is not None:
        # Back when the rate allows a group again, if the broker can hold the task
        # until then; otherwise the resume schedule's next round queues it.
        queue_batch_at(batch_id, sender.paced_until)
    elif sender.retry_at is not None:
        # The same for a retry: on the ORM broker it no longer waits for the scheduler's
        # next round (up to 30 s) when it is due in a few seconds.
        queue_batch_at(batch_id, sender.retry_at)
    finish_send_if_complete(send_id=batch.send_id)
    return True
