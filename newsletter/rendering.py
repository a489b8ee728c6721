"""Turning a newsletter page into an e-mail: rendered once per send, personalised per
recipient by replacing three markers (name, unsubscribe and preferences address).

The HTML part has its CSS inlined (css-inline) and only absolute links and image
addresses; the plain-text part is built from the same blocks.
"""

from __future__ import annotations

import functools
import html as html_lib
import re
from dataclasses import dataclass
from email.utils import formataddr

import css_inline
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.dateformat import format as date_format
from django.utils.html import strip_tags
from django.utils.timezone import localtime
from wagtail.rich_text import expand_db_html

from portal.emails import absolute_url

NAME = "%%recipient_name%%"
UNSUBSCRIBE_URL = "%%unsubscribe_url%%"
PREFERENCES_URL = "%%preferences_url%%"
TOKEN_SALT = "newsletter.unsubscribe"  # noqa: S105 - a signing salt, not a secret
_RELATIVE = re.compile(r'(\s(?:href|src)=")/(?!/)')
_LINK = re.compile(r'<a\s[^>]*href="([^"]+)"[^>]*>(.*?)</a>', re.IGNORECASE | re.DOTALL)
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|div|blockquote)>|<br\s*/?>", re.IGNORECASE)


def unsubscribe_token(user_id: int) -> str:
    """A signed, lasting token for one person's unsubscribe links (no expiry: an old
    newsletter's link must still work)."""
    return signing.Signer(salt=TOKEN_SALT).sign(str(user_id))


def user_id_from_token(token: str) -> int | None:
    try:
        value = signing.Signer(salt=TOKEN_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def unsubscribe_urls(user_id: int) -> tuple[str, str]:
    """(one-click address for the List-Unsubscribe header, page address for the footer)."""
    token = unsubscribe_token(user_id)
    one_click, page = _url_patterns(settings.WAGTAILADMIN_BASE_URL, settings.DEBUG)
    return one_click.replace(_TOKEN_MARK, token), page.replace(_TOKEN_MARK, token)


_TOKEN_MARK = "TOKEN-MARK"  # noqa: S105 - a placeholder, not a secret


@functools.lru_cache(maxsize=4)
def _url_patterns(base_url: str, debug: bool) -> tuple[str, str]:
    """Both addresses with a marker for the token: reversed once, not per message."""
    with translation.override(settings.LANGUAGE_CODE):  # the unprefixed (Dutch) addresses
        one_click = absolute_url(reverse("newsletter:one_click_unsubscribe", args=[_TOKEN_MARK]))
        page = absolute_url(reverse("newsletter:unsubscribe", args=[_TOKEN_MARK]))
    if not debug and one_click.startswith("http://"):
        # RFC 8058 asks for https; a deployment serves it (only `make run` speaks http).
        one_click = "https://" + one_click.removeprefix("http://")
    return one_click, page


def absolutize(markup: str) -> str:
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return _RELATIVE.sub(lambda match: match.group(1) + base + "/", markup)


def _rich_text_as_text(value: str) -> str:
    markup = absolutize(expand_db_html(value))
    markup = _LINK.sub(lambda m: f"{strip_tags(m.group(2))} ({m.group(1)})", markup)
    markup = _BLOCK_END.sub("\n", markup)
    text = html_lib.unescape(strip_tags(markup))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _block_as_text(block, page) -> str:
    value = block.value
    kind = block.block_type
    if kind == "heading":
        return f"{value['text']}\n{'=' * len(value['text'])}"
    if kind == "paragraph":
        return _rich_text_as_text(value.source)
    if kind == "image":
        return f"[{value.get('caption') or value.get('alt_text') or value['image'].title}]"
    if kind == "story":
        who = f"\n  – {value['attribution']}" if value.get("attribution") else ""
        return f"“{value['text']}”{who}"
    if kind == "button":
        target = value.get("page")
        href = absolute_url(target.url) if target is not None and target.url else value.get("url")
        lines = [value["text"]] if value.get("text") else []
        return "\n".join([*lines, f"{value['label']}: {href}"])
    if kind == "events":
        events = block.block.events(value, branch_ids=page.event_branch_ids())
        lines = [value["heading"], "-" * len(value["heading"])]
        for event in events:
            when = date_format(localtime(event.start), "j F Y, H:i")
            place = f", {event.venue}" if event.venue else ""
            lines.append(f"- {when} {event.title}{place}: {absolute_url(event.url)}")
        return "\n".join(lines)
    return ""


@dataclass(frozen=True)
class Rendered:
    subject: str
    html: str
    text: str


def render_newsletter(page) -> Rendered:
    """The newsletter as it goes out, with the personal markers still in it."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "page": page,
            "self": page,
            "recipient_name": NAME,
            "unsubscribe_url": PREFERENCES_URL,
            "archive_url": absolute_url(reverse("newsletter:archive")),
            "online_url": page.full_url if page.live else "",
            "site_name": settings.WAGTAIL_SITE_NAME,
        }
        markup = render_to_string("newsletter/email/newsletter.html", context)
        markup = css_inline.inline(absolutize(markup))
        body = "\n\n".join(
            text for block in page.body if (text := _block_as_text(block, page).strip())
        )
        text = render_to_string("newsletter/email/newsletter.txt", {**context, "body_text": body})
    return Rendered(subject=page.subject, html=markup, text=text)


def personalise(rendered: Rendered | object, *, name: str, preferences_url: str) -> tuple[str, str]:
    html = rendered.html.replace(NAME, html_lib.escape(name)).replace(
        PREFERENCES_URL, html_lib.escape(preferences_url)
    )
    text = rendered.text.replace(NAME, name).replace(PREFERENCES_URL, preferences_url)
    return html, text


def compose(
    *,
    subject: str,
    html: str,
    text: str,
    email: str,
    name: str,
    user_id: int,
    message_id: str | None = None,
) -> EmailMultiAlternatives:
    """One recipient's message: both parts, their name, and RFC 8058 one-click unsubscribe."""
    one_click, page_url = unsubscribe_urls(user_id)
    html_part, text_part = personalise(
        Rendered(subject, html, text), name=name or email, preferences_url=page_url
    )
    unsubscribe = [f"<{one_click}>"]
    mailto = getattr(settings, "NEWSLETTER_UNSUBSCRIBE_MAILTO", "")
    if mailto:
        # Only where the deployment reads that mailbox and acts on it.
        unsubscribe.append(f"<mailto:{mailto}?subject=unsubscribe-{unsubscribe_token(user_id)}>")
    headers = {
        "List-Unsubscribe": ", ".join(unsubscribe),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"{settings.WAGTAIL_SITE_NAME} <{newsletter_list_id()}>",
        "Precedence": "bulk",
        "Auto-Submitted": "auto-generated",
    }
    if message_id:
        headers["Message-ID"] = message_id
    message = EmailMultiAlternatives(
        subject=subject,
        body=text_part,
        from_email=settings.NEWSLETTER_FROM_EMAIL or settings.DEFAULT_FROM_EMAIL,
        to=[formataddr((name, email)) if name else email],
        headers=headers,
    )
    message.attach_alternative(html_part, "text/html")
    return message


def newsletter_list_id() -> str:
    host = settings.WAGTAILADMIN_BASE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"nieuwsbrief.{host}"


def preview_email_html(page, user) -> str:
    """The e-mail as `user` would receive it (for the admin's preview)."""
    rendered = render_newsletter(page)
    name = user.get_full_name() if getattr(user, "is_authenticated", False) else ""
    _, page_url = unsubscribe_urls(user.pk) if getattr(user, "pk", None) else ("", "#")
    html, _ = personalise(rendered, name=name or _default_name(), preferences_url=page_url)
    return html


def _default_name() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext("vrijwilliger")
