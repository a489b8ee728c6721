"""Course page and sign-up through the HTTP view (50 concurrent clients), against a bare
Django view served the same way; the seat count must be exact at the end.

`python -m bench courses --pg` runs it on PostgreSQL (as the issue asks); without
`--pg` on SQLite.
"""

from __future__ import annotations

import datetime

from bench.common import bench_database, describe, load, report, serve, setup_django

CLIENTS = 50
SIGN_UPS_PER_CLIENT = 2
PLACES = 40
SECONDS = 8
CSRF = "benchcsrfsecretbenchcsrfsecret12"  # a 32-character CSRF secret, cookie and header


def build(db_url: str):
    """A branch, a course overview with one training and one volunteer (with a logged-in
    session) per sign-up."""
    setup_django(db_url)
    from django.test import Client
    from django.utils import timezone
    from wagtail.models import Site

    from courses.models import CourseIndexPage, CoursePage, CourseSession
    from portal.models import Branch, User
    from portal.services.volunteers import create_volunteer

    branch = Branch.objects.create(name="Home-Start Bench", slug="bench")
    home = Site.objects.get(is_default_site=True).root_page
    index = home.add_child(instance=CourseIndexPage(title="Cursussen", slug="c", branch=branch))
    course = CoursePage(title="Training", slug="training", branch=branch, kind="training")
    course.capacity = PLACES
    first = timezone.localdate() + datetime.timedelta(days=30)
    course.sessions = [
        CourseSession(date=first + datetime.timedelta(weeks=n), topic=f"Onderwerp {n}")
        for n in range(6)
    ]
    index.add_child(instance=course)
    cookies = []
    for number in range(CLIENTS * SIGN_UPS_PER_CLIENT):
        user = User.objects.create_user(email=f"v{number}@bench.example", password=None)
        create_volunteer(user=user, branch=branch, postcode="3511 AB")
        client = Client()
        client.force_login(user)
        cookies.append(client.cookies["sessionid"].value)
    return course, cookies


def main() -> bool:
    with bench_database() as db_url:
        course, cookies = build(db_url)

        def sign_up(client: int, n: int):
            session = cookies[client * SIGN_UPS_PER_CLIENT + n]
            return b"confirm=on", {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"sessionid={session}; csrftoken={CSRF}",
                "X-CSRFToken": CSRF,
            }

        with serve(db_url, workers=4) as base:
            load(base + course.url, concurrency=4, seconds=1)  # warm the workers
            bare = load(base + "/__bench__/bare/", concurrency=CLIENTS, seconds=SECONDS)
            page = load(base + course.url, concurrency=CLIENTS, seconds=SECONDS)
            signup = load(
                f"{base}/cursussen/{course.pk}/aanmelden/",
                concurrency=CLIENTS,
                requests_per_client=SIGN_UPS_PER_CLIENT,
                method="POST",
                body_for=sign_up,
                ok_statuses=(302,),
            )
        from courses.models import CourseEnrolment

        rows = CourseEnrolment.objects.filter(offering_id=course.pk)
        enrolled = rows.filter(status="enrolled").count()
        numbers = sorted(rows.filter(status="waitlisted").values_list("waitlist_number", flat=True))
        exact = (
            enrolled == PLACES
            and rows.count() == CLIENTS * SIGN_UPS_PER_CLIENT
            and numbers == list(range(1, len(numbers) + 1))
        )
    print(f"  bare view:   {describe(bare)}")
    print(f"  course page: {describe(page)}")
    print(f"  sign-up:     {describe(signup)}")
    print(f"  seats: {enrolled} enrolled of {PLACES}, waitlist 1..{len(numbers)}, exact={exact}")
    page_ok = report(
        "course page throughput",
        page.rps,
        bare.rps,
        goal=0.05,
        unit=" req/s",
        details={"page": describe(page), "bare": describe(bare)},
    )
    signup_ok = report(
        "course sign-up throughput",
        signup.rps,
        bare.rps,
        goal=0.05,
        unit=" req/s",
        details={"sign_up": describe(signup), "bare": describe(bare), "exact": exact},
    )
    return page_ok and signup_ok and exact and signup.errors == 0 and page.errors == 0
