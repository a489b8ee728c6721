"""Actors and real services for the whole suite.

Actors: `branch`, `other_branch`, `volunteer`, `coordinator`, `other_branch_coordinator`,
`staff` (national staff), `editor`. Coordinators and staff have TOTP set up, as the
admin requires, and `client.force_login` records the code step as allauth's login does
(`client.force_login_password_only` leaves it out). `client_for(role)` gives a logged-in
test client for the permission matrix roles in `tests.matrix.ROLES`, and for "editor".

Real services: `smtp_server` (aiosmtpd on localhost) and `q_cluster` (a django-q2
cluster process on the test database).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from django.core.cache import cache
from django.test import Client
from django.test.client import ClientMixin
from hypothesis import HealthCheck, settings

from tests.database_template import copy_migrated_template, release_template
from tests.portal.factories import (
    BranchFactory,
    UserFactory,
    VolunteerFactory,
    make_admin_user,
)
from tests.services import QCluster, SMTPServer

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
Path(__file__).resolve().parent.parent.joinpath(".cache").mkdir(exist_ok=True)

settings.register_profile(
    "default",
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("default")

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
DB_BLOCKER = pytest.StashKey()


def pytest_collection_modifyitems(config, items):
    """Four rules for the whole suite, in one place rather than in every part's tests.

    1. Every transactional test restores the migrated data (site, home page, groups). A
       transactional test empties the database afterwards; without serialized rollback
       Django then re-runs post_migrate, which recreates the role groups but not the site
       or home page, and the next test would find a half-built database.
    2. Every test that starts a real django-q2 cluster runs on one worker, one after the
       other (`--dist loadgroup`, three workers on two cores: Makefile). Those tests
       mostly wait, for a scheduler round or a relay; the two other workers keep both
       cores busy meanwhile. Side by side on two workers they left the cores idle for
       minutes, and the timing checks among them measured each other's load.
    3. The browser tests start first among the rest: long ones last left one worker
       running while the other had finished. A worker that goes on from transactional
       tests to tests in a transaction gets the migrated data back first
       (`pytest_runtest_teardown`).
    4. With `--database-tests-only` (CI's PostgreSQL pass) only the tests that use the
       database or a task cluster run.
    """
    # pytest-django has put the tests in Django's order; a stable sort keeps it otherwise.
    items.sort(key=lambda item: 0 if item.get_closest_marker("e2e") else 1)
    if config.getoption("database_tests_only"):
        deselected = [item for item in items if not _uses_the_database(item)]
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if _uses_the_database(item)]


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help=(
            "Run only the tests that use the database or a task cluster. CI's second pass "
            "(PostgreSQL with Redis) runs these; the rest gives the same result on every "
            "database and already ran in the first."
        ),
    )


def _uses_the_database(item: pytest.Item) -> bool:
    fixtures = getattr(item, "fixturenames", ())
    return (
        item.get_closest_marker("django_db") is not None
        or item.get_closest_marker("cluster") is not None
        or item.get_closest_marker("postgres_only") is not None
        or any(name in fixtures for name in ("db", "transactional_db", "live_server"))
    )


def pytest_itemcollected(item):
    """Rules 1 and 2 of `pytest_collection_modifyitems`, as each test is collected:
    pytest-xdist reads the groups in its own modifyitems, which may run before ours."""
    if item.get_closest_marker("cluster") or "q_cluster" in getattr(item, "fixturenames", ()):
        item.add_marker(pytest.mark.cluster)
        if item.config.pluginmanager.hasplugin("xdist"):
            item.add_marker(pytest.mark.xdist_group("cluster"))
    marker = item.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction") and "serialized_rollback" not in marker.kwargs:
        item.add_marker(
            pytest.mark.django_db(*marker.args, **marker.kwargs, serialized_rollback=True),
            append=False,
        )


def _empties_the_database(item: pytest.Item) -> bool:
    """A transactional test, told as pytest-django tells it (marker or fixture)."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return (
        bool(marker and marker.kwargs.get("transaction"))
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    )


def _runs_in_a_rolled_back_transaction(item: pytest.Item) -> bool:
    """A test in a transaction: the marker, or a fixture that needs `db` (`branch`)."""
    uses_db = item.get_closest_marker("django_db") is not None or "db" in getattr(
        item, "fixturenames", ()
    )
    return uses_db and not _empties_the_database(item)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test the database stays empty until the next transactional
    test restores it. Django's own runner relies on running every test in a transaction
    before those; here the cluster and browser tests come first, and a worker goes on
    from them to tests in a transaction, which would find no site, groups or home page:
    the data is restored for those, once per change of kind."""
    result = yield
    if (
        nextitem is not None
        and _empties_the_database(item)
        and _runs_in_a_rolled_back_transaction(nextitem)
    ):
        _restore_migrated_data(item.config)
    return result


def _restore_migrated_data(config: pytest.Config) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connections

    with config.stash[DB_BLOCKER].unblock():
        for alias in connections:
            connection = connections[alias]
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents is not None:
                connection.creation.deserialize_db_from_string(contents)
    ContentType.objects.clear_cache()


@pytest.fixture(scope="session")
def django_db_setup(
    request, django_test_environment, django_db_blocker, django_db_modify_db_settings
):
    """pytest-django's set-up, except that pytest-xdist's workers copy one migrated
    database instead of each migrating its own (tests/database_template.py). The
    options to reuse a database or skip migrations are not used in this project."""
    from django.test.utils import setup_databases, teardown_databases

    worker = getattr(request.config, "workerinput", None)
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        if worker:
            copy_migrated_template(
                "default", worker=worker["workerid"], run_id=worker["testrunuid"]
            )
        databases = setup_databases(
            verbosity=verbosity,
            interactive=False,
            aliases={"default"},
            serialized_aliases={"default"},
            keepdb=bool(worker),  # the copy is migrated; Django's set-up goes on from there
        )
    yield
    with django_db_blocker.unblock():
        teardown_databases(databases, verbosity=verbosity)
        if worker:
            release_template(
                "default",
                worker=worker["workerid"],
                run_id=worker["testrunuid"],
                workers=worker["workercount"],
            )


@pytest.fixture(scope="session", autouse=True)
def serialized_contents_for_every_context(django_db_setup, django_db_blocker, request):
    """Serialized rollback must restore the migrated data in browser tests too.

    Django keeps the snapshot on the connection object that set the database up. Django's
    connections are per context (asgiref's Local), and Playwright's sync API runs a test
    in a context of its own, whose fresh connection object has no snapshot: the restore
    before a browser test silently did nothing, and a browser test that followed a
    flushed transactional test found no permissions at all (a coordinator's login then
    landed on /mijn/). Kept on the connection class, every connection object sees it.
    """
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            type(connections[alias])._test_serialized_contents = contents
    # For `_restore_migrated_data`, which runs between tests, where access is blocked.
    request.config.stash[DB_BLOCKER] = django_db_blocker


@pytest.fixture(autouse=True)
def fresh_content_type_cache(request):
    """A transactional test starts from a restored database whose content type ids may
    differ from what this process cached during an earlier test (a flush without
    restore, then post_migrate making them again). A stale id in the cache makes the
    next insert that names a content type (Wagtail's search index, log entries) fail
    with "FOREIGN KEY constraint failed"; forgetting the cache costs one query later."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        from django.apps import apps
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()
        # Warm it again from the database in one query, so that threads of the test
        # (fifty concurrent sign-ups) never race to create a content type.
        ContentType.objects.get_for_models(*apps.get_models(), for_concrete_models=False)


def _grouped_by_xdist(item) -> bool:
    """Tests marked `xdist_group` run on one worker, one after the other.

    pytest-xdist groups them by a suffix it writes into each node id. With pytest 9.2 that
    write is silently lost (pytest-dev/pytest-xdist#1386): the cluster tests then ran on
    both workers at once, and no worker was left to keep the cores busy while they wait
    for their clusters. Such a run fails instead.
    """
    if not getattr(item.config.option, "loadgroup", False):
        return True  # not a worker of `--dist loadgroup`
    return "@" in item.nodeid


def pytest_runtest_setup(item):
    if item.get_closest_marker("xdist_group") and not _grouped_by_xdist(item):
        pytest.fail(
            "pytest-xdist did not keep this test in its xdist_group "
            "(pytest-dev/pytest-xdist#1386; requirements-dev.in keeps pytest below 9.2)"
        )
    if item.get_closest_marker("postgres_only"):
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://... (CI does)")


def _login_as_allauth_would(self, user, backend=None):
    """`force_login` stands for a complete login: password, and the code step for an
    account with TOTP, recorded in the session the way allauth records it. Tests of
    the side doors log in through the real forms or with `force_login_password_only`.
    """
    from allauth.mfa.models import Authenticator

    _force_login_password_only(self, user, backend)
    steps = [{"method": "password", "at": time.time()}]
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is not None:
        steps.append({"method": "mfa", "at": time.time(), "id": totp.pk, "type": totp.type})
    session = self.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = steps
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


_force_login_password_only = ClientMixin.force_login
ClientMixin.force_login = _login_as_allauth_would
ClientMixin.force_login_password_only = _force_login_password_only


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _language_of_the_site():
    """Every test starts in the site's language (Dutch). LocaleMiddleware activates the
    language of each request and never deactivates it, so a test that asked for an
    English page left English active for the next test on its worker, and a report
    built outside a request then came out in English (which tests follow which
    depends on timing under pytest-xdist)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _vobject_time_zones_restored():
    """vobject keeps every VTIMEZONE it reads in a process-wide map by TZID. A feed's
    Europe/Amsterdam covers only the feed's window; left registered, it would be used
    for other tests' calendars of other years (and lose their summer time). Every test
    that reads a calendar with vobject (agenda, screening, courses) needs this, so it
    is here, not in one folder's conftest."""
    import vobject.icalendar

    zones = vobject.icalendar.__dict__["__tzidMap"]
    saved = dict(zones)
    yield
    zones.clear()
    zones.update(saved)


@pytest.fixture
def branch(db):
    return BranchFactory(name="Home-Start Utrecht", slug="utrecht", ranges=[(3500, 3585)])


@pytest.fixture
def other_branch(db):
    return BranchFactory(name="Home-Start Zwolle", slug="zwolle", ranges=[(8000, 8049)])


@pytest.fixture
def volunteer(branch):
    return VolunteerFactory(branch=branch, user__first_name="Anouk", user__last_name="Smit")


@pytest.fixture
def other_volunteer(other_branch):
    return VolunteerFactory(branch=other_branch, user__first_name="Bram", user__last_name="Kok")


@pytest.fixture
def coordinator(branch):
    return make_admin_user("coordinator", branches=[branch], email="coord@example.org")


@pytest.fixture
def other_branch_coordinator(other_branch):
    return make_admin_user("coordinator", branches=[other_branch], email="other@example.org")


@pytest.fixture
def staff(db):
    return make_admin_user("national_staff", email="staff@example.org")


@pytest.fixture
def editor(db):
    return make_admin_user("editor", email="editor@example.org")


@pytest.fixture
def plain_user(db):
    """An account without a volunteer record or any role."""
    return UserFactory()


@pytest.fixture
def actors(volunteer, coordinator, other_branch_coordinator, staff):
    return {
        "anonymous": None,
        "volunteer": volunteer.user,
        "coordinator": coordinator,
        "other_coordinator": other_branch_coordinator,
        "staff": staff,
    }


@pytest.fixture
def client_for(request, actors):
    """A logged-in client per role: the five of the matrix (`actors`), or another role
    fixture by name ("editor"), made only for the tests that ask for it."""

    def make(role: str) -> Client:
        client = Client()
        user = actors[role] if role in actors else request.getfixturevalue(role)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on localhost; Django's SMTP backend pointed at it."""
    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = server.host
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        yield server


@pytest.fixture
def q_cluster(transactional_db, monkeypatch):
    """Start a real django-q2 cluster on the test database; stop it afterwards.

    Use with `@pytest.mark.django_db(transaction=True)` so the cluster sees the rows
    (serialized rollback is added by `pytest_collection_modifyitems`).
    While it runs, this test process queues tasks on the broker instead of running
    them inline.
    """
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", False)
    clusters: list[QCluster] = []

    def start(**env: str) -> QCluster:
        cluster = QCluster(extra_env=env)
        cluster.start()
        clusters.append(cluster)
        return cluster

    yield start
    for cluster in clusters:
        cluster.stop()
