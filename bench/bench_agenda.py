"""A volunteer's calendar feed with a year of sessions, against a static file of the same size.

Goals (ratios to serving a static .ics of the same size through Django, same gunicorn,
same run): at least 0.05 for a first fetch (nothing cached: every item collected and
the calendar built) and at least 0.2 for a repeat fetch of an unchanged feed (a
subscribing client sends If-None-Match and gets a 304 from the cache). A plain
repeat fetch (cache hit, full body) is printed for information.

The first fetch is measured with one client in a loop that marks every feed stale
before each request (as a change in the agenda does); the static file with the same
loop, so both pay for the same round trips.
"""

from __future__ import annotations

import http.client
import time
from urllib.parse import urlsplit

from bench.common import (
    RESULTS,
    bench_database,
    describe,
    load,
    report,
    serve,
    setup_django,
)

GROUPS = 4  # four groups' sessions, monthly: about fifty items in a year
FIRST_FETCHES = 40
CONCURRENCY = 8
SECONDS = 6


def build_volunteer_year() -> tuple[str, int]:
    """A volunteer in four monthly groups and on a theme meeting; (feed path, body size)."""
    import datetime

    from django.test import Client
    from django.utils import timezone

    from intervision.models import IntervisionGroup, SessionSeries, ThemeMeeting
    from intervision.services import regenerate_sessions, sign_up_for_theme_meeting
    from portal.agenda.services import feed_token_for
    from portal.models import Branch, User, Volunteer

    branch = Branch.objects.create(name="Home-Start Bench", slug="bench")
    user = User.objects.create_user("bench-volunteer@example.org", first_name="Bench")
    volunteer = Volunteer.objects.create(user=user, branch=branch, postcode="3511 AB")
    for number in range(GROUPS):
        group = IntervisionGroup.objects.create(
            branch=branch, name=f"Groep {number}", venue="Kantoor Home-Start"
        )
        group.members.set([volunteer])
        group.save()
        SessionSeries.objects.create(
            group=group,
            kind="monthly",
            nth=1 + number % 4,
            weekday=number % 5,
            start_time=datetime.time(9, 30),
            end_time=datetime.time(11, 30),
            start_date=timezone.localdate() - datetime.timedelta(days=31),
        )
        regenerate_sessions(group=group)
    start = timezone.now() + datetime.timedelta(days=90)
    meeting = ThemeMeeting.objects.create(
        title="Themadag",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=5),
        open_to_all_branches=True,
        capacity=50,
    )
    sign_up_for_theme_meeting(meeting=meeting, volunteer=volunteer)
    path = f"/agenda/{feed_token_for(user=user).token}/mijn.ics"
    body = Client(HTTP_HOST="127.0.0.1").get(path).content
    print(f"  feed: {body.count(b'BEGIN:VEVENT')} events, {len(body):,} bytes")
    static = RESULTS / "static"
    static.mkdir(parents=True, exist_ok=True)
    (static / "feed.ics").write_bytes(b"X" * len(body))
    return path, len(body)


def sequential(url: str, *, before=None, count: int, headers=None) -> float:
    """Requests per second of one client fetching `url` `count` times in a row."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    began = time.perf_counter()
    for _ in range(count):
        if before is not None:
            before()
        conn.request("GET", parts.path, headers=headers or {})
        response = conn.getresponse()
        response.read()
        assert response.status == 200, (url, response.status)
    elapsed = time.perf_counter() - began
    conn.close()
    return count / elapsed


def main() -> bool:
    with bench_database() as db_url:
        setup_django(db_url)
        from portal.agenda.cache import _bump

        path, _size = build_volunteer_year()
        with serve(db_url, workers=4) as base:
            feed, static = base + path, base + "/__bench__/static/feed.ics"
            load(feed, concurrency=2, seconds=1)  # warm the workers
            load(static, concurrency=2, seconds=1)
            first = sequential(feed, before=_bump, count=FIRST_FETCHES)
            static_first = sequential(static, before=_bump, count=FIRST_FETCHES)
            conn = http.client.HTTPConnection(urlsplit(base).hostname, urlsplit(base).port)
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            etag = response.getheader("ETag")
            conn.close()
            conditional = load(
                feed, concurrency=CONCURRENCY, seconds=SECONDS, headers={"If-None-Match": etag}
            )
            repeat = load(feed, concurrency=CONCURRENCY, seconds=SECONDS)
            static_load = load(static, concurrency=CONCURRENCY, seconds=SECONDS)
    print(f"  static file: {describe(static_load)}")
    print(f"  feed, repeat with If-None-Match: {describe(conditional)}")
    print(f"  feed, repeat without (cache hit): {describe(repeat)}")
    ok_first = report(
        "agenda feed, first fetch (nothing cached)",
        first,
        static_first,
        goal=0.05,
        unit=" req/s",
    )
    ok_repeat = report(
        "agenda feed, repeat fetch of an unchanged feed (304)",
        conditional.rps,
        static_load.rps,
        goal=0.2,
        unit=" req/s",
        details={"feed": describe(conditional), "static": describe(static_load)},
    )
    report(
        "agenda feed, repeat fetch from the cache (200, information)",
        repeat.rps,
        static_load.rps,
        unit=" req/s",
    )
    statuses = set(conditional.statuses)
    return ok_first and ok_repeat and statuses == {304} and repeat.errors == 0
