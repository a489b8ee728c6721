"""Real services the tests talk to: an SMTP server, a django-q2 cluster process and a
gunicorn web server."""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from aiosmtpd.controller import Controller
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ReceivedMessage:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.content, policy=email.policy.default)


class _Handler:
    def __init__(self, server: SMTPServer):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.server.stall_recipients:  # the client waits, before DATA
            while address in self.server.stall_recipients:
                await asyncio.sleep(0.05)
        if address in self.server.refuse_recipients:
            return "550 5.1.1 Mailbox unavailable"
        if address in self.server.defer_recipients:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.server.delay:  # a slow relay, per message
            await asyncio.sleep(self.server.delay)
        with self.server.lock:
            self.server.messages.append(
                ReceivedMessage(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
            )
        return "250 Message accepted for delivery"


class SMTPServer:
    """aiosmtpd on 127.0.0.1 that keeps every message it accepts.

    `refuse_recipients` get a permanent 550, `defer_recipients` a temporary 451;
    `stall_recipients` get no answer to RCPT until removed (a client held before DATA);
    `delay` seconds pass before each message is accepted (a slow relay);
    `stop()` and `start()` take the whole server down and up again.
    """

    def __init__(self, port: int | None = None):
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.messages: list[ReceivedMessage] = []
        self.refuse_recipients: set[str] = set()
        self.defer_recipients: set[str] = set()
        self.stall_recipients: set[str] = set()
        self.delay = 0.0
        self.lock = threading.Lock()
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        """For a cluster process: `q_cluster(TEST_EMAIL_URL=server.url)`."""
        return f"smtp://{self.host}:{self.port}"

    def start(self) -> None:
        self.controller = Controller(_Handler(self), hostname=self.host, port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def __enter__(self) -> SMTPServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def messages_to(self, address: str) -> list[ReceivedMessage]:
        with self.lock:
            return [m for m in self.messages if address in m.rcpt_tos]

    def count_by_recipient(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        with self.lock:
            for received in self.messages:
                for rcpt in received.rcpt_tos:
                    counts[rcpt] = counts.get(rcpt, 0) + 1
        return counts


def database_url() -> str:
    """The URL of the database the tests are using right now (the test database)."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return (
        f"postgres://{auth}{settings.get('HOST') or '127.0.0.1'}:{settings.get('PORT') or 5432}"
        f"/{settings['NAME']}"
    )


class QCluster:
    """`manage.py qcluster` as a child process on the test database."""

    def __init__(self, extra_env: dict[str, str] | None = None):
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen | None = None
        # Kept after the cluster stops, so a failing test can print what it logged.
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix="qcluster-", suffix=".log", delete=False
        )

    def start(self) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "Q_SYNC": "false",
            "DATABASE_URL": database_url(),
            "Q_LOG_LEVEL": "INFO",
            **self.extra_env,
        }
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def _signal_group(self, sig: int) -> None:
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)

    def kill(self) -> None:
        """Kill the cluster and all its workers at once, as a crash or power cut would."""
        self._signal_group(signal.SIGKILL)
        if self.process:
            self.process.wait(timeout=10)
            # The parent is gone, but its pusher may still be dying: on Redis its blocking
            # pop would take the next task queued and lose it with the process, which no
            # restarted cluster would see. A crash is over when the whole group is gone.
            self._wait_for_group_exit(self.process.pid, timeout=10)

    @staticmethod
    def _wait_for_group_exit(group: int, *, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _live_processes_in_group(group):
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop gracefully, as Ctrl-C would: the parent tells its workers to finish."""
        if not self.process or self.process.poll() is not None:
            return
        # Only the parent: signalling every worker at once stalls django-q2's shutdown.
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()
        self._signal_group(signal.SIGKILL)  # nothing may outlive the test

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")


class WebServer:
    """gunicorn serving the portal on 127.0.0.1 as a child process, in a process group
    of its own so that `stop()` leaves nothing behind. `env` is the whole environment
    of the process (settings module, database, broker)."""

    def __init__(self, env: dict[str, str], *, workers: int = 2):
        self.env = env
        self.workers = workers
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix="gunicorn-", suffix=".log", delete=False
        )

    def start(self) -> None:
        # Sync workers, as docs/deployment.md runs them; the application loaded once and
        # forked into the workers (each opens its own database pool after the fork).
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--timeout",
            "60",
            "--preload",
            "--log-level",
            "warning",
        ]
        self.process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def ready(self) -> bool:
        """The load balancer's health check answers 200 (database, cache, broker)."""
        if self.process is None or self.process.poll() is not None:
            return False
        with contextlib.suppress(OSError):
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                conn.request("GET", "/gezond/web/")
                return conn.getresponse().status == 200
            finally:
                conn.close()
        return False

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            # SIGINT: gunicorn stops its workers at once (SIGTERM would wait for them).
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # nothing may outlive the test
        QCluster._wait_for_group_exit(self.process.pid, timeout=10)

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")


class ConnectionPeak:
    """The most PostgreSQL connections that carry `application_name` (put it in the
    servers' DATABASE_URL: `database_url() + "?application_name=..."`) held at once on
    the test database, sampled from pg_stat_activity every 20 ms."""

    def __init__(self, application_name: str):
        import psycopg  # PostgreSQL tests only

        parts = urlsplit(database_url())
        self.connect = partial(
            psycopg.connect, urlunsplit(parts._replace(path="/postgres")), autocommit=True
        )
        self.database = parts.path.lstrip("/")
        self.application_name = application_name
        self.peak = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.sample)

    def sample(self) -> None:
        with self.connect() as conn:
            while not self.stop.is_set():
                (count,) = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = %s AND application_name = %s",
                    [self.database, self.application_name],
                ).fetchone()
                self.peak = max(self.peak, count)
                self.stop.wait(0.02)

    def __enter__(self) -> ConnectionPeak:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()


def _live_processes_in_group(group: int) -> list[int]:
    """Processes of a process group that have not exited yet (zombies have: their sockets
    are closed). Read from /proc, as `os.killpg(group, 0)` also counts zombies."""
    live = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            # "pid (comm) state ppid pgrp ...": comm may hold spaces, so split after ")".
            state, _ppid, pgrp = stat.read_text().rsplit(")", 1)[1].split()[:3]
            if int(pgrp) == group and state != "Z":
                live.append(int(stat.parent.name))
    return live


def wait_until(
    predicate: Callable[[], bool], *, timeout: float = 30, interval: float = 0.2
) -> bool:
    """Poll `predicate` until it is true or `timeout` seconds pass; return its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


def post_at_once(
    ports: list[int],
    path: str,
    sessions: list[str],
    *,
    csrf: str,
    body: str = "confirm=on",
    behind_proxy: bool = False,
) -> list[tuple[int, int, dict[str, str], str]]:
    """Each session (a `sessionid`) posts `body` to `path` at the same moment, the
    sessions spread over the servers at `ports` in turn, as a reverse proxy would; with
    `behind_proxy` the requests say HTTPS was ended at the proxy (docs/deployment.md).
    `csrf` (32 characters) is sent as cookie and header alike. One answer per session,
    in order: (port, status, headers, body)."""
    barrier = threading.Barrier(len(sessions))
    answers: list[tuple[int, int, dict[str, str], str] | None] = [None] * len(sessions)

    def post(index: int) -> None:
        port = ports[index % len(ports)]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=90)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"sessionid={sessions[index]}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
        }
        if behind_proxy:
            headers |= {"X-Forwarded-Proto": "https", "Origin": f"https://127.0.0.1:{port}"}
        barrier.wait()
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        answers[index] = (
            port,
            response.status,
            dict(response.getheaders()),
            response.read().decode(errors="replace"),
        )
        conn.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(sessions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(answer is not None for answer in answers), "a client got no answer"
    return answers
