"""Home page for anonymous visitors under concurrent load, against a bare Django view."""

from __future__ import annotations

from bench.common import bench_database, describe, load, manage, report, serve

CONCURRENCY = 16
SECONDS = 8


def main() -> bool:
    with bench_database() as db_url:
        manage(db_url, "demo_content")
        with serve(db_url, workers=4) as base:
            load(base + "/", concurrency=4, seconds=1)  # warm the workers
            bare = load(base + "/__bench__/bare/", concurrency=CONCURRENCY, seconds=SECONDS)
            home = load(base + "/", concurrency=CONCURRENCY, seconds=SECONDS)
    print(f"  bare view: {describe(bare)}")
    print(f"  home page: {describe(home)}")
    return (
        report(
            "home page throughput",
            home.rps,
            bare.rps,
            goal=0.5,
            unit=" req/s",
            details={"page": describe(home), "bare": describe(bare)},
        )
        and home.errors == 0
    )
