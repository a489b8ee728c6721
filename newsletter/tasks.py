"""django-q2 entry points of the newsletter. They take ids and call one service."""

from __future__ import annotations

from newsletter import queueing, sending, services
from newsletter.models import NewsletterPage
from newsletter.rendering import compose, render_newsletter
from portal.models import User


def start_send(send_id: int) -> bool:
    return services.start_send(send_id=send_id)


def send_batch(batch_id: int) -> bool:
    return sending.send_batch(batch_id=batch_id)


def resume_sends(after_restart: bool = False) -> int:
    return services.resume_sends(after_restart=after_restart)


def request_resume() -> bool:
    """The minute schedule, on the site's cluster: queue one `resume_sends` on the
    newsletter cluster unless one waits there already."""
    return queueing.request_resume()


def send_test(page_id: int, user_id: int) -> None:
    """The latest draft to the editor's own address, marked as a test."""
    page = NewsletterPage.objects.filter(pk=page_id).first()
    user = User.objects.filter(pk=user_id).first()
    if page is None or user is None:
        return
    draft = page.get_latest_revision_as_object()
    rendered = render_newsletter(draft)
    compose(
        subject=f"[TEST] {rendered.subject}",
        html=rendered.html,
        text=rendered.text,
        email=user.email,
        name=user.get_full_name(),
        user_id=user.pk,
    ).send()
