"""The connection pool: a request that gets no connection in time is a 503 with
Retry-After (never a 500, never half-written), connections stay bounded, and no
connection is shared across a fork (portal/db.py, portal/orm_broker.py)."""

from __future__ import annotations

import logging
import multiprocessing
import sys
import threading
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from psycopg_pool import PoolTimeout

from courses.models import CourseEnrolment
from portal.db import SkipDatabaseBusyErrors, is_database_busy
from portal.orm_broker import RequestSafeORMBroker
from portal.urls import urlpatterns as portal_urlpatterns
from tests.courses.factories import make_course


def full_pool_view(request):
    # What Django raises when psycopg_pool gives up waiting for a connection.
    try:
        raise PoolTimeout("couldn't get a connection after 10.00 sec")
    except PoolTimeout as error:
        raise OperationalError(str(error)) from error


def failing_view(request):
    raise RuntimeError("an ordinary bug")


urlpatterns = [
    path("vol/", full_pool_view),
    path("stuk/", failing_view),
    path("goed/", lambda request: HttpResponse("ok")),
    *portal_urlpatterns,
]


def assert_busy_page(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert '<html lang="nl"' in page
    assert "Het is even te druk" in page
    assert "niet opgeslagen" in page


# Database access allowed: closing the discarded 500 fires Django's request_finished,
# whose connection housekeeping checks this thread's connection when an earlier test on
# the worker left it open, and pytest-django refused that check (a 500 in CI).
@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize("debug", [False, True])
def test_a_request_that_gets_no_connection_in_time_gets_the_503_page(settings, debug):
    """Also with DEBUG on, as under `make run`, where Django would show its debug page."""
    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    assert_busy_page(client.get("/vol/"))
    assert client.get("/goed/").status_code == 200
    assert client.get("/stuk/").status_code == 500


@pytest.mark.django_db
def test_a_full_pool_met_inside_a_middleware_is_a_503_too(volunteer, monkeypatch):
    """Sessions are loaded by a middleware, before any view: the first query of most
    requests."""
    from django.contrib.sessions.backends.db import SessionStore

    client = Client(raise_request_exception=False)
    client.force_login(volunteer.user)
    monkeypatch.setattr(SessionStore, "load", lambda self: full_pool_view(None))
    assert_busy_page(client.get("/mijn/"))


def test_only_a_full_pool_counts_as_busy():
    try:
        full_pool_view(None)
    except OperationalError as error:
        assert is_database_busy(error)
    assert not is_database_busy(OperationalError("server closed the connection unexpectedly"))
    assert not is_database_busy(RuntimeError("bug"))


def test_a_busy_request_is_logged_once_as_a_warning_not_as_a_server_error():
    keep = SkipDatabaseBusyErrors()
    try:
        full_pool_view(None)
    except OperationalError:
        busy = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "x", None, sys.exc_info()
        )
    try:
        failing_view(None)
    except RuntimeError:
        bug = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "x", None, sys.exc_info()
        )
    assert keep.filter(busy) is False
    assert keep.filter(bug) is True


@pytest.mark.django_db(transaction=True)
def test_queueing_a_task_inside_a_request_keeps_the_request_connection():
    """django-q2's ORM broker closes 'old' connections (with the pool: every connection)
    before it queues; inside a request that would hand the connection back halfway."""
    from portal.db import serving_request

    connection.ensure_connection()
    connection.close_at = 0  # obsolete, as every pooled connection is
    # Spy on close rather than compare connection objects: the pool may hand the same
    # psycopg connection straight back after it was returned.
    with mock.patch.object(connection, "close", wraps=connection.close) as close:
        token = serving_request.set(True)
        try:
            RequestSafeORMBroker.get_connection().count()
        finally:
            serving_request.reset(token)
        assert close.call_count == 0

        # Outside a request (the cluster's own processes) django-q2's behaviour stays.
        RequestSafeORMBroker.get_connection().count()
        assert close.call_count == 1


# --- On PostgreSQL, with the real pool ---------------------------------------------


@pytest.fixture
def small_pool():
    """This process's pool, shrunk to one connection with a short wait; restored after."""
    options = connection.settings_dict["OPTIONS"]
    saved = options.get("pool")
    assert saved, "the PostgreSQL settings configure a pool"
    connection.close()
    connection.close_pool()
    options["pool"] = {**saved, "min_size": 1, "max_size": 1, "timeout": 0.3}
    yield
    connection.close()
    connection.close_pool()
    options["pool"] = saved


def hold_the_only_connection() -> tuple[threading.Event, threading.Thread]:
    taken, release = threading.Event(), threading.Event()

    def hold():
        from django.db import connections

        connections["default"].ensure_connection()
        taken.set()
        release.wait(30)
        connections["default"].close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(10)
    return release, thread


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_sign_up_while_the_pool_is_full_is_a_503_and_writes_nothing(branch, volunteer, small_pool):
    course = make_course(branch, capacity=5)
    client = Client(raise_request_exception=False)
    client.force_login(volunteer.user)
    connection.close()  # give this thread's connection back: one left in the pool
    release, holder = hold_the_only_connection()
    try:
        response = client.post(f"/cursussen/{course.pk}/aanmelden/", {"confirm": "on"})
    finally:
        release.set()
        holder.join()
    assert_busy_page(response)
    assert not CourseEnrolment.objects.filter(offering=course).exists()

    response = client.post(f"/cursussen/{course.pk}/aanmelden/", {"confirm": "on"})
    assert response.status_code == 302
    assert CourseEnrolment.objects.filter(offering=course, volunteer=volunteer).count() == 1


def _backend_pid_in_child(results) -> None:
    from django.db import connection as child_connection

    with child_connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        results.put(cursor.fetchone()[0])
    child_connection.close()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_forked_process_never_uses_the_parents_pooled_connections(small_pool):
    """django-q2 forks its workers from a process whose pool holds idle connections.
    With one connection in the pool, a child that took from the inherited pool would
    get exactly that one."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        parent_pid = cursor.fetchone()[0]
    connection.close()  # back to the pool, idle: what a child would inherit

    context = multiprocessing.get_context("fork")
    results = context.Queue()
    child = context.Process(target=_backend_pid_in_child, args=(results,))
    child.start()
    child_pid = results.get(timeout=30)
    child.join(30)
    assert child.exitcode == 0
    assert child_pid != parent_pid
    with connection.cursor() as cursor:  # the parent's connections still work
        cursor.execute("SELECT 1")
        assert cursor.fetchone()[0] == 1
