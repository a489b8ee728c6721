"""Sending over a real SMTP server (aiosmtpd on localhost), with the tasks inline:
everyone once, the right headers and parts, one-click unsubscribe, and the failures a
mail server can produce."""

import smtplib
import time
from datetime import timedelta
from unittest.mock import patch
from urllib.parse import urlsplit

import pytest
from django.db.models import Count
from django.utils import timezone
from django_q.models import Schedule
from wagtail.models import PageLogEntry

from newsletter import services
from newsletter.models import Delivery, DeliveryStatus, Send, SendBatch, SendStatus
from newsletter.queueing import BATCH_TASK, RESUME_TASK, bulk_options, request_resume, run_alone
from newsletter.schedules import RESUME_SCHEDULE
from newsletter.sending import (
    LOST,
    PERMANENT,
    SENT,
    TEMPORARY,
    UNCERTAIN,
    Session,
    send_batch,
)
from portal.errors import ServiceError
from portal.models import User, VolunteerStatus
from tests.newsletter.factories import make_newsletter, make_volunteers, taken_over

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_sending(settings):
    settings.NEWSLETTER_BATCH_SIZE = 7
    settings.NEWSLETTER_RETRY_BACKOFF = 0.05


def send_now(page, user, capture):
    with capture(execute=True):
        return services.schedule_send(page_id=page.pk, user=user)


def statuses(send):
    return dict(
        Delivery.objects.filter(send=send).values_list("status").annotate(n=Count("pk")).order_by()
    )


def test_every_recipient_gets_exactly_one_message_with_both_parts_and_headers(
    client,
    smtp_server,
    branch,
    other_branch,
    coordinator,
    unsubscribe,
    django_capture_on_commit_callbacks,
):
    people = make_volunteers(branch, 30)
    make_volunteers(branch, 3, status=VolunteerStatus.STOPPED, prefix="s")
    make_volunteers(other_branch, 4, prefix="o")
    unsubscribe(people[0])
    unsubscribe(people[1])
    page = make_newsletter(branches=[branch], owner=coordinator)

    send = send_now(page, coordinator, django_capture_on_commit_callbacks)

    receiving = {person.email for person in people[2:]}
    assert smtp_server.count_by_recipient() == dict.fromkeys(receiving, 1)
    send.refresh_from_db()
    assert send.status == SendStatus.DONE and send.total == 30
    assert statuses(send) == {DeliveryStatus.SENT: 28, DeliveryStatus.SKIPPED: 2}
    assert SendBatch.objects.filter(send=send).count() == 4  # 28 in batches of 7

    person = people[5]
    message = smtp_server.messages_to(person.email)[0].message
    assert message["Subject"] == page.subject
    assert person.first_name in message["To"] and person.email in message["To"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click = message["List-Unsubscribe"].strip().strip("<>")
    assert one_click.startswith("https://") and "mailto:" not in message["List-Unsubscribe"]
    assert message["Message-ID"]
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert f"Beste {person.first_name} {person.last_name}," in text
    assert f"Beste {person.first_name} {person.last_name}," in html
    assert "%%" not in text and "%%" not in html
    assert 'href="http://testserver/' in html and 'href="/' not in html
    assert "<style" not in html and 'style="' in html

    response = client.post(
        urlsplit(one_click).path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not services.is_subscribed(User.objects.get(pk=person.pk))

    # The next newsletter skips them.
    second = make_newsletter(branches=[branch], owner=coordinator, title="Tweede")
    smtp_server.messages.clear()
    send_now(second, coordinator, django_capture_on_commit_callbacks)
    assert person.email not in smtp_server.count_by_recipient()
    assert len(smtp_server.count_by_recipient()) == 27


def test_mailto_unsubscribe_only_when_the_deployment_handles_it(
    settings, smtp_server, branch, staff, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_UNSUBSCRIBE_MAILTO = "afmelden@homestart.example"
    person = make_volunteers(branch, 1)[0]
    send_now(make_newsletter(branches=[branch]), staff, django_capture_on_commit_callbacks)
    header = smtp_server.messages_to(person.email)[0].message["List-Unsubscribe"]
    assert (
        header.strip().startswith("<https://")
        and "<mailto:afmelden@homestart.example?subject=" in header
    )


def test_malformed_address_is_recorded_and_sending_goes_on(
    smtp_server, branch, staff, django_capture_on_commit_callbacks
):
    people = make_volunteers(branch, 5)
    User.objects.filter(pk=people[2].pk).update(email="geen-adres@")
    send = send_now(make_newsletter(branches=[branch]), staff, django_capture_on_commit_callbacks)
    assert statuses(send) == {DeliveryStatus.SENT: 4, DeliveryStatus.FAILED: 1}
    failed = Delivery.objects.get(send=send, status=DeliveryStatus.FAILED)
    assert failed.email == "geen-adres@" and failed.answer == "ongeldig e-mailadres"
    assert len(smtp_server.messages) == 4


def test_server_refusing_one_recipient_is_recorded_with_its_answer(
    smtp_server, branch, staff, django_capture_on_commit_callbacks
):
    people = make_volunteers(branch, 10)
    smtp_server.refuse_recipients.add(people[3].email)
    send = send_now(make_newsletter(branches=[branch]), staff, django_capture_on_commit_callbacks)
    assert statuses(send) == {DeliveryStatus.SENT: 9, DeliveryStatus.FAILED: 1}
    failed = Delivery.objects.get(send=send, status=DeliveryStatus.FAILED)
    assert failed.email == people[3].email
    assert failed.answer.startswith("550") and failed.attempts == 1
    assert set(smtp_server.count_by_recipient()) == {p.email for p in people} - {people[3].email}


class DeferOnce(set):
    """A recipient the server answers 451 once, and accepts afterwards."""

    def __contains__(self, address):
        if set.__contains__(self, address):
            self.discard(address)
            return True
        return False


def drain(send, capture, *, rounds: int = 20) -> None:
    """What the resume schedule does over time: whenever something is due (the clock
    moved on to every retry time at once), queue it; until the send is done."""
    for _ in range(rounds):
        if Send.objects.get(pk=send.pk).status == SendStatus.DONE:
            return
        Delivery.objects.filter(send=send, next_attempt_at__isnull=False).update(
            next_attempt_at=timezone.now()
        )
        SendBatch.objects.filter(send=send, next_attempt_at__isnull=False).update(
            next_attempt_at=timezone.now()
        )
        with capture(execute=True):
            services.resume_sends()


def test_temporary_refusal_is_retried_later_not_waited_for(
    settings, smtp_server, branch, staff, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_RETRY_BACKOFF = 30  # not due while the others are sent
    people = make_volunteers(branch, 6)
    smtp_server.defer_recipients = DeferOnce({people[1].email})
    started = time.monotonic()
    send = send_now(make_newsletter(branches=[branch]), staff, django_capture_on_commit_callbacks)
    assert time.monotonic() - started < 20  # the task did not wait the 30 s retry
    delivery = Delivery.objects.get(send=send, email=people[1].email)
    assert delivery.status == DeliveryStatus.QUEUED and delivery.next_attempt_at is not None
    batch = SendBatch.objects.get(send=send)
    assert batch.lease_until is None and batch.next_attempt_at == delivery.next_attempt_at
    # The resume schedule is pulled forward to when the retry is due.
    schedule = Schedule.objects.get(name=RESUME_SCHEDULE)
    assert schedule.next_run <= delivery.next_attempt_at

    drain(send, django_capture_on_commit_callbacks)
    assert smtp_server.count_by_recipient() == {p.email: 1 for p in people}
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2


def test_temporary_refusal_that_lasts_fails_after_the_last_attempt(
    settings, smtp_server, branch, staff, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_MAX_ATTEMPTS = 3
    people = make_volunteers(branch, 3)
    smtp_server.defer_recipients.add(people[0].email)
    send = send_now(make_newsletter(branches=[branch]), staff, django_capture_on_commit_callbacks)
    drain(send, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(send=send, email=people[0].email)
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 3
    assert delivery.answer.startswith("451")
    send.refresh_from_db()
    assert send.status == SendStatus.DONE


def test_server_down_hands_the_batch_back_and_loses_nothing(
    settings, smtp_server, branch, staff, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_RETRY_BACKOFF = 30
    people = make_volunteers(branch, 5)
    smtp_server.stop()
    started = time.monotonic()
    send = send_now(make_newsletter(branches=[branch]), staff, django_capture_on_commit_callbacks)
    assert time.monotonic() - started < 20  # no 30 s connection retry inside the task
    send.refresh_from_db()
    assert send.status == SendStatus.SENDING
    assert statuses(send) == {DeliveryStatus.QUEUED: 5}
    batch = SendBatch.objects.get(send=send)
    assert batch.lease_until is None and batch.next_attempt_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        assert services.resume_sends() == 0  # not due yet: not queued
    smtp_server.start()
    drain(send, django_capture_on_commit_callbacks)
    assert smtp_server.count_by_recipient() == {p.email: 1 for p in people}
    send.refresh_from_db()
    assert send.status == SendStatus.DONE


def test_takeover_resends_what_never_reached_data_and_marks_the_rest_uncertain(
    smtp_server, branch, staff, django_capture_on_commit_callbacks
):
    people = make_volunteers(branch, 6)
    page = make_newsletter(branches=[branch])
    with django_capture_on_commit_callbacks(execute=False):
        send = services.schedule_send(page_id=page.pk, user=staff)
    with django_capture_on_commit_callbacks(execute=False):
        services.start_send(send_id=send.pk)  # batches queued, not sent
    batch = SendBatch.objects.get(send=send)
    # Two workers died holding a claim: one before DATA, one after it.
    Delivery.objects.filter(send=send, email=people[0].email).update(
        status=DeliveryStatus.SENDING, attempts=1
    )
    Delivery.objects.filter(send=send, email=people[1].email).update(
        status=DeliveryStatus.SENDING, attempts=1, data_at=timezone.now()
    )
    SendBatch.objects.filter(pk=batch.pk).update(
        lease_token="dead", lease_until="2000-01-01T00:00Z"
    )

    assert send_batch(batch_id=batch.pk)
    assert set(smtp_server.count_by_recipient()) == {p.email for p in people} - {people[1].email}
    assert Delivery.objects.get(send=send, email=people[0].email).status == DeliveryStatus.SENT
    uncertain = Delivery.objects.get(send=send, email=people[1].email)
    assert uncertain.status == DeliveryStatus.UNCERTAIN
    assert not send_batch(batch_id=batch.pk)  # done: nothing is resent
    assert len(smtp_server.messages) == 5
    counts = services.progress(send_id=send.pk)
    assert (counts["sent"], counts["uncertain"], counts["left"]) == (5, 1, 0)

    # A coordinator resends the uncertain one on purpose; it is logged.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.resend_uncertain(send_id=send.pk, user=staff) == 1
    assert smtp_server.count_by_recipient()[people[1].email] == 1
    assert Send.objects.get(pk=send.pk).status == SendStatus.DONE
    assert PageLogEntry.objects.filter(
        page=page, action=services.RESEND_ACTION, user=staff
    ).exists()
    with pytest.raises(ServiceError):
        services.resend_uncertain(send_id=send.pk, user=staff)


def test_a_delivery_taken_over_before_data_is_not_sent_by_the_old_holder(
    smtp_server, branch, staff, django_capture_on_commit_callbacks
):
    """A holder that was too slow (its lease ran out and another took the delivery
    back) finds its claim gone at DATA and sends nothing."""
    people = make_volunteers(branch, 1)
    with django_capture_on_commit_callbacks(execute=False):
        send = services.schedule_send(page_id=make_newsletter(branches=[branch]).pk, user=staff)
        services.start_send(send_id=send.pk)
    batch = SendBatch.objects.get(send=send)
    delivery = Delivery.objects.get(send=send)
    # Its lease ran out; another holder takes the batch over and claims it again.
    slow, other = taken_over(batch.pk, delivery.pk)
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.QUEUED
    assert other.claim([delivery.pk]) == {delivery.pk}
    assert not slow.mark_data(delivery.pk)
    assert other.mark_data(delivery.pk)
    slow.session.open()
    outcome = slow.session.deliver(
        b"Subject: s\r\n\r\nb\r\n",
        sender="a@example.org",
        recipient=people[0].email,
        before_data=lambda: slow.mark_data(delivery.pk),
    )
    slow.session.close()
    assert outcome.kind == LOST and smtp_server.messages == []


def test_only_one_resume_at_a_time_and_one_queued_task_per_batch(
    branch, staff, django_capture_on_commit_callbacks
):
    make_volunteers(branch, 20)
    with django_capture_on_commit_callbacks(execute=False):
        send = services.schedule_send(page_id=make_newsletter(branches=[branch]).pk, user=staff)
    queued = []
    with patch("newsletter.queueing.async_task", lambda *a, **k: queued.append(a)):
        with django_capture_on_commit_callbacks(execute=True):
            services.start_send(send_id=send.pk)
        batches = [(BATCH_TASK, pk) for pk in SendBatch.objects.values_list("pk", flat=True)]
        assert sorted(queued) == sorted(batches) and len(batches) == 3
        # The minute schedule, again and again: the waiting tasks are not queued twice.
        for _ in range(3):
            with django_capture_on_commit_callbacks(execute=True):
                assert services.resume_sends() == 0
        assert len(queued) == 3
        # While one resume runs, another returns at once.
        with run_alone("resume_sends", seconds=60) as first:
            assert first is not None
            with django_capture_on_commit_callbacks(execute=True):
                assert services.resume_sends(after_restart=True) == 0
        assert len(queued) == 3
        # The minute schedule and every worker of a starting cluster ask for a resume:
        # one copy is queued, and it knows a cluster restarted.
        with django_capture_on_commit_callbacks(execute=True):
            assert request_resume() is True
            assert [request_resume(after_restart=True) for _ in range(7)] == [False] * 7
        assert queued.count((RESUME_TASK,)) == 1
        # That copy runs: after a restart every batch nobody holds is queued once more.
        with django_capture_on_commit_callbacks(execute=True):
            assert services.resume_sends() == 3
        assert len([q for q in queued if q[0] == BATCH_TASK]) == 6
        with django_capture_on_commit_callbacks(execute=True):
            assert services.resume_sends() == 0  # the restart was handled once
            assert request_resume() is True  # no copy waits any more
        # A queued task that never started counts as lost after a while.
        SendBatch.objects.update(enqueued_at=timezone.now() - timedelta(hours=1))
        with django_capture_on_commit_callbacks(execute=True):
            assert services.resume_sends() == 3


@pytest.mark.django_db
def test_a_resume_copy_that_finds_another_running_does_not_block_the_next_request(
    django_capture_on_commit_callbacks,
):
    """Two workers of a starting cluster both ask: the first copy runs, the second
    starts while it still runs and returns at once. The next request (the minute
    schedule, a paced batch's wake-up) must still queue a copy, not be refused until
    the second copy's mark counts as lost."""
    with django_capture_on_commit_callbacks(execute=False):
        assert request_resume() is True
        with run_alone("resume_sends", seconds=60) as first:  # the first copy runs
            assert first is not None
            assert request_resume() is True  # the second worker asks: queued
            with run_alone("resume_sends", seconds=60) as second:  # and starts now
                assert second is None
            assert request_resume() is True  # nothing waits in the queue any more
            assert request_resume() is False  # but now one copy does


def test_a_batch_held_by_a_live_worker_is_not_sent_twice(smtp_server, branch, staff):
    make_volunteers(branch, 3)
    page = make_newsletter(branches=[branch])
    send = services.schedule_send(page_id=page.pk, user=staff)
    services.start_send(send_id=send.pk)
    batch = SendBatch.objects.get(send=send)
    SendBatch.objects.filter(pk=batch.pk).update(
        lease_token="alive", lease_until="2999-01-01T00:00Z"
    )
    assert not send_batch(batch_id=batch.pk)
    assert smtp_server.messages == []


def test_send_a_test_to_me(smtp_server, branch, coordinator, django_capture_on_commit_callbacks):
    make_volunteers(branch, 3)
    page = make_newsletter(branches=[branch], owner=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_test(page_id=page.pk, user=coordinator)
    assert [m.rcpt_tos for m in smtp_server.messages] == [[coordinator.email]]
    assert smtp_server.messages[0].message["Subject"] == f"[TEST] {page.subject}"
    assert not Send.objects.exists()


class FakeSMTP:
    """An smtplib connection that fails at one step, for the outcomes aiosmtpd cannot
    produce on demand (a connection lost in the middle of DATA)."""

    def __init__(self, fail_at: str, error: Exception):
        self.fail_at, self.error = fail_at, error

    def _step(self, name, reply=(250, b"OK")):
        if self.fail_at == name:
            raise self.error
        return reply

    def mail(self, sender):
        return self._step("mail")

    def rcpt(self, recipient):
        return self._step("rcpt")

    def data(self, data):
        return self._step("data")

    def rset(self):
        return (250, b"OK")


@pytest.mark.parametrize(
    ("fail_at", "error", "kind"),
    [
        ("mail", smtplib.SMTPServerDisconnected("gone"), TEMPORARY),
        ("rcpt", ConnectionResetError("reset"), TEMPORARY),
        ("data", smtplib.SMTPServerDisconnected("gone"), UNCERTAIN),
        ("data", smtplib.SMTPDataError(554, b"no"), PERMANENT),
        ("data", smtplib.SMTPDataError(452, b"full"), TEMPORARY),
        ("none", None, SENT),
    ],
)
def test_what_is_safe_to_retry_depends_on_where_the_connection_broke(fail_at, error, kind):
    session = Session()
    session.backend, session.smtp = object(), FakeSMTP(fail_at, error)
    outcome = session.deliver(
        b"Subject: s\r\n\r\nb\r\n", sender="a@example.org", recipient="b@x.org"
    )
    assert outcome.kind == kind


def test_make_run_starts_the_newsletter_cluster_beside_the_sites(settings):
    from portal.management.commands.run_portal import extra_cluster_names

    assert extra_cluster_names() == [settings.NEWSLETTER_CLUSTER]
    # Newsletter tasks go to that cluster; the site's service mail does not.
    assert bulk_options() == {"cluster": settings.NEWSLETTER_CLUSTER}
    settings.NEWSLETTER_CLUSTER = ""
    assert bulk_options() == {}
