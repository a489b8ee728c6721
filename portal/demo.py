"""Demo content for `make run`: branches, coordinators, volunteers, national staff.

Built through the services, so every volunteer has a real status history. Only runs
in demo mode (settings.DEMO_MODE); the demo password exists nowhere else.
"""

from __future__ import annotations

import datetime
import random

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from portal.models import (
    Branch,
    BranchPostcodeRange,
    Municipality,
    User,
    Volunteer,
    VolunteerStatus,
)
from portal.registry import notify_volunteer_event
from portal.services.roles import make_coordinator, make_editor, make_national_staff
from portal.services.volunteers import (
    change_volunteer_status,
    create_volunteer,
    record_introduction_course_completed,
)

DEMO_PASSWORD = "homestart-demo"
# A published demo secret: add it to an authenticator app, or print the current code
# with `make demo-code`. Demo accounts only.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPHOMESTARTDEMO234"

BRANCHES = [
    {
        "name": "Home-Start Utrecht",
        "slug": "utrecht",
        "municipalities": "Utrecht\nNieuwegein\nHouten",
        "ranges": [(3500, 3585), (3430, 3439), (3990, 3995)],
        "email": "utrecht@homestart.example",
        "phone": "030 123 45 67",
        "address": "Oudegracht 100\n3511 AX Utrecht",
    },
    {
        "name": "Home-Start Amersfoort",
        "slug": "amersfoort",
        "municipalities": "Amersfoort\nLeusden\nSoest",
        "ranges": [(3810, 3829), (3830, 3834), (3760, 3769)],
        "email": "amersfoort@homestart.example",
        "phone": "033 234 56 78",
        "address": "Langestraat 12\n3811 AB Amersfoort",
    },
    {
        "name": "Home-Start Zwolle",
        "slug": "zwolle",
        "municipalities": "Zwolle\nKampen\nDalfsen",
        "ranges": [(8000, 8049), (8260, 8269), (7720, 7722)],
        "email": "zwolle@homestart.example",
        "phone": "038 345 67 89",
        "address": "Diezerstraat 40\n8011 RK Zwolle",
    },
]

# (e-mail, first name, last name, branch slugs)
COORDINATORS = [
    ("coordinator.utrecht@homestart.example", "Sanne", "de Vries", ["utrecht"]),
    ("coordinator.amersfoort@homestart.example", "Fatima", "el Amrani", ["amersfoort"]),
    ("coordinator.zwolle@homestart.example", "Pieter", "Bakker", ["zwolle"]),
    ("coordinator.oost@homestart.example", "Marloes", "Jansen", ["amersfoort", "zwolle"]),
]
NATIONAL_STAFF = ("landelijk@homestart.example", "Eva", "Mulder")
EDITOR = ("redactie@homestart.example", "Joost", "Visser")
DEMO_VOLUNTEER = ("vrijwilliger@homestart.example", "Anouk", "Smit")

FIRST_NAMES = [
    "Anna",
    "Esther",
    "Yasmina",
    "Marieke",
    "Ingrid",
    "Saskia",
    "Lotte",
    "Hanneke",
    "Nadia",
    "Ilse",
    "Karin",
    "Petra",
    "Joyce",
    "Sevda",
    "Olga",
    "Hatice",
    "Miriam",
    "Wendy",
    "Judith",
    "Sabine",
    "Linda",
    "Aylin",
    "Renske",
    "Femke",
    "Carla",
    "Iris",
    "Marco",
    "Jeroen",
    "Ahmed",
    "Tom",
    "Bas",
    "Kees",
    "Nour",
    "Lieke",
    "Roos",
    "Eline",
]
LAST_NAMES = [
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Janssen",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Yilmaz",
    "El Idrissi",
    "Kowalski",
    "Kramer",
    "van der Linden",
    "Koster",
    "Prins",
    "Huisman",
]
# How the sixty volunteers spread over the pipeline, per branch.
STATUS_SPREAD = [
    VolunteerStatus.APPLIED,
    VolunteerStatus.APPLIED,
    VolunteerStatus.INTAKE,
    VolunteerStatus.INTAKE,
    VolunteerStatus.VOG_REQUESTED,
    VolunteerStatus.VOG_RECEIVED,
    VolunteerStatus.IN_TRAINING,
    VolunteerStatus.IN_TRAINING,
    VolunteerStatus.ACTIVE,
    VolunteerStatus.ACTIVE,
    VolunteerStatus.ACTIVE,
    VolunteerStatus.ACTIVE,
    VolunteerStatus.ACTIVE,
    VolunteerStatus.ACTIVE,
    VolunteerStatus.PAUSED,
    VolunteerStatus.PAUSED,
    VolunteerStatus.STOPPED,
    VolunteerStatus.STOPPED,
    VolunteerStatus.ACTIVE,
    VolunteerStatus.IN_TRAINING,
]
# The path each status is reached by, through the services' own transitions.
PATHS = {
    VolunteerStatus.APPLIED: [],
    VolunteerStatus.INTAKE: ["intake"],
    VolunteerStatus.VOG_REQUESTED: ["intake", "vog_requested"],
    VolunteerStatus.VOG_RECEIVED: ["intake", "vog_requested", "vog_received"],
    VolunteerStatus.IN_TRAINING: ["intake", "vog_requested", "in_training"],
    VolunteerStatus.ACTIVE: ["intake", "vog_requested", "vog_received", "course", "active"],
    VolunteerStatus.PAUSED: [
        "intake",
        "vog_requested",
        "vog_received",
        "course",
        "active",
        "paused",
    ],
    VolunteerStatus.STOPPED: ["intake", "stopped"],
}


_hashed_password: list[str] = []


def _account(email: str, first: str, last: str) -> User:
    # Hash the demo password once: hashing it for each of sixty accounts takes a minute.
    if not _hashed_password:
        _hashed_password.append(make_password(DEMO_PASSWORD))
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"first_name": first, "last_name": last, "password": _hashed_password[0]},
    )
    if created:
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _with_demo_totp(user: User) -> None:
    if not user.authenticator_set.exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)


def _walk(volunteer: Volunteer, status: str, coordinator: User, rng: random.Random) -> None:
    today = timezone.localdate()
    for step in PATHS[status]:
        if step == "course":
            record_introduction_course_completed(
                volunteer=volunteer,
                completed_on=today - datetime.timedelta(days=rng.randint(30, 700)),
            )
            continue
        # What a coordinator does before this step (the screening ticks the intake
        # before the VOG is asked for, the signed papers before activation).
        notify_volunteer_event("demo_step", volunteer=volunteer, by=coordinator, step=step)
        note = ""
        if step == "stopped":
            note = rng.choice(
                [
                    "Verhuisd naar een andere stad.",
                    "Heeft betaald werk gevonden.",
                    "Past toch niet bij de huidige situatie thuis.",
                ]
            )
        if step == "paused":
            note = "Tijdelijk minder tijd door mantelzorg."
        change_volunteer_status(
            volunteer=volunteer,
            to_status=step,
            by=coordinator,
            note=note,
            vog_received_on=today - datetime.timedelta(days=rng.randint(20, 800))
            if step == "vog_received"
            else None,
        )


@transaction.atomic
def build_portal_demo(stdout=None) -> None:
    rng = random.Random(2026)
    branches = {}
    for data in BRANCHES:
        branch, created = Branch.objects.get_or_create(
            slug=data["slug"],
            defaults={k: data[k] for k in ("name", "municipalities", "email", "phone", "address")},
        )
        if created:
            for first, last in data["ranges"]:
                BranchPostcodeRange.objects.create(branch=branch, first=first, last=last)
            # The seeded municipalities (migration portal 0005) of the branch's working
            # area, through the reverse side, which writes at once.
            for municipality in Municipality.objects.filter(name__in=branch.municipality_list):
                municipality.branches.add(branch)
        branches[data["slug"]] = branch

    coordinators_by_branch: dict[str, User] = {}
    for email, first, last, slugs in COORDINATORS:
        user = _account(email, first, last)
        make_coordinator(user=user, branches=[branches[slug] for slug in slugs])
        _with_demo_totp(user)
        for slug in slugs:
            coordinators_by_branch.setdefault(slug, user)

    staff = _account(*NATIONAL_STAFF)
    make_national_staff(user=staff)
    make_editor(user=staff)
    _with_demo_totp(staff)
    editor = _account(*EDITOR)
    make_editor(user=editor)
    _with_demo_totp(editor)

    if Volunteer.objects.exists():
        return
    demo = _account(*DEMO_VOLUNTEER)
    utrecht = branches["utrecht"]
    volunteer = create_volunteer(
        user=demo,
        branch=utrecht,
        postcode="3512 JE",
        phone="06 12 34 56 78",
        street_address="Lange Nieuwstraat 8",
        city="Utrecht",
        languages=["nl", "en"],
        parenting_experience="Moeder van twee kinderen (4 en 7).",
        availability=["tue_morning", "thu_morning"],
    )
    _walk(volunteer, VolunteerStatus.IN_TRAINING, coordinators_by_branch["utrecht"], rng)

    number = 0
    for slug, branch in branches.items():
        prefix = f"{branch.postcode_ranges.first().first}"
        for status in STATUS_SPREAD:
            number += 1
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            user = _account(f"vrijwilliger{number:02d}@homestart.example", first, last)
            volunteer = create_volunteer(
                user=user,
                branch=branch,
                postcode=f"{prefix} {rng.choice(['AB', 'CD', 'EK', 'GH', 'JL'])}",
                phone=f"06 {rng.randint(10000000, 99999999)}",
                city=branch.municipality_list[0],
                languages=[
                    "nl",
                    *rng.sample(["en", "ar", "tr", "pl", "fa", "uk", "de"], k=rng.randint(0, 2)),
                ],
                parenting_experience=rng.choice(
                    [
                        "Moeder van drie kinderen, nu tieners.",
                        "Vader van een zoon van 5.",
                        "Oma van vier kleinkinderen, zelf twee kinderen grootgebracht.",
                        "Pleegmoeder geweest, twee eigen kinderen.",
                    ]
                ),
                availability=rng.sample(
                    [
                        "mon_morning",
                        "tue_morning",
                        "wed_afternoon",
                        "thu_morning",
                        "fri_morning",
                        "tue_afternoon",
                    ],
                    k=2,
                ),
            )
            _walk(volunteer, status, coordinators_by_branch[slug], rng)
    if stdout:
        stdout.write(f"  portal: {len(branches)} branches, {Volunteer.objects.count()} volunteers")
