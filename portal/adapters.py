"""allauth glue: account mails go through django-q2, staff land in the admin."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.urls import reverse

from portal.permissions import is_admin_user, is_staff_account
from portal.queue import enqueue_on_commit


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Rendered here, where the request and its language are known; sent by a
        # worker once the transaction commits, so no request waits for SMTP.
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            None,
        )
        if message.content_subtype == "html":
            html, body = message.body, ""
        else:
            body = message.body
        enqueue_on_commit(
            "portal.tasks.send_prepared_email",
            {
                "subject": message.subject,
                "body": body,
                "html": html,
                "from_email": message.from_email,
                "to": list(message.to),
                "headers": dict(message.extra_headers),
            },
        )

    def get_login_redirect_url(self, request) -> str:
        if is_admin_user(request.user):
            return reverse("wagtailadmin_home")
        return super().get_login_redirect_url(request)


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # Staff work behind the second factor: they cannot switch off their last one
        # (the set-up page would be their only page until they set it up again).
        if authenticator.type == Authenticator.Type.TOTP and is_staff_account(authenticator.user):
            return (
                Authenticator.objects.filter(user_id=authenticator.user_id)
                .exclude(pk=authenticator.pk)
                .exclude(type=Authenticator.Type.RECOVERY_CODES)
                .exists()
            )
        return super().can_delete_authenticator(authenticator)
