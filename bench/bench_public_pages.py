"""Public pages (home, referrer, leaflet) for anonymous visitors under load, against a bare view.

Goal: each anonymous public page at no less than 0.5 of the bare Django view's
throughput (both served by the same gunicorn in the same run), and no page running
more than 10 database queries, cached or not. The referral form (never cached: it
carries a CSRF token) is measured for information. Query counts are taken in-process
on the same database: the first visit after a publish (nothing of the page in the
cache) and a cached visit. With the database cache (no REDIS_URL) the cache's own
statements are SQL too; they are counted apart, since on Redis they are not queries.
"""

from __future__ import annotations

from bench.common import (
    LoadResult,
    bench_database,
    describe,
    load,
    manage,
    report,
    serve,
    setup_django,
)

CONCURRENCY = 16
# Short rounds, the baseline and every page in turn, added up: the machine is shared,
# and a neighbour's burst then weighs on all of them alike instead of on one.
ROUNDS = 4
SECONDS_PER_ROUND = 2
MAX_QUERIES = 10
PAGES = {
    "home page": "/",
    "referrer page": "/voor-verwijzers/",
    "leaflet page": "/voor-ouders/folder/",
}
TRANSACTION = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}
INFORMATION_ONLY = {"referral form (never cached)": "/voor-verwijzers/aanmelden/"}


def count_queries(url: str) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from portal.pages.cache import clear_page_cache

    client = Client(HTTP_HOST="127.0.0.1")
    client.get(url)  # Wagtail's own lookups warm, as on a running site
    counts = {}
    for state in ("uncached", "cached"):
        if state == "uncached":
            clear_page_cache()  # what an editor's publish does
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        statements = [query["sql"] for query in captured.captured_queries]
        # The database cache's reads and writes, and the transactions around its writes
        # (a GET writes nothing else).
        cache_statements = [
            sql for sql in statements if "portal_cache" in sql or sql.split()[0] in TRANSACTION
        ]
        counts[state] = {
            "queries": len(statements) - len(cache_statements),
            "cache_statements": len(cache_statements),
        }
    return counts


def combined(parts: list[LoadResult]) -> LoadResult:
    statuses: dict[int, int] = {}
    for part in parts:
        for status, count in part.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    return LoadResult(
        requests=sum(part.requests for part in parts),
        errors=sum(part.errors for part in parts),
        seconds=sum(part.seconds for part in parts),
        latencies_ms=[latency for part in parts for latency in part.latencies_ms],
        statuses=statuses,
    )


def main() -> bool:
    with bench_database() as db_url:
        manage(db_url, "demo_content")
        setup_django(db_url)
        queries = {name: count_queries(url) for name, url in {**PAGES, **INFORMATION_ONLY}.items()}
        with serve(db_url, workers=4) as base:
            for url in [*PAGES.values(), *INFORMATION_ONLY.values()]:
                load(base + url, concurrency=4, seconds=1)  # warm workers and the cache
            targets = {"bare": "/__bench__/bare/", **PAGES, **INFORMATION_ONLY}
            rounds: dict[str, list[LoadResult]] = {name: [] for name in targets}
            for _round in range(ROUNDS):
                for name, url in targets.items():
                    rounds[name].append(
                        load(base + url, concurrency=CONCURRENCY, seconds=SECONDS_PER_ROUND)
                    )
            results = {name: combined(parts) for name, parts in rounds.items()}
            bare = results.pop("bare")
    print(f"  bare view: {describe(bare)}")
    ok = bare.errors == 0
    for name, result in results.items():
        counted = queries[name]
        print(
            f"  {name}: {describe(result)}; queries uncached {counted['uncached']['queries']} "
            f"(+{counted['uncached']['cache_statements']} cache statements), cached "
            f"{counted['cached']['queries']} (+{counted['cached']['cache_statements']})"
        )
        goal = None if name in INFORMATION_ONLY else 0.5
        ok &= report(
            f"{name} throughput",
            result.rps,
            bare.rps,
            goal=goal,
            unit=" req/s",
            details={"page": describe(result), "bare": describe(bare), "queries": counted},
        )
        report(f"{name} p95 latency (bare / page)", bare.p95_ms, result.p95_ms, unit=" ms")
        ok &= result.errors == 0
        ok &= all(state["queries"] <= MAX_QUERIES for state in counted.values())
    return bool(ok)
