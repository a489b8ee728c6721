"""Crash and resume with a real django-q2 cluster: the cluster is killed (SIGKILL, all
its processes at once) in the middle of a send to 2000 recipients and started again.
Afterwards every recipient has exactly one message at the SMTP server, apart from at
most one per worker marked uncertain, and the delivery records agree with the server.
A worker killed between the claim and DATA leaves nothing uncertain: that delivery is
sent after the restart.
"""

import pytest

from newsletter import services
from newsletter.models import Delivery, DeliveryStatus, Send, SendStatus
from newsletter.schedules import ensure_schedules
from tests.newsletter.factories import make_newsletter, make_volunteers
from tests.services import wait_until

RECIPIENTS = 2000
WORKERS = 2


def cluster_env(smtp_server) -> dict[str, str]:
    return {
        "TEST_EMAIL_URL": smtp_server.url,
        "Q_WORKERS": str(WORKERS),
        "NEWSLETTER_WORKERS": str(WORKERS),
        # A dead holder is recognised within two seconds; small batches.
        "NEWSLETTER_LEASE_SECONDS": "2",
        "NEWSLETTER_RETRY_BACKOFF": "0.05",
        # A batch noted as queued whose task died with the cluster is queued again once
        # it counts as lost (6 minutes by default): within the test's wait. Seen once in
        # CI on Redis, with the restart slowed to 28 s by a loaded machine: no resume
        # round after the first found a batch to queue; the cause is not known yet.
        "NEWSLETTER_TASK_LOST_AFTER": "20",
    }


class Clusters:
    """The site's cluster and the newsletter's, started, killed and stopped together."""

    def __init__(self, q_cluster, **env: str):
        from django.conf import settings

        self.site = q_cluster(**env)
        self.newsletter = q_cluster(Q_CLUSTER_NAME=settings.NEWSLETTER_CLUSTER, **env)

    def kill(self) -> None:
        self.newsletter.kill()
        self.site.kill()

    def output(self) -> str:
        return self.site.output()[-1500:] + self.newsletter.output()[-3000:]


@pytest.mark.cluster
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kill_at", [0.1, 0.5, 0.9], ids=["early", "middle", "late"])
def test_killed_cluster_resumes_and_everyone_gets_exactly_one(
    q_cluster, smtp_server, settings, branch, staff, kill_at
):
    settings.NEWSLETTER_BATCH_SIZE = 50
    people = make_volunteers(branch, RECIPIENTS)
    page = make_newsletter(branches=[branch])
    ensure_schedules()
    cluster = Clusters(q_cluster, **cluster_env(smtp_server))
    send = services.schedule_send(page_id=page.pk, user=staff)

    assert wait_until(
        lambda: len(smtp_server.messages) >= RECIPIENTS * kill_at, timeout=120, interval=0.01
    ), cluster.output()[-3000:]
    cluster.kill()
    at_kill = len(smtp_server.messages)
    assert at_kill < RECIPIENTS, "the send finished before the kill"
    assert Send.objects.get(pk=send.pk).status == SendStatus.SENDING

    restarted = Clusters(q_cluster, **cluster_env(smtp_server))
    assert wait_until(
        lambda: Send.objects.get(pk=send.pk).status == SendStatus.DONE, timeout=120, interval=0.1
    ), restarted.output()[-3000:]

    received = smtp_server.count_by_recipient()
    records = dict(Delivery.objects.filter(send=send).values_list("email", "status"))
    assert set(records) == {person.email for person in people}
    assert set(records.values()) <= {DeliveryStatus.SENT, DeliveryStatus.UNCERTAIN}
    uncertain = [email for email, status in records.items() if status == DeliveryStatus.UNCERTAIN]
    assert len(uncertain) <= WORKERS
    for email, status in records.items():
        if status == DeliveryStatus.SENT:
            assert received.get(email) == 1, email
        else:
            assert received.get(email, 0) <= 1, email
    assert set(received) <= set(records)
    assert max(received.values()) == 1  # nobody got it twice
    counts = services.progress(send_id=send.pk)
    assert counts["left"] == 0
    assert counts["sent"] + counts["uncertain"] == RECIPIENTS


@pytest.mark.cluster
@pytest.mark.django_db(transaction=True)
def test_killed_between_claim_and_data_is_sent_after_resume(
    q_cluster, smtp_server, settings, branch, staff
):
    settings.NEWSLETTER_BATCH_SIZE = 50
    people = make_volunteers(branch, 200)
    held = people[70].email
    smtp_server.stall_recipients.add(held)  # the worker waits for RCPT's answer
    ensure_schedules()
    cluster = Clusters(q_cluster, **cluster_env(smtp_server))
    send = services.schedule_send(page_id=make_newsletter(branches=[branch]).pk, user=staff)
    in_flight = Delivery.objects.filter(send=send, email=held)
    assert wait_until(
        lambda: in_flight.filter(status=DeliveryStatus.SENDING, data_at__isnull=True).exists(),
        timeout=60,
        interval=0.05,
    ), cluster.output()
    cluster.kill()
    smtp_server.stall_recipients.clear()

    restarted = Clusters(q_cluster, **cluster_env(smtp_server))
    assert wait_until(
        lambda: Send.objects.get(pk=send.pk).status == SendStatus.DONE, timeout=120, interval=0.1
    ), restarted.output()
    received = smtp_server.count_by_recipient()
    assert received[held] == 1
    assert in_flight.get().status == DeliveryStatus.SENT
    assert max(received.values()) == 1
    records = dict(Delivery.objects.filter(send=send).values_list("email", "status"))
    # Only a delivery another worker had taken into DATA may be uncertain.
    assert list(records.values()).count(DeliveryStatus.UNCERTAIN) <= WORKERS - 1
    for email, status in records.items():
        if status == DeliveryStatus.SENT:
            assert received.get(email) == 1, email
