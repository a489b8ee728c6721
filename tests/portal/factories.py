from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from factory.django import DjangoModelFactory

from portal.models import Branch, BranchPostcodeRange, User, Volunteer, VolunteerStatus
from portal.models.volunteers import VolunteerStatusChange
from portal.services.roles import make_coordinator, make_editor, make_national_staff

TEST_PASSWORD = "correct-horse-battery"
TOTP_SECRET = "JBSWY3DPEHPK3PXPTESTSECRET23456A"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class BranchFactory(DjangoModelFactory):
    class Meta:
        model = Branch
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Home-Start Afdeling {n}")
    slug = factory.Sequence(lambda n: f"afdeling-{n}")
    municipalities = "Utrecht"
    email = factory.LazyAttribute(lambda o: f"{o.slug}@homestart.example")

    @factory.post_generation
    def ranges(branch, create, extracted, **kwargs):
        for first, last in extracted or []:
            BranchPostcodeRange.objects.create(branch=branch, first=first, last=last)


class VolunteerFactory(DjangoModelFactory):
    """A volunteer with the first line of history; pass `status=` and dates for others."""

    class Meta:
        model = Volunteer
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    branch = factory.SubFactory(BranchFactory)
    postcode = "3511 AB"
    phone = "06 12345678"
    status = VolunteerStatus.APPLIED

    @factory.post_generation
    def history(volunteer, create, extracted, **kwargs):
        if create:
            VolunteerStatusChange.objects.create(
                volunteer=volunteer, from_status="", to_status=volunteer.status
            )


def make_admin_user(role: str, *, branches=(), email: str | None = None, totp: bool = True) -> User:
    """A coordinator, national staff member or editor, with TOTP set up unless told not."""
    user = UserFactory(**({"email": email} if email else {}))
    if role == "coordinator":
        make_coordinator(user=user, branches=branches)
    elif role == "national_staff":
        make_national_staff(user=user)
    elif role == "editor":
        make_editor(user=user)
    else:
        raise ValueError(role)
    if totp:
        TOTP.activate(user, TOTP_SECRET)
    return user


def current_totp_code(secret: str = TOTP_SECRET) -> str:
    """The code of the current 30-second window. Near the window's end it waits for the
    next one: the server checks the code a moment later, without tolerance for the
    previous window, and a code typed at the boundary would be refused (seen in CI)."""
    import time

    remaining = 30 - time.time() % 30
    if remaining < 5:
        time.sleep(remaining + 0.2)

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))
