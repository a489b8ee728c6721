"""Each recipient's message is built from the send's one rendering (newsletter/mime.py):
only their name, unsubscribe addresses and headers are filled in. These tests check
that what a real SMTP server receives carries each person's own details and nothing
of anyone else's, parses as MIME without defects, and reads the same as Django's full
message for that person; and that the final dot of DATA waits for the DATA mark."""

import asyncio
import html as html_lib
import smtplib
from functools import partial

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone

from newsletter import inflight, services
from newsletter.mime import MessageTemplate
from newsletter.models import Delivery, DeliveryStatus, SendBatch
from newsletter.rendering import compose, render_newsletter, unsubscribe_urls
from newsletter.sending import (
    LOST,
    SENT,
    TEMPORARY,
    UNCERTAIN,
    Session,
    send_batch,
)
from tests.newsletter.factories import make_newsletter, make_volunteers, stream, taken_over
from tests.services import SMTPServer, _Handler

# A line that starts with a dot must survive SMTP's dot-stuffing in both parts.
BODY = stream(
    ("heading", {"text": "Nieuws"}),
    ("paragraph", "<p>Gewone regel.</p><p>.begint met een punt</p><p>Ümlaut &amp; zo.</p>"),
)
TRICKY = ("Anna <b>&", "Jansen")  # markup and an ampersand: escaped in the HTML part
FOREIGN = ("Zoë", "Ñúñez-Ölçer")  # not ASCII: an encoded word in the To header


def _people(branch):
    first, second = make_volunteers(branch, 2)
    for person, (given, family) in ((first, TRICKY), (second, FOREIGN)):
        person.first_name, person.last_name = given, family
        person.save(update_fields=["first_name", "last_name"])
    return first, second


def _parts(message):
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def _assert_clean_mime(message):
    assert message.get_content_type() == "multipart/alternative"
    assert message.defects == []
    for part in message.walk():
        assert part.defects == [], part.get_content_type()


def test_each_recipient_gets_their_own_name_and_unsubscribe_link_and_nothing_else(
    smtp_server, branch, staff, django_capture_on_commit_callbacks
):
    first, second = _people(branch)
    page = make_newsletter(branches=[branch], body=BODY)
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule_send(page_id=page.pk, user=staff)

    received = {}
    for person in (first, second):
        (one,) = smtp_server.messages_to(person.email)
        received[person.pk] = one.message
        _assert_clean_mime(one.message)

    for person, other in ((first, second), (second, first)):
        message = received[person.pk]
        name = f"{person.first_name} {person.last_name}"
        other_name = f"{other.first_name} {other.last_name}"
        one_click, page_url = unsubscribe_urls(person.pk)
        other_one_click, other_page_url = unsubscribe_urls(other.pk)
        text, html = _parts(message)

        (address,) = message["To"].addresses
        assert (address.display_name, address.addr_spec) == (name, person.email)
        assert message["List-Unsubscribe"].strip() == f"<{one_click}>"
        assert f"Beste {name}," in text
        assert f"Beste {html_lib.escape(name)}," in html
        assert page_url in text and f'href="{html_lib.escape(page_url)}"' in html
        assert ".begint met een punt" in text and ".begint met een punt" in html
        assert "Ümlaut & zo." in text and "Ümlaut &amp; zo." in html
        everything = str(message) + text + html
        for foreign in (other.email, other_name, html_lib.escape(other_name), other_page_url):
            assert foreign not in everything
        assert other_one_click not in everything
    # The markup in a name is text, never markup.
    assert "<b>&" not in _parts(received[first.pk])[1]
    # The non-ASCII name travels as an encoded word, not raw bytes.
    raw = smtp_server.messages_to(second.email)[0].content
    to_line = next(line for line in raw.split(b"\r\n") if line.startswith(b"To:"))
    assert to_line.isascii() and b"=?utf-8?" in to_line.lower()


@pytest.mark.parametrize("who", [TRICKY, FOREIGN, ("", "")])
def test_the_fast_message_reads_as_djangos_full_message(branch, who):
    """The bytes built per recipient against Django's own EmailMessage for the same
    person: the same headers and the same visible text in both parts."""
    import email
    import email.policy

    person = make_volunteers(branch, 1)[0]
    name = " ".join(who).strip()
    page = make_newsletter(branches=[branch], body=BODY)
    rendered = render_newsletter(page)
    message_id = "<newsletter.1.2@example.org>"
    fast = MessageTemplate(subject=rendered.subject, html=rendered.html, text=rendered.text)
    fast_message = email.message_from_bytes(
        fast.render(email=person.email, name=name, user_id=person.pk, message_id=message_id),
        policy=email.policy.default,
    )
    full = compose(
        subject=rendered.subject,
        html=rendered.html,
        text=rendered.text,
        email=person.email,
        name=name,
        user_id=person.pk,
        message_id=message_id,
    )
    full_message = email.message_from_bytes(
        full.message().as_bytes(linesep="\r\n"), policy=email.policy.default
    )

    _assert_clean_mime(fast_message)
    for header in ("Subject", "From", "To", "List-Unsubscribe", "List-Id", "Message-ID"):
        assert str(fast_message[header]).strip() == str(full_message[header]).strip(), header
    fast_text, fast_html = _parts(fast_message)
    full_text, full_html = _parts(full_message)
    assert fast_text.replace("\r\n", "\n") == full_text.replace("\r\n", "\n")
    assert fast_html.replace("\r\n", "\n") == full_html.replace("\r\n", "\n")
    assert f"Beste {html_lib.escape(name or person.email)}," in fast_html


class _WatchingHandler(_Handler):
    """Notes, when a message arrives (after its final dot), whether its delivery's DATA
    mark was already committed: read from another connection."""

    def __init__(self, server):
        super().__init__(server)
        self.marked_on_arrival: dict[str, bool] = {}

    async def handle_DATA(self, server, session, envelope):
        def look():
            try:
                return Delivery.objects.filter(
                    email=envelope.rcpt_tos[0], data_at__isnull=False
                ).exists()
            finally:
                connection.close()

        self.marked_on_arrival[envelope.rcpt_tos[0]] = await asyncio.to_thread(look)
        return await super().handle_DATA(server, session, envelope)


class _WatchingServer(SMTPServer):
    def start(self):
        self.handler = _WatchingHandler(self)
        self.controller = Controller(self.handler, hostname=self.host, port=self.port)
        self.controller.start()


@pytest.fixture
def watching_server(settings):
    with _WatchingServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield server


def _queued_send(branch, staff, monkeypatch, count):
    """A send started and its batches queued on the broker, not run (no cluster)."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", False)
    people = make_volunteers(branch, count)
    page = make_newsletter(branches=[branch], body=BODY)
    send = services.schedule_send(page_id=page.pk, user=staff)
    services.start_send(send_id=send.pk)
    return people, send


@pytest.mark.django_db(transaction=True)
def test_every_message_arrives_after_its_data_mark_is_committed(
    watching_server, branch, staff, monkeypatch
):
    """Outside a transaction, as in a worker (on PostgreSQL the mark is then sent ahead
    and read back only before the final dot)."""
    people, send = _queued_send(branch, staff, monkeypatch, 12)
    # On PostgreSQL this is the path where the mark travels with DATA.
    assert inflight.available() == (connection.vendor == "postgresql")
    for batch in SendBatch.objects.filter(send=send):
        assert send_batch(batch_id=batch.pk)
    assert watching_server.handler.marked_on_arrival == {p.email: True for p in people}
    assert watching_server.count_by_recipient() == {p.email: 1 for p in people}
    assert set(Delivery.objects.filter(send=send).values_list("status", flat=True)) == {
        DeliveryStatus.SENT
    }


@pytest.mark.django_db(transaction=True)
def test_a_claim_lost_during_data_never_gets_its_final_dot(smtp_server, branch, staff, monkeypatch):
    """The old holder's mark fails while DATA is under way: it drops the connection
    before the final dot and the server keeps nothing; the new holder sends it once."""
    people, send = _queued_send(branch, staff, monkeypatch, 1)
    batch = SendBatch.objects.get(send=send)
    delivery = Delivery.objects.get(send=send)
    slow, other = taken_over(batch.pk, delivery.pk)
    assert other.claim([delivery.pk]) == {delivery.pk}

    slow.session.open()
    outcome = slow.session.deliver(
        b"Subject: s\r\n\r\n.een punt\r\n",
        sender="a@example.org",
        recipient=people[0].email,
        start_mark=partial(slow.start_mark, delivery.pk),
    )
    slow.session.close()
    assert outcome.kind == LOST and smtp_server.messages == []

    other.session.open()
    outcome = other.session.deliver(
        b"Subject: s\r\n\r\n.een punt\r\n",
        sender="a@example.org",
        recipient=people[0].email,
        start_mark=partial(other.start_mark, delivery.pk),
    )
    other.record(delivery.pk, outcome, ahead=True)
    other.settle()
    other.session.close()
    assert outcome.kind == SENT
    (received,) = smtp_server.messages
    assert received.content.endswith(b".een punt\r\n")
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.data_at is not None
    assert delivery.finished_at <= timezone.now()


class _SplitSMTP:
    """An smtplib connection that fails at one step of DATA sent in parts, for what
    aiosmtpd cannot do on demand (a connection lost before or after the final dot)."""

    def __init__(self, fail_at: str, error: Exception):
        self.fail_at, self.error = fail_at, error
        self.sent: list[bytes] = []
        self.sock = None

    def mail(self, sender):
        return (250, b"OK")

    def rcpt(self, recipient):
        return (250, b"OK")

    def docmd(self, command):
        if self.fail_at == "data":
            raise self.error
        return (354, b"go ahead")

    def send(self, data):
        if self.fail_at == ("dot" if data == b".\r\n" else "content"):
            raise self.error
        self.sent.append(data)

    def getreply(self):
        return (250, b"queued")

    def rset(self):
        return (250, b"OK")


@pytest.mark.parametrize(
    ("fail_at", "kind"),
    [
        ("data", TEMPORARY),  # DATA itself never answered: no dot, nothing delivered
        ("content", TEMPORARY),  # cut off in the content: no dot, nothing delivered
        ("dot", UNCERTAIN),  # the dot may have arrived
        ("none", SENT),
    ],
)
@pytest.mark.parametrize("taken", [True, False])
def test_what_is_safe_to_retry_when_the_mark_travels_with_data(fail_at, kind, taken):
    read = []

    def mark():
        read.append(True)
        return taken

    session = Session()
    smtp = _SplitSMTP(fail_at, smtplib.SMTPServerDisconnected("gone"))
    session.backend, session.smtp = object(), smtp
    outcome = session.deliver(
        b"Subject: s\r\n\r\n.b",
        sender="a@example.org",
        recipient="b@x.org",
        start_mark=lambda: mark,
    )
    assert read == [True]  # the mark's result is always read
    if not taken and kind in (SENT, UNCERTAIN):
        # A claim found gone: the dot is never sent.
        assert outcome.kind == LOST and b".\r\n" not in smtp.sent
    else:
        assert outcome.kind == kind
    if smtp.sent:
        assert smtp.sent[0] == b"Subject: s\r\n\r\n..b\r\n"  # dot-stuffed, ends with CRLF
