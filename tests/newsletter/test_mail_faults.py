"""Mail under faults with real django-q2 clusters (the site's and the newsletter's own)
and a real SMTP server on localhost: a newsletter never holds up a service e-mail, the
queue never holds two tasks for one batch, and a slow relay never gets a task killed.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from django.utils import timezone
from django_q.models import OrmQ, Task

from newsletter import services
from newsletter.models import Delivery, DeliveryStatus, Send, SendStatus
from newsletter.queueing import BATCH_TASK, RESUME_TASK
from newsletter.schedules import ensure_schedules
from tests.newsletter.factories import make_newsletter, make_volunteers
from tests.newsletter.test_crash_resume import Clusters
from tests.services import wait_until

pytestmark = [
    pytest.mark.cluster,
    pytest.mark.django_db(transaction=True),
]


def waiting_tasks(key: str) -> list[dict]:
    """The tasks waiting in queue `key`, not yet taken by a worker: the Redis list, or
    the ORM broker's unlocked rows (a taken one stays locked until acknowledged)."""
    from django.conf import settings

    if settings.Q_CLUSTER.get("redis"):
        from django_q.brokers import get_broker
        from django_q.signing import SignedPackage

        broker = get_broker(key)
        return [
            SignedPackage.loads(raw) for raw in broker.connection.lrange(broker.list_key, 0, -1)
        ]
    return [row.task for row in OrmQ.objects.filter(key=key, lock__lte=timezone.now())]


class QueueWatch:
    """Counts, every few milliseconds, the newsletter tasks waiting in the queue (the
    ORM broker: waiting rows are the unlocked ones); keeps
    the largest number of copies of one batch's task and of `resume_sends`."""

    def __init__(self, key: str):
        self.key = key
        self.most_per_batch = 0
        self.most_resumes = 0
        self.samples = 0
        self.seen = None
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        from django.db import connection

        try:
            while not self.stop.is_set():
                tasks = waiting_tasks(self.key)
                batches = Counter(t["args"] for t in tasks if t["func"] == BATCH_TASK)
                resumes = sum(1 for t in tasks if t["func"] == RESUME_TASK)
                self.most_per_batch = max(self.most_per_batch, *batches.values(), 0)
                if batches and max(batches.values()) > 1 and not self.seen:
                    self.seen = (timezone.now(), [(t["func"], t["args"]) for t in tasks])
                self.most_resumes = max(self.most_resumes, resumes)
                self.samples += 1
                time.sleep(0.02)
        finally:
            connection.close()

    def __enter__(self) -> QueueWatch:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=10)


def test_a_service_mail_during_a_send_with_deferred_addresses_arrives_promptly(
    q_cluster, smtp_server, settings, branch, coordinator
):
    settings.NEWSLETTER_BATCH_SIZE = 50
    people = make_volunteers(branch, 500)
    deferred = {person.email for person in people[5::100]}  # one in every batch of 100
    smtp_server.defer_recipients = deferred
    page = make_newsletter(branches=[branch], owner=coordinator)
    ensure_schedules()
    clusters = Clusters(
        q_cluster,
        TEST_EMAIL_URL=smtp_server.url,
        Q_WORKERS="2",
        NEWSLETTER_WORKERS="2",
        NEWSLETTER_RETRY_BACKOFF="1",
        NEWSLETTER_MAX_ATTEMPTS="2",
    )
    with QueueWatch(settings.NEWSLETTER_CLUSTER) as watch:
        send = services.schedule_send(page_id=page.pk, user=coordinator)
        assert wait_until(lambda: len(smtp_server.messages) >= 50, timeout=60, interval=0.02), (
            clusters.output()
        )
        queued_at = time.monotonic()
        services.send_test(page_id=page.pk, user=coordinator)  # a service e-mail
        assert wait_until(
            lambda: smtp_server.messages_to(coordinator.email), timeout=30, interval=0.05
        ), clusters.output()
        waited = time.monotonic() - queued_at
        assert Send.objects.get(pk=send.pk).status == SendStatus.SENDING  # mid-send
        assert wait_until(
            lambda: Send.objects.get(pk=send.pk).status == SendStatus.DONE,
            timeout=150,
            interval=0.2,
        ), clusters.output()
    print(f"test e-mail arrived {waited:.2f} s after it was queued")
    assert waited < 30
    received = smtp_server.count_by_recipient()
    records = dict(Delivery.objects.filter(send=send).values_list("email", "status"))
    assert {e for e, s in records.items() if s == DeliveryStatus.FAILED} == deferred
    assert {e for e, s in records.items() if s == DeliveryStatus.SENT} == set(records) - deferred
    assert set(received) == {p.email for p in people} - deferred | {coordinator.email}
    assert max(received.values()) == 1
    # Counting the queue the whole time: never two tasks for one batch, nor two resumes.
    assert watch.samples > 20  # (Redis: workers take tasks at once, the list stays short)
    print(watch.seen, clusters.output()[-6000:])
    assert watch.most_per_batch <= 1, watch.seen
    assert watch.most_resumes <= 1


def test_a_slow_relay_never_gets_a_batch_killed_by_the_task_timeout(
    q_cluster, smtp_server, settings, branch, staff
):
    settings.NEWSLETTER_BATCH_SIZE = 20
    people = make_volunteers(branch, 40)
    smtp_server.delay = 0.25  # a throttling relay: a quarter second per message
    ensure_schedules()
    clusters = Clusters(
        q_cluster,
        TEST_EMAIL_URL=smtp_server.url,
        Q_WORKERS="2",
        NEWSLETTER_WORKERS="2",
        # 20 messages take 5 s: longer than a task may run.
        Q_TIMEOUT="3",
        Q_RETRY="5",
    )
    send = services.schedule_send(page_id=make_newsletter(branches=[branch]).pk, user=staff)
    assert wait_until(
        lambda: Send.objects.get(pk=send.pk).status == SendStatus.DONE, timeout=120, interval=0.2
    ), clusters.output()
    statuses = Counter(Delivery.objects.filter(send=send).values_list("status", flat=True))
    assert statuses == {DeliveryStatus.SENT: 40}
    assert smtp_server.count_by_recipient() == {p.email: 1 for p in people}
    batch_runs = Task.objects.filter(func=BATCH_TASK)
    assert batch_runs.count() > 2  # the batches were split across tasks
    assert not batch_runs.filter(success=False).exists()
    assert "timed out" not in clusters.output().lower()
