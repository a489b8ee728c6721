"""Where newsletter work is queued, and the ledger that keeps it queued once.

Newsletter tasks go to a django-q2 cluster of their own (`NEWSLETTER_CLUSTER`), so the
site's service e-mails (password, confirmation, reminders, RSVP, referral notices) on
the default cluster never wait behind a newsletter. See docs/mail.md.

- A batch is queued only through `queue_batch`: a conditional UPDATE of its
  `enqueued_at` decides, so at most one task per batch waits in the queue.
- `resume_sends` runs alone (`run_alone`) and is queued only through
  `request_resume`, by the minute schedule (on the site's cluster, where it never
  waits behind a batch) and by a starting worker: at most one copy waits in the queue.
- Nothing sleeps in a task: a batch that must wait is released with the time it is
  due, and `wake_resume_at` pulls the resume schedule forward to that time. On the ORM
  broker a short wait (the relay's rate, a retry) is held back in the queue instead:
  `queue_batch_at`.
"""

from __future__ import annotations

import contextlib
import datetime
import uuid
from collections.abc import Iterator
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_q.tasks import async_task

from newsletter.models import SendBatch, SendingLedger

BATCH_TASK = "newsletter.tasks.send_batch"
START_TASK = "newsletter.tasks.start_send"
RESUME_TASK = "newsletter.tasks.resume_sends"
REQUEST_RESUME_TASK = "newsletter.tasks.request_resume"
RESUME = "resume_sends"


def bulk_options() -> dict[str, str]:
    """The q_options that put a task on the newsletter's own cluster."""
    return {"cluster": settings.NEWSLETTER_CLUSTER} if settings.NEWSLETTER_CLUSTER else {}


def enqueue_bulk(func_path: str, *args) -> None:
    """Queue a newsletter task on the bulk cluster once the transaction commits."""
    transaction.on_commit(partial(async_task, func_path, *args, **bulk_options()))


def _lost_before(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(seconds=settings.NEWSLETTER_TASK_LOST_AFTER)


def _note_queued(batch_id: int, *, restarted_at: datetime.datetime | None = None) -> bool:
    """The ledger: True (and noted) when no task for the batch waits in the queue."""
    now = timezone.now()
    waiting_for_nothing = Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=_lost_before(now))
    if restarted_at is not None:
        waiting_for_nothing |= Q(enqueued_at__lt=restarted_at)
    return bool(
        SendBatch.objects.filter(waiting_for_nothing, pk=batch_id, done=False).update(
            enqueued_at=now
        )
    )


def queue_batch(batch_id: int, *, restarted_at: datetime.datetime | None = None) -> bool:
    """Queue the batch's task unless a task for it waits in the queue already (or it is
    done). `restarted_at`: the cluster restarted then, so a task queued before may
    have died with a worker that had taken it."""
    if not _note_queued(batch_id, restarted_at=restarted_at):
        return False
    enqueue_bulk(BATCH_TASK, batch_id)
    return True


# A paced or retried batch is held back in the broker only for a wait shorter than this: the
# scheduler's cycle (django-q2 runs schedules about every 30 s), beyond which the resume
# schedule, pulled forward to the batch's due time, is just as punctual. Well below
# `NEWSLETTER_TASK_LOST_AFTER`, so a held-back task never counts as lost.
HOLD_BACK_AT_MOST = 30


class _HeldBack:
    """Django-q2's ORM broker, queueing a task that no worker takes before `when`.

    The ORM broker hands out a queued row once its `lock` has passed (a taken row gets
    a lock in the future, its retry time); a new row normally gets `lock = now`. A row
    written with `lock = when` is therefore handed out from `when` on, within the
    broker's poll (`Q_CLUSTER["poll"]`, 0.5 s)."""

    def __init__(self, broker, when: datetime.datetime):
        self.broker = broker
        self.list_key = broker.list_key
        self.when = when

    def enqueue(self, task) -> int:
        from django_q.conf import Conf

        row = self.broker.get_connection().create(
            key=self.list_key or Conf.CLUSTER_NAME, payload=task, lock=self.when
        )
        return row.pk


def _held_back_broker(when: datetime.datetime) -> _HeldBack | None:
    """A broker that can hold a task back until `when`: only the ORM broker can (Redis
    lists cannot), and not when tasks run inline."""
    from django_q.brokers import get_broker
    from django_q.brokers.orm import ORM
    from django_q.conf import Conf

    if Conf.SYNC:
        return None
    broker = get_broker(settings.NEWSLETTER_CLUSTER or None)
    return _HeldBack(broker, when) if isinstance(broker, ORM) else None


def queue_batch_at(batch_id: int, when: datetime.datetime) -> bool:
    """Queue the batch's task to start at `when` (waiting for the relay's rate or a retry),
    when the broker can hold it back that long and the wait is short; otherwise leave it
    to the resume schedule. At most one waiting task per batch, as with `queue_batch`."""
    if (when - timezone.now()).total_seconds() > HOLD_BACK_AT_MOST:
        return False
    broker = _held_back_broker(when)
    if broker is None or not _note_queued(batch_id):
        return False
    transaction.on_commit(
        partial(async_task, BATCH_TASK, batch_id, broker=broker, **bulk_options())
    )
    return True


def _ledger(name: str) -> SendingLedger:
    ledger, _created = SendingLedger.objects.get_or_create(name=name)
    return ledger


def request_resume(*, after_restart: bool = False) -> bool:
    """Queue `resume_sends` on the newsletter cluster unless a copy waits there already.
    The minute schedule and every starting worker ask; at most one copy is queued.
    `after_restart` is remembered for the next run even when a copy is queued."""
    _ledger(RESUME)
    now = timezone.now()
    ledger = SendingLedger.objects.filter(name=RESUME)
    if after_restart:  # the earliest asking worker: the time the cluster started
        ledger.filter(restarted_at__isnull=True).update(restarted_at=now)
    queued = ledger.filter(Q(queued_at__isnull=True) | Q(queued_at__lt=_lost_before(now))).update(
        queued_at=now
    )
    if queued:
        enqueue_bulk(RESUME_TASK)
    return bool(queued)


@contextlib.contextmanager
def run_alone(name: str, *, seconds: float) -> Iterator[SendingLedger | None]:
    """Hold the ledger row `name` for at most `seconds`: the row inside when this
    process got it (as it was before: `restarted_at`), None when another process
    runs the same job right now."""
    _ledger(name)
    token = uuid.uuid4().hex
    now = timezone.now()
    with transaction.atomic():
        got = (
            SendingLedger.objects.filter(name=name)
            .filter(Q(held_until__isnull=True) | Q(held_until__lt=now))
            .update(
                holder=token, held_until=now + datetime.timedelta(seconds=seconds), queued_at=None
            )
        )
        ledger = SendingLedger.objects.get(name=name) if got else None
        if got:
            SendingLedger.objects.filter(name=name).update(restarted_at=None)
        else:
            # This was the waiting copy: it waits no longer, even though another one
            # runs. Left set, the mark would refuse every request (the minute schedule,
            # a paced batch's wake-up) until it counted as lost, minutes later.
            SendingLedger.objects.filter(name=name).update(queued_at=None)
    try:
        yield ledger
    finally:
        if got:
            SendingLedger.objects.filter(name=name, holder=token).update(holder="", held_until=None)


def wake_resume_at(when: datetime.datetime) -> None:
    """Run the resume schedule at `when` if that is sooner than its next minute."""
    from django_q.models import Schedule

    from newsletter.schedules import RESUME_SCHEDULE

    Schedule.objects.filter(name=RESUME_SCHEDULE, next_run__gt=when).update(next_run=when)
