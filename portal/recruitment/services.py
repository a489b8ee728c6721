"""Applying as a volunteer through the public site.

One transaction creates the account (no password yet: an e-mail lets the volunteer
set one), the volunteer record with status "applied" in the branch of the postcode,
and the application with the motivation. The branch's coordinators are told.
An address that already has an account gets an e-mail saying so and nothing is
created; the page shown is the same, so the form does not reveal who has an account.
"""

from __future__ import annotations

import logging

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from portal.errors import ServiceError
from portal.models import Branch, User
from portal.models.branches import normalise_postcode
from portal.queue import enqueue_on_commit
from portal.recruitment.models import VolunteerApplication
from portal.services.volunteers import create_volunteer

logger = logging.getLogger(__name__)

MSG_NO_BRANCH = _(
    "Er is (nog) geen Home-Start-afdeling voor deze postcode. Kies hieronder de afdeling "
    "die het dichtst bij je in de buurt is."
)
MSG_MOTIVATION_REQUIRED = _("Vertel in een paar zinnen waarom je vrijwilliger wilt worden.")


@transaction.atomic
def apply_as_volunteer(
    *,
    first_name: str,
    last_name: str,
    email: str,
    postcode: str,
    motivation: str,
    branch: Branch | None = None,
    phone: str = "",
    languages: list[str] | None = None,
    parenting_experience: str = "",
    availability: list[str] | None = None,
    language: str = settings.LANGUAGE_CODE,
) -> VolunteerApplication | None:
    """Create account, volunteer record and application; None if the address has an
    account already (that address is then told so by e-mail)."""
    email = email.strip().lower()
    postcode = normalise_postcode(postcode)
    if not motivation.strip():
        raise ServiceError(MSG_MOTIVATION_REQUIRED, code="motivation_required", field="motivation")
    branch = branch or Branch.objects.covering_postcode(postcode).order_by("name").first()
    if branch is None:
        raise ServiceError(MSG_NO_BRANCH, code="no_branch", field="branch")
    if _has_account(email):
        enqueue_on_commit("portal.recruitment.tasks.send_existing_account_notice", email, language)
        logger.info("volunteer application for an existing account: nothing created")
        return None
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email, first_name=first_name.strip(), last_name=last_name.strip()
            )
    except IntegrityError:  # the same address, submitted twice at the same moment
        enqueue_on_commit("portal.recruitment.tasks.send_existing_account_notice", email, language)
        return None
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    volunteer = create_volunteer(
        user=user,
        branch=branch,
        postcode=postcode,
        phone=phone.strip(),
        languages=languages,
        parenting_experience=parenting_experience.strip(),
        availability=availability,
    )
    application = VolunteerApplication.objects.create(
        volunteer=volunteer, motivation=motivation.strip(), language=language
    )
    enqueue_on_commit("portal.recruitment.tasks.send_application_welcome", application.pk)
    enqueue_on_commit("portal.recruitment.tasks.notify_branch_of_application", application.pk)
    logger.info(
        "volunteer application %s: volunteer %s in branch %s",
        application.pk,
        volunteer.pk,
        branch.pk,
    )
    return application


def _has_account(email: str) -> bool:
    return (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    )


def verify_address_of_applicant(*, user: User) -> bool:
    """An applicant who set a password through the link in their welcome e-mail has
    shown the address is theirs. Returns True if an address was marked verified."""
    if not VolunteerApplication.objects.filter(volunteer__user=user).exists():
        return False
    return bool(
        EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=False).update(
            verified=True
        )
    )


def application_record_section(volunteer) -> dict | None:
    """The volunteer's record in the admin: their application through the site."""
    applications = list(volunteer.applications.all())
    if not applications:
        return None
    rows = []
    for application in applications:
        submitted = date_format(timezone.localtime(application.submitted_at), "j F Y")
        rows.append((_("Aangemeld via de website op"), submitted))
        rows.append((_("Motivatie"), application.motivation))
    return {"title": _("Aanmelding via de website"), "rows": rows}


def export_applications(volunteer) -> dict:
    return {
        "applications": [
            {"submitted_at": a.submitted_at.isoformat(), "motivation": a.motivation}
            for a in volunteer.applications.all()
        ]
    }
