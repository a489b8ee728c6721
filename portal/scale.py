"""National-size data for benchmarks: `manage.py seed_scale` (demo mode only).

Home-Start in the Netherlands is about 60 branches, 5,000 volunteers and close to 4,000
families a year. `seed_scale` adds that much on top of the demo content (whose
coordinators and national staff member the benchmark logs in as), deterministically for
a given `--seed`. Services would take far too long for 5,000 volunteers with their
histories, so each part's seeder writes with `bulk_create`, keeping the invariants its
services keep (tested on a small seed in `tests/portal/test_seed_scale.py`):

- every volunteer's status history is a chain of transitions the services allow, ending
  in the volunteer's status at `status_changed_at`; active and paused volunteers have a
  received VOG and a completed introduction course; stopped ones a reason;
- referrals sit in the branch their postcode routes to, with a history along the
  allowed route, and closed ones older than the retention period are erased;
- enrolments never exceed a course's places, and attendance exists only for enrolled
  participants of the course's own sessions; intervision RSVPs and attendance only for
  a group's members.

Each part adds its share through `portal.registry.register_scale_seeder(name,
seeder, order=...)`; a seeder gets the `ScaleContext` below, with the branches and
volunteers made so far.
"""

from __future__ import annotations

import datetime
import random
import time
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from portal.demo import DEMO_PASSWORD
from portal.models import (
    Branch,
    BranchPostcodeRange,
    User,
    Volunteer,
    VolunteerStatus,
    VolunteerStatusChange,
)
from portal.services.roles import make_coordinator

S = VolunteerStatus
SCALE_EMAIL_DOMAIN = "scale.homestart.example"
BATCH = 2000


@dataclass(frozen=True)
class ScaleSize:
    """The size of the whole data set, demo content included."""

    branches: int
    volunteers: int
    intervision_groups: int
    courses: int
    theme_meetings: int
    referrals: int


SIZES = {
    # Big enough for every screen to paginate, quick enough for a test.
    "small": ScaleSize(
        branches=6,
        volunteers=240,
        intervision_groups=18,
        courses=12,
        theme_meetings=4,
        referrals=600,
    ),
    "national": ScaleSize(
        branches=60,
        volunteers=5000,
        intervision_groups=500,
        courses=120,
        theme_meetings=40,
        referrals=20000,
    ),
}

CITIES = [
    "Amsterdam", "Rotterdam", "Den Haag", "Eindhoven", "Groningen", "Tilburg", "Almere",
    "Breda", "Nijmegen", "Apeldoorn", "Arnhem", "Haarlem", "Haarlemmermeer", "Enschede",
    "Zaanstad", "Den Bosch", "Leiden", "Maastricht", "Dordrecht", "Zoetermeer",
    "Ede", "Westland", "Leeuwarden", "Alkmaar", "Emmen", "Delft", "Venlo", "Deventer",
    "Sittard-Geleen", "Helmond", "Oss", "Hilversum", "Heerlen", "Amstelveen", "Súdwest-Fryslân",
    "Hengelo", "Purmerend", "Roosendaal", "Schiedam", "Lelystad", "Alphen aan den Rijn",
    "Leidschendam-Voorburg", "Almelo", "Spijkenisse", "Hoorn", "Gouda", "Vlaardingen",
    "Assen", "Bergen op Zoom", "Capelle aan den IJssel", "Veenendaal", "Katwijk",
    "Zeist", "Nieuwegein", "Roermond", "Den Helder", "Doetinchem", "Hoogeveen",
    "Terneuzen", "Middelburg", "Kerkrade", "Harderwijk", "Heerhugowaard", "Oosterhout",
    "Barneveld", "Woerden", "Gorinchem", "Zutphen",
]  # fmt: skip
FIRST_NAMES = [
    "Anna", "Esther", "Yasmina", "Marieke", "Ingrid", "Saskia", "Lotte", "Hanneke",
    "Nadia", "Ilse", "Karin", "Petra", "Joyce", "Sevda", "Olga", "Hatice", "Miriam",
    "Wendy", "Judith", "Sabine", "Linda", "Aylin", "Renske", "Femke", "Carla", "Iris",
    "Marco", "Jeroen", "Ahmed", "Tom", "Bas", "Kees", "Nour", "Lieke", "Roos", "Eline",
]  # fmt: skip
LAST_NAMES = [
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen",
    "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters",
    "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Yilmaz",
    "El Idrissi", "Kowalski", "Kramer", "van der Linden", "Koster", "Prins", "Huisman",
]  # fmt: skip
# How a branch's volunteers spread over the pipeline (weights).
STATUS_WEIGHTS = {
    S.APPLIED: 6,
    S.INTAKE: 5,
    S.VOG_REQUESTED: 4,
    S.VOG_RECEIVED: 3,
    S.IN_TRAINING: 8,
    S.ACTIVE: 50,
    S.PAUSED: 8,
    S.STOPPED: 16,
}
# The transitions each status is reached by (each one allowed by the services).
PATHS = {
    S.APPLIED: [],
    S.INTAKE: [S.INTAKE],
    S.VOG_REQUESTED: [S.INTAKE, S.VOG_REQUESTED],
    S.VOG_RECEIVED: [S.INTAKE, S.VOG_REQUESTED, S.VOG_RECEIVED],
    S.IN_TRAINING: [S.INTAKE, S.VOG_REQUESTED, S.IN_TRAINING],
    S.ACTIVE: [S.INTAKE, S.VOG_REQUESTED, S.VOG_RECEIVED, S.IN_TRAINING, S.ACTIVE],
    S.PAUSED: [S.INTAKE, S.VOG_REQUESTED, S.VOG_RECEIVED, S.IN_TRAINING, S.ACTIVE, S.PAUSED],
    S.STOPPED: [S.INTAKE, S.VOG_REQUESTED, S.VOG_RECEIVED, S.IN_TRAINING, S.ACTIVE, S.STOPPED],
}
STOP_REASONS = [
    "Verhuisd naar een andere stad.",
    "Heeft betaald werk gevonden.",
    "Past toch niet bij de huidige situatie thuis.",
    "Stopt na drie gezinnen; bedankt!",
]


@dataclass
class ScaleContext:
    """What the seeders share: the size, one random generator (so a seed gives the same
    data), one clock, and what earlier seeders made."""

    size: ScaleSize
    rng: random.Random
    now: datetime.datetime
    password: str
    stdout: object | None = None
    branches: list[Branch] = field(default_factory=list)
    coordinators: dict[int, User] = field(default_factory=dict)
    # branch id -> [(volunteer id, status)] of every volunteer, demo ones included
    volunteers: dict[int, list[tuple[int, str]]] = field(default_factory=dict)

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.now)

    def say(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text)

    def volunteers_of(self, branch_id: int, *statuses: str) -> list[int]:
        return [pk for pk, status in self.volunteers.get(branch_id, []) if status in statuses]


def is_seeded() -> bool:
    return User.objects.filter(email__endswith="@" + SCALE_EMAIL_DOMAIN).exists()


def _free_postcode_blocks(count: int) -> list[tuple[int, int]]:
    """Blocks of a hundred postcodes no branch covers yet, so routing stays unambiguous."""
    taken = list(BranchPostcodeRange.objects.values_list("first", "last"))
    blocks = []
    for start in range(1000, 10000, 100):
        end = start + 99
        if not any(first <= end and start <= last for first, last in taken):
            blocks.append((start, end))
    if len(blocks) < count:
        raise ValueError(f"Only {len(blocks)} free postcode blocks for {count} branches.")
    return blocks[:count]


def seed_branches(context: ScaleContext) -> None:
    """Top the demo's branches up to `size.branches`, each with a coordinator who has the
    coordinator role."""
    existing = list(Branch.objects.order_by("pk"))
    missing = max(context.size.branches - len(existing), 0)
    used = {branch.name for branch in existing}
    cities = [city for city in CITIES if f"Home-Start {city}" not in used][:missing]
    blocks = _free_postcode_blocks(missing)
    new = Branch.objects.bulk_create(
        [
            Branch(
                name=f"Home-Start {city}",
                slug=f"scale-{number:03d}",
                municipalities=city,
                email=f"afdeling{number:03d}@{SCALE_EMAIL_DOMAIN}",
                phone=f"0{context.rng.randint(10, 99)} {context.rng.randint(1000000, 9999999)}",
                address=f"Dorpsstraat {number}\n{city}",
            )
            for number, city in enumerate(cities, start=1)
        ]
    )
    new = list(Branch.objects.filter(slug__startswith="scale-").order_by("slug"))
    BranchPostcodeRange.objects.bulk_create(
        [
            BranchPostcodeRange(branch=branch, first=first, last=last, sort_order=0)
            for branch, (first, last) in zip(new, blocks, strict=True)
        ]
    )
    coordinators = _accounts(
        context,
        [(f"coordinator{n:03d}", *_name(context.rng)) for n in range(1, len(new) + 1)],
    )
    for branch, user in zip(new, coordinators, strict=True):
        make_coordinator(user=user, branches=[branch])
    context.branches = existing + new
    for branch in existing:
        user = branch.coordinators.order_by("pk").first()
        if user is not None:
            context.coordinators[branch.pk] = user
    context.coordinators.update(
        {branch.pk: user for branch, user in zip(new, coordinators, strict=True)}
    )
    context.say(f"  branches: {len(context.branches)} ({len(new)} new)")


def _name(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def _accounts(context: ScaleContext, people: list[tuple[str, str, str]]) -> list[User]:
    """Accounts with verified addresses and one shared password hash (hashing 5,000
    passwords would take minutes)."""
    users = User.objects.bulk_create(
        [
            User(
                email=f"{local}@{SCALE_EMAIL_DOMAIN}",
                first_name=first,
                last_name=last,
                password=context.password,
                date_joined=context.now,
            )
            for local, first, last in people
        ],
        batch_size=BATCH,
    )
    users = list(
        User.objects.filter(email__in=[u.email for u in users])
        .order_by("email")
        .only("pk", "email")
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
        batch_size=BATCH,
    )
    return users


def _history(
    rng: random.Random, status: str, joined: datetime.datetime, now: datetime.datetime
) -> list[tuple[str, datetime.datetime]]:
    """(status, when) from "applied" at `joined` to `status`, in order, before `now`."""
    steps = [(S.APPLIED.value, joined)]
    moment = joined
    span = (now - joined) / (len(PATHS[status]) + 1)
    for step in PATHS[status]:
        moment += span * rng.uniform(0.5, 1.0)
        steps.append((step.value, moment))
    return steps


def seed_volunteers(context: ScaleContext) -> None:
    """Volunteers over every status, each with the status history that led there."""
    rng, now = context.rng, context.now
    for pk, branch_id, status in Volunteer.objects.values_list("pk", "branch_id", "status"):
        context.volunteers.setdefault(branch_id, []).append((pk, status))
    missing = max(context.size.volunteers - Volunteer.objects.count(), 0)
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    ranges = dict(
        BranchPostcodeRange.objects.order_by("branch_id", "-pk").values_list("branch_id", "first")
    )
    plan = []
    for number in range(1, missing + 1):
        branch = context.branches[number % len(context.branches)]
        status = rng.choices(statuses, weights)[0]
        # Volunteers who made it to the families often stay for years (and renew their
        # VOG); the pipeline holds the last three years' applicants.
        years = 6 if status in (S.ACTIVE, S.PAUSED, S.STOPPED) else 3
        joined = now - datetime.timedelta(
            days=rng.randint(5, years * 365), hours=rng.randint(0, 23)
        )
        plan.append((f"vrijwilliger{number:05d}", *_name(rng), branch, status, joined))
    users = {u.email: u for u in _accounts(context, [(p[0], p[1], p[2]) for p in plan])}
    volunteers = []
    histories = []
    for local, _first, _last, branch, status, joined in plan:
        steps = _history(rng, status, joined, now)
        dates = dict(steps)
        vog = dates.get(S.VOG_RECEIVED.value)
        course = dates.get(S.ACTIVE.value)
        volunteers.append(
            Volunteer(
                user=users[f"{local}@{SCALE_EMAIL_DOMAIN}"],
                branch=branch,
                postcode=f"{ranges.get(branch.pk, 1000) + rng.randint(0, 9)} "
                f"{rng.choice(['AB', 'CD', 'EK', 'GH', 'JL'])}",
                phone=f"06 {rng.randint(10000000, 99999999)}",
                city=branch.municipality_list[0] if branch.municipalities else "",
                languages=[
                    "nl",
                    *rng.sample(["en", "ar", "tr", "pl", "fa", "uk"], k=rng.randint(0, 2)),
                ],
                parenting_experience="Moeder of vader van kinderen, nu op school.",
                availability=rng.sample(
                    ["mon_morning", "tue_morning", "wed_afternoon", "thu_morning", "fri_morning"],
                    k=2,
                ),
                status=status,
                status_changed_at=steps[-1][1],
                vog_requested_on=timezone.localdate(dates[S.VOG_REQUESTED.value])
                if S.VOG_REQUESTED.value in dates
                else None,
                vog_received_on=timezone.localdate(vog) if vog else None,
                introduction_course_completed_on=timezone.localdate(course) if course else None,
                stopped_reason=rng.choice(STOP_REASONS) if status == S.STOPPED else "",
            )
        )
        histories.append(steps)
    # created_at is auto_now_add: set to the application day afterwards, below.
    Volunteer.objects.bulk_create(volunteers, batch_size=BATCH)
    created = {
        user_id: pk
        for pk, user_id in Volunteer.objects.filter(
            user__email__endswith="@" + SCALE_EMAIL_DOMAIN
        ).values_list("pk", "user_id")
    }
    changes = []
    for volunteer, steps in zip(volunteers, histories, strict=True):
        pk = created[volunteer.user.pk]
        coordinator = context.coordinators.get(volunteer.branch.pk)
        previous = ""
        for step, when in steps:
            changes.append(
                VolunteerStatusChange(
                    volunteer_id=pk,
                    from_status=previous,
                    to_status=step,
                    changed_at=when,
                    changed_by=volunteer.user if not previous else coordinator,
                    note=volunteer.stopped_reason if step == S.STOPPED else "",
                )
            )
            previous = step
        context.volunteers.setdefault(volunteer.branch.pk, []).append((pk, volunteer.status))
    VolunteerStatusChange.objects.bulk_create(changes, batch_size=BATCH)
    context.say(f"  volunteers: {len(volunteers)} new, {len(changes)} status changes")


def seed_portal(context: ScaleContext) -> None:
    seed_branches(context)
    seed_volunteers(context)


def build_scale(
    *, size: ScaleSize, seed: int, stdout=None, now: datetime.datetime | None = None
) -> ScaleContext:
    """Run every registered seeder, in one transaction."""
    from portal.registry import registry

    context = ScaleContext(
        size=size,
        rng=random.Random(seed),
        now=now or timezone.now(),
        password=make_password(DEMO_PASSWORD),
        stdout=stdout,
    )
    with transaction.atomic():
        for _, name, seeder in registry.scale_seeders:
            context.say(f"Scale data: {name}")
            # Each part draws from its own generator, so adding a part elsewhere does
            # not change what the others make for the same seed.
            context.rng = random.Random(f"{seed}:{name}")
            began = time.monotonic()
            seeder(context)
            context.say(f"  ({time.monotonic() - began:.0f} s)")
    if connection.vendor == "postgresql":
        # Fresh statistics, as autovacuum would gather them soon after: without them
        # the planner takes 20,000 bulk-inserted rows for a handful and picks nested
        # loops a real database would not (an admin home took seconds). And a VACUUM,
        # as autovacuum would also run after that many inserts (this machine's server
        # runs without it): it merges the rows waiting in the pending lists of the
        # trigram (GIN) indexes, without which the planner costs a search along them
        # at over ten times what it costs after (989 against 77 for "jansen") and
        # reads every account instead (docs/scale.md). VACUUM cannot run inside a
        # transaction (a test's): there it only analyzes.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return context
