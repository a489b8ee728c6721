"""A burst of sign-ups beyond the connection pool, through the real web servers on
PostgreSQL: `make run`'s runserver and gunicorn.

Issue 16 saw 50 sign-ups through runserver answered partly with 500 "too many clients".
Here each server process gets a pool of one connection and a short wait, and 24
volunteers sign up for one course at the same moment. Every answer must be a redirect
(signed up or waitlisted) or the 503 page, the server's connections never exceed the
pool, and the database must agree with the answers exactly: a row for every redirect,
none for a 503, places and waitlist numbers right.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from django.db import connections
from django.test import Client

from courses.models import CourseEnrolment, CourseKind, EnrolmentStatus
from tests.courses.factories import make_course
from tests.portal.factories import VolunteerFactory
from tests.services import ConnectionPeak, database_url, free_port, post_at_once, wait_until

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parents[2]
SIGN_UPS = 24
PLACES = 3
POOL_SIZE = 1
APPLICATION_NAME = "homestart-burst-test"
CSRF = "burstcsrfsecretburstcsrfsecret12"  # 32 characters: cookie and header alike


def server_command(kind: str, port: int) -> tuple[list[str], int]:
    """The command line and its number of processes that open database connections."""
    if kind == "runserver":
        # What `make run` (run_portal) starts: threaded, one process.
        command = ["manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"]
        return [sys.executable, *command], 1
    # Threads, so that requests inside one worker compete for its pool; the application
    # loaded once and forked into the workers (faster here, and a fork after set-up).
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "portal.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--worker-class",
        "gthread",
        "--threads",
        "8",
        "--preload",
        "--log-level",
        "warning",
    ], 2


@contextlib.contextmanager
def web_server(kind: str):
    port = free_port()
    command, processes = server_command(kind, port)
    # The server's connections carry a name, so that they can be counted apart.
    url = database_url() + f"?application_name={APPLICATION_NAME}"
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.test",
        DATABASE_URL=url,
        # Queue tasks through the ORM broker, as `make run` on PostgreSQL does.
        Q_SYNC="false",
        DB_POOL_MIN_SIZE="1",
        DB_POOL_MAX_SIZE=str(POOL_SIZE),
        DB_POOL_TIMEOUT="0.1",
    )
    log = tempfile.NamedTemporaryFile(prefix=f"burst-{kind}-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        command,
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def ready() -> bool:
        with contextlib.suppress(OSError):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/gezond/web/")
            return conn.getresponse().status == 200
        return False

    try:
        assert wait_until(ready, timeout=90), Path(log.name).read_text()[-3000:]
        yield port, processes, log.name
    finally:
        # SIGINT: both servers stop at once (gunicorn's SIGTERM would wait for workers).
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # nothing may outlive the test


def test_a_burst_beyond_the_pool_gets_redirects_or_503_and_the_database_stays_exact(branch):
    volunteers = [VolunteerFactory(branch=branch) for _ in range(SIGN_UPS)]
    sessions = []
    for volunteer in volunteers:
        client = Client()
        client.force_login(volunteer.user)
        sessions.append(client.cookies["sessionid"].value)
    for kind in ("runserver", "gunicorn"):
        # Trainings: the same volunteers may sign up for both (one introduction course
        # at a time is a rule of its own).
        course = make_course(
            branch, capacity=PLACES, kind=CourseKind.TRAINING, title=f"Training via {kind}"
        )
        connections.close_all()
        with web_server(kind) as (port, processes, log), ConnectionPeak(APPLICATION_NAME) as held:
            path = f"/cursussen/{course.pk}/aanmelden/"
            answers = post_at_once([port], path, sessions, csrf=CSRF)
        assert_answers_and_rows_agree(kind, course, volunteers, answers, log)
        assert held.peak <= processes * POOL_SIZE, (kind, held.peak)


def assert_answers_and_rows_agree(kind, course, volunteers, answers, log) -> None:
    statuses = Counter(status for _, status, _, _ in answers)
    assert set(statuses) <= {302, 503}, (kind, statuses, Path(log).read_text()[-3000:])
    # Both outcomes happened: the burst really went beyond the pool.
    assert statuses[302] >= 1 and statuses[503] >= 1, (kind, statuses)
    for _, status, headers, body in answers:
        if status == 503:
            assert headers["Retry-After"] == "5"
            assert "Het is even te druk" in body
    signed_up = {
        v.pk for v, (_, status, _, _) in zip(volunteers, answers, strict=True) if status == 302
    }
    rows = list(CourseEnrolment.objects.filter(offering=course))
    assert {row.volunteer_id for row in rows} == signed_up, kind  # no orphan, none lost
    enrolled = [row for row in rows if row.status == EnrolmentStatus.ENROLLED]
    waitlisted = sorted(r.waitlist_number for r in rows if r.status == EnrolmentStatus.WAITLISTED)
    assert len(enrolled) == min(PLACES, len(signed_up)), kind
    assert waitlisted == list(range(1, len(signed_up) - len(enrolled) + 1)), kind
    assert "Traceback" not in Path(log).read_text(), kind
