"""What every benchmark shares: a database set up once, gunicorn, a load generator, and
a report that prints each figure as a ratio to a baseline measured in the same run.

    with bench_database() as db_url:          # migrated; SQLite, or PostgreSQL with --pg
        setup_django(db_url)                  # to create rows from this process
        with serve(db_url, workers=4) as base:
            bare = load(base + "/__bench__/bare/", concurrency=20, seconds=10)
            page = load(base + "/", concurrency=20, seconds=10)
        report("home page", page, bare, goal=0.5)

Ratios, not seconds: the machines are shared and slow, so only a comparison made in
the same run on the same machine means anything.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench" / "results"
PYTHON = sys.executable
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/homestart_bench")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(db_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_DATABASE_URL": db_url,
        "PYTHONPATH": str(BASE_DIR),
        **extra,
    }


def manage(db_url: str, *args: str, **extra: str) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=_env(db_url, **extra), check=True
    )


@contextlib.contextmanager
def bench_database(*, postgres: bool | None = None) -> Iterator[str]:
    """A fresh, migrated database for one benchmark; PostgreSQL when asked or `--pg`."""
    postgres = ("--pg" in sys.argv) if postgres is None else postgres
    RESULTS.mkdir(parents=True, exist_ok=True)
    if postgres:
        url = PG_URL
        name = urlsplit(url).path.lstrip("/")
        admin = url.rsplit("/", 1)[0] + "/postgres"
        _psql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _psql(admin, f'CREATE DATABASE "{name}"')
    else:
        path = RESULTS / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    manage(url, "migrate", "--noinput", "-v", "0")
    manage(url, "createcachetable")
    yield url


def _psql(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def setup_django(db_url: str) -> None:
    """Make this process a Django client of the benchmark database (to create rows)."""
    os.environ.update({"DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_DATABASE_URL": db_url})
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


@contextlib.contextmanager
def serve(db_url: str, *, workers: int = 4, **extra_env: str) -> Iterator[str]:
    """gunicorn with sync workers on a free port; yields the base URL."""
    port = free_port()
    log = (RESULTS / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=_env(db_url, **extra_env),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/__bench__/bare/")
                if conn.getresponse().status == 200:
                    break
            time.sleep(0.2)
        else:
            raise RuntimeError(f"gunicorn did not start; see {log.name}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float] = field(repr=False)
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def p95_ms(self) -> float:
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0] if self.latencies_ms else 0.0
        return statistics.quantiles(self.latencies_ms, n=20)[-1]


def load(
    url: str,
    *,
    concurrency: int = 10,
    seconds: float = 10.0,
    requests_per_client: int | None = None,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body_for: callable | None = None,
    ok_statuses: tuple[int, ...] = (200, 302, 304),
) -> LoadResult:
    """`concurrency` clients, each on its own keep-alive connection, for `seconds` (or
    `requests_per_client` requests each). `body_for(client, n)` may give a POST body
    and headers per request: `(bytes, {"Content-Type": ...})`."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    start = threading.Barrier(concurrency + 1)

    def client(index: int) -> None:
        nonlocal errors
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        mine: list[float] = []
        my_statuses: dict[int, int] = {}
        my_errors = 0
        start.wait()
        n = 0
        while True:
            if requests_per_client is not None and n >= requests_per_client:
                break
            if requests_per_client is None and time.monotonic() >= stop_at:
                break
            body, extra = (None, {})
            if body_for is not None:
                body, extra = body_for(index, n)
            began = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers={**(headers or {}), **extra})
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
                status = 0
            mine.append((time.perf_counter() - began) * 1000)
            my_statuses[status] = my_statuses.get(status, 0) + 1
            if status not in ok_statuses:
                my_errors += 1
            n += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors += my_errors
            for status, count in my_statuses.items():
                statuses[status] = statuses.get(status, 0) + count

    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.monotonic()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    return LoadResult(len(latencies), errors, elapsed, latencies, statuses)


def report(
    name: str,
    figure: float,
    baseline: float,
    *,
    goal: float | None = None,
    unit: str = "",
    details: dict | None = None,
) -> bool:
    """Print `figure / baseline` (higher is better) against the goal; keep it as JSON."""
    ratio = figure / baseline if baseline else 0.0
    verdict = "" if goal is None else ("  ok" if ratio >= goal else "  BELOW GOAL")
    goal_text = "" if goal is None else f" (goal >= {goal:g})"
    print(
        f"{name}: {figure:,.1f}{unit} vs baseline {baseline:,.1f}{unit}"
        f" -> ratio {ratio:.3f}{goal_text}{verdict}"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    record = {
        "name": name,
        "figure": figure,
        "baseline": baseline,
        "ratio": ratio,
        "goal": goal,
        "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        **(details or {}),
    }
    with (RESULTS / "results.jsonl").open("a") as out:
        out.write(json.dumps(record) + "\n")
    return goal is None or ratio >= goal


def describe(result: LoadResult) -> dict:
    data = asdict(result)
    data.pop("latencies_ms")
    return {**data, "rps": round(result.rps, 1), "p95_ms": round(result.p95_ms, 1)}


def have(command: str) -> bool:
    return shutil.which(command) is not None
