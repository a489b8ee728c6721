"""PostgreSQL's connection pool in every process, and what a request gets when it is full.

The settings (`portal/settings/base.py`, "Database") give each process one bounded pool
(psycopg_pool through Django). A request takes a connection at its first query and
gives it back when it ends; one that waits longer than `DB_POOL_TIMEOUT` for it gets
the 503 page with `Retry-After` instead of a 500. Nothing can be half-written then:
the wait happens at the request's first query, before it has written anything, and a
request keeps its connection until it ends.

A request also keeps its connection from its first query to its end: django-q2's ORM
broker closes "old" connections whenever a task is queued, which with a pool (where
every connection counts as old) gave the connection back in the middle of a request;
its next query then waited for the pool again and could get a 503 after its change had
been committed. `portal.orm_broker.RequestSafeORMBroker` leaves the connection alone
inside a request.

Two processes must never share one PostgreSQL connection. django-q2 forks its workers
from a process that has used the database (so has a pool with open connections), and
gunicorn may fork after loading the application; the child forgets the pools it
inherited and opens its own (`_forget_inherited_pools`).
"""

from __future__ import annotations

import contextvars
import logging
import os
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.template import loader

logger = logging.getLogger("portal.db")

_BUSY_ATTRIBUTE = "_portal_database_busy"
serving_request = contextvars.ContextVar("portal_serving_request", default=False)
# Pools inherited through a fork: referenced so that they are never garbage collected in
# the child, where tearing them down could touch connections the parent still uses.
_inherited_pools: list[object] = []


def is_database_busy(error: BaseException | None) -> bool:
    """Whether `error` (or what caused it) means: no database connection came free in time.

    Django wraps the pool's `PoolTimeout` (or `TooManyRequests`, when a maximum of
    waiting requests is set) in its own `OperationalError`.
    """
    try:
        from psycopg_pool import PoolTimeout, TooManyRequests
    except ImportError:  # SQLite-only installs never have a pool
        return False
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, PoolTimeout | TooManyRequests):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def database_busy_response() -> HttpResponse:
    """The 503 page: plain Dutch (and English) without a database, with Retry-After."""
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(settings.DATABASE_BUSY_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def _note_database_busy(sender, request: HttpRequest | None = None, **kwargs) -> None:
    """Django turns every uncaught exception into a 500 (or, with DEBUG, its debug page)
    wherever it was raised, also inside a middleware. This receiver runs inside that
    handling and marks the request; `RequestConnectionMiddleware` then answers 503."""
    if request is None or not is_database_busy(sys.exc_info()[1]):
        return
    setattr(request, _BUSY_ATTRIBUTE, True)
    pool = getattr(connections["default"], "pool", None)
    stats = pool.get_stats() if pool is not None else {}
    # No path: some addresses carry a personal token (calendar feeds).
    logger.warning(
        "No database connection free within the pool timeout; answered 503 "
        "(pool_size=%s, pool_available=%s, requests_waiting=%s)",
        stats.get("pool_size"),
        stats.get("pool_available"),
        stats.get("requests_waiting"),
    )


class RequestConnectionMiddleware:
    """A request keeps its database connection until it ends, and is answered 503 with
    Retry-After when no connection came free in time.

    Sits outside every middleware that may query the database (page cache, sessions,
    authentication), so it sees the request whichever of them hit the full pool.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        serving = serving_request.set(True)
        try:
            response = self.get_response(request)
        finally:
            serving_request.reset(serving)
        if getattr(request, _BUSY_ATTRIBUTE, False):
            response.close()
            return database_busy_response()
        return response


class SkipDatabaseBusyErrors(logging.Filter):
    """Keeps a request answered 503 for a full pool out of `django.request` (its
    'Internal Server Error' traceback and its 'Service Unavailable' line):
    `_note_database_busy` logs one warning line instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and is_database_busy(record.exc_info[1]):
            return False
        return not getattr(getattr(record, "request", None), _BUSY_ATTRIBUTE, False)


def _forget_inherited_pools() -> None:
    from django.db.backends.postgresql.base import DatabaseWrapper

    _inherited_pools.extend(DatabaseWrapper._connection_pools.values())
    DatabaseWrapper._connection_pools.clear()
    for connection in connections.all(initialized_only=True):
        if connection.vendor == "postgresql" and connection.settings_dict["OPTIONS"].get("pool"):
            # The parent's connection: closing it here would close it for the parent.
            connection.connection = None


_installed = False


def install() -> None:
    """Called from `PortalConfig.ready()`."""
    global _installed
    got_request_exception.connect(_note_database_busy, dispatch_uid="portal-database-busy")
    if not _installed:
        os.register_at_fork(after_in_child=_forget_inherited_pools)
        _installed = True
