"""Building e-mails from templates. Sending happens in django-q2 tasks only.

Every message has a Dutch subject, a plain-text part and, where a template exists,
an HTML part, rendered from `templates/emails/<name>_subject.txt`, `<name>.txt`
and `<name>.html`, in the recipient's language.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation


def absolute_url(path: str) -> str:
    """An absolute https URL for `path`, for links in e-mails and feeds."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def build_email(
    name: str,
    context: dict,
    *,
    to: Sequence[str],
    language: str | None = None,
    reply_to: Sequence[str] | None = None,
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    context = {"site_name": settings.WAGTAIL_SITE_NAME, "base_url": absolute_url("/"), **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{name}_subject.txt", context)
        body = render_to_string(f"emails/{name}.txt", context)
        try:
            html = render_to_string(f"emails/{name}.html", context)
        except TemplateDoesNotExist:
            html = None
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        reply_to=list(reply_to) if reply_to else None,
        headers=headers,
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message
