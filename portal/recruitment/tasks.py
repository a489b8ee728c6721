"""django-q2 entry points of volunteer applications; they take ids (or the address)."""

from __future__ import annotations

import logging

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from portal.emails import absolute_url, build_email
from portal.recruitment.models import VolunteerApplication

logger = logging.getLogger(__name__)


def _application(application_id: int) -> VolunteerApplication | None:
    return (
        VolunteerApplication.objects.select_related("volunteer__user", "volunteer__branch")
        .filter(pk=application_id)
        .first()
    )


def set_password_url(user, language: str) -> str:
    """allauth's password-reset link: the new volunteer chooses a password with it."""
    with translation.override(language):
        path = reverse(
            "account_reset_password_from_key",
            kwargs={
                "uidb36": user_pk_to_url_str(user),
                "key": default_token_generator.make_token(user),
            },
        )
    return absolute_url(path)


def send_application_welcome(application_id: int) -> None:
    application = _application(application_id)
    if application is None:
        return
    user = application.volunteer.user
    with translation.override(application.language):
        login_path = reverse("account_login")
        reset_path = reverse("account_reset_password")
    build_email(
        "volunteer_application_welcome",
        {
            "application": application,
            "volunteer": application.volunteer,
            "set_password_url": set_password_url(user, application.language),
            "login_url": absolute_url(login_path),
            "reset_url": absolute_url(reset_path),
        },
        to=[user.email],
        language=application.language,
    ).send()


def notify_branch_of_application(application_id: int) -> None:
    application = _application(application_id)
    if application is None:
        return
    branch = application.volunteer.branch
    recipients = sorted({user.email for user in branch.coordinators.filter(is_active=True)})
    if not recipients and branch.email:
        recipients = [branch.email]
    if not recipients:
        logger.warning("application %s: branch %s has no coordinator", application.pk, branch.pk)
        return
    build_email(
        "volunteer_application_notice",
        {
            "application": application,
            "volunteer": application.volunteer,
            "admin_url": absolute_url(
                reverse("portal_volunteer:edit", args=[application.volunteer_id])
            ),
        },
        to=recipients,
        language=settings.LANGUAGE_CODE,
    ).send()


def send_existing_account_notice(email: str, language: str) -> None:
    with translation.override(language):
        login_path = reverse("account_login")
        reset_path = reverse("account_reset_password")
    build_email(
        "volunteer_application_existing_account",
        {"login_url": absolute_url(login_path), "reset_url": absolute_url(reset_path)},
        to=[email],
        language=language,
    ).send()
