"""Building one recipient's message as bytes, fast: everything that is the same for every
recipient of a send is encoded once, per recipient only the personal parts are filled
in and encoded (quoted-printable, in C). The email package's generator costs several
milliseconds a message; this costs a fraction of one.

Used for SMTP; other e-mail backends (console, memory) get Django's own message
(`rendering.compose`). Tests parse what this builds with the standard email parser.
"""

from __future__ import annotations

import binascii
import uuid
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr

from django.conf import settings

from newsletter.rendering import (
    newsletter_list_id,
    personalise,
    unsubscribe_token,
    unsubscribe_urls,
)


def _header_value(value: str) -> str:
    try:
        value.encode("ascii")
    except UnicodeEncodeError:
        return Header(value, "utf-8").encode()
    return value


def _qp(text: str) -> bytes:
    data = text.replace("\r\n", "\n").encode("utf-8")
    return binascii.b2a_qp(data, istext=True).replace(b"\n", b"\r\n")


class MessageTemplate:
    """The fixed part of a send's messages; `render()` makes one recipient's bytes."""

    def __init__(self, *, subject: str, html: str, text: str):
        self.html, self.text, self.subject = html, text, subject
        from_email = settings.NEWSLETTER_FROM_EMAIL or settings.DEFAULT_FROM_EMAIL
        from_name, self.from_address = parseaddr(from_email)
        self.boundary = f"=_homestart_{uuid.uuid4().hex}"
        self.mailto = getattr(settings, "NEWSLETTER_UNSUBSCRIBE_MAILTO", "")
        common = [
            f"From: {formataddr((from_name, self.from_address), 'utf-8')}",
            f"Subject: {_header_value(subject)}",
            "MIME-Version: 1.0",
            f'Content-Type: multipart/alternative; boundary="{self.boundary}"',
            f"List-Id: {_header_value(settings.WAGTAIL_SITE_NAME)} <{newsletter_list_id()}>",
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
            "Precedence: bulk",
            "Auto-Submitted: auto-generated",
        ]
        self.common = ("\r\n".join(common) + "\r\n").encode("ascii")
        boundary = self.boundary.encode("ascii")
        self.text_head = (
            b"--" + boundary + b"\r\n"
            b'Content-Type: text/plain; charset="utf-8"\r\n'
            b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        )
        self.html_head = (
            b"\r\n--" + boundary + b"\r\n"
            b'Content-Type: text/html; charset="utf-8"\r\n'
            b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        )
        self.end = b"\r\n--" + boundary + b"--\r\n"

    def render(self, *, email: str, name: str, user_id: int, message_id: str) -> bytes:
        one_click, page_url = unsubscribe_urls(user_id)
        html, text = personalise(self, name=name or email, preferences_url=page_url)
        unsubscribe = f"<{one_click}>"
        if self.mailto:
            unsubscribe += (
                f",\r\n <mailto:{self.mailto}?subject=unsubscribe-{unsubscribe_token(user_id)}>"
            )
        personal = (
            f"To: {formataddr((name, email), 'utf-8') if name else email}\r\n"
            f"Date: {formatdate(localtime=True)}\r\n"
            f"Message-ID: {message_id}\r\n"
            f"List-Unsubscribe: {unsubscribe}\r\n\r\n"
        ).encode("ascii")
        return b"".join(
            (self.common, personal, self.text_head, _qp(text), self.html_head, _qp(html), self.end)
        )
