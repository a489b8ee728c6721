"""The annual report at national size, against the same report on a few hundred rows.

Goals: the report for one branch and a year at the large size (50 branches, 5,000
volunteers, 20,000 referrals with their matches, 200,000 visits) takes at most 3 times
as long as at the small size (3 branches, a few hundred rows), and under 1 second. The
figure printed is small time / large time (higher is better; the goal is >= 1/3); the
national report (every branch, side by side) at the large size is printed for
information. Each time is the best of a few runs of `reports.services.build_report`,
the computation the screen, the XLSX and the print view share.
"""

from __future__ import annotations

import datetime
import random
import time

from bench.common import bench_database, report, setup_django

RUNS = 5
YEAR = 2025


def fill(*, branches: int, volunteers: int, referrals: int, visits_per_match: int, first: int = 0):
    """Add `branches` branches with their volunteers, referrals, matches and visits."""
    from django.utils import timezone

    from portal.models import Branch, User, Volunteer, VolunteerStatusChange
    from support.models import Match, Visit
    from support.referrals.models import Referral

    rng = random.Random(first)
    made = Branch.objects.bulk_create(
        Branch(name=f"Home-Start Bench {first + n:02d}", slug=f"bench-{first + n}")
        for n in range(branches)
    )
    users = User.objects.bulk_create(
        User(email=f"v{first}-{n}@bench.example") for n in range(volunteers)
    )
    people = Volunteer.objects.bulk_create(
        Volunteer(user=user, branch=made[n % branches], postcode="3511 AB", status="active")
        for n, user in enumerate(users)
    )
    start = timezone.make_aware(datetime.datetime(YEAR - 1, 6, 1))
    VolunteerStatusChange.objects.bulk_create(
        VolunteerStatusChange(
            volunteer=person,
            from_status="applied",
            to_status="active",
            changed_at=start + datetime.timedelta(days=rng.randrange(500)),
        )
        for person in people
    )
    families = Referral.objects.bulk_create(
        Referral(
            reference=f"B{first}-{n}",
            kind=rng.choice(["referrer", "parents"]),
            branch=made[n % branches],
            status="support_started",
            received_at=start + datetime.timedelta(days=rng.randrange(500)),
            referrer_category=rng.choice(
                ["municipality", "youth_health_care", "primary_care", "family", "other"]
            ),
            children_count=rng.randrange(1, 4),
            expecting=rng.random() < 0.1,
            support_questions=rng.sample(
                ["listening_ear", "social_isolation", "parenting", "relief", "language"], 2
            ),
            risk_factors=rng.sample(["financial", "child", "parent", "family"], 1),
        )
        for n in range(referrals)
    )
    by_branch: dict[int, list] = {}
    for person in people:
        by_branch.setdefault(person.branch_id, []).append(person)
    matches = Match.objects.bulk_create(
        Match(
            reference=f"K{first}-{n}",
            referral=family,
            volunteer=rng.choice(by_branch[family.branch_id]),
            branch_id=family.branch_id,
            programme=rng.choice(["home_start", "home_start", "home_start_plus"]),
            status="active",
            started_on=(family.received_at + datetime.timedelta(days=20)).date(),
        )
        for n, family in enumerate(families)
    )
    batch = []
    for match in matches:
        for week in range(visits_per_match):
            batch.append(
                Visit(
                    match=match,
                    date=match.started_on + datetime.timedelta(weeks=week),
                    kind="done",
                    minutes=180,
                )
            )
        if len(batch) >= 20_000:
            Visit.objects.bulk_create(batch)
            batch = []
    Visit.objects.bulk_create(batch)
    return made


def best_time(scope) -> float:
    from reports.services import build_report

    times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        build_report(scope, scope_label="bench")
        times.append(time.perf_counter() - began)
    return min(times)


def main() -> bool:
    with bench_database() as db_url:
        setup_django(db_url)
        from reports.period import Period
        from reports.services import ReportScope

        period = Period.year(YEAR)
        small_branches = fill(branches=3, volunteers=60, referrals=150, visits_per_match=2)
        one = ReportScope(period=period, branch_ids=(small_branches[0].pk,))
        small = best_time(one)
        big = fill(branches=47, volunteers=4940, referrals=19850, visits_per_match=10, first=100)
        # A branch of the large size: about 420 referrals and 4,200 visits of its own.
        large = best_time(ReportScope(period=period, branch_ids=(big[0].pk,)))
        national = best_time(ReportScope(period=period, branch_ids=None))
    print(f"  one branch, small: {small * 1000:.0f} ms; large: {large * 1000:.0f} ms (goal < 1 s)")
    print(f"  every branch, large: {national * 1000:.0f} ms")
    return (
        report(
            "annual report, one branch (small time / large time)",
            small * 1000,
            large * 1000,
            goal=1 / 3,
            unit=" ms",
            details={"national_large_ms": round(national * 1000)},
        )
        and large < 1.0
    )
