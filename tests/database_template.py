"""One migrated database per test run, copied for every pytest-xdist worker.

Migrating takes 243 migrations, about 20 seconds of one core each time. Every worker
used to migrate its own test database at the same moment, three times over on two
cores, before its first test could start. Now the first worker to get here migrates a
template once, and every worker (the first included) copies it: PostgreSQL with
`CREATE DATABASE ... TEMPLATE`, SQLite with its backup API. This is what Django's own
parallel test runner does with `clone_test_db`; pytest-xdist has no main process that
holds a database, so the workers take turns under a file lock instead.

Django then sets up each copy as usual with `keepdb`: `migrate` finds nothing to apply
but still runs every post_migrate handler, and the data that serialized rollback
restores is read from the copy itself.
"""

from __future__ import annotations

import fcntl
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connections

CACHE = Path(__file__).resolve().parent.parent / ".cache"


def template_name(worker_test_name: str, worker: str) -> str:
    """`test_test_gw0` -> `test_test_template`: pytest-django added the worker suffix."""
    suffix = f"_{worker}"
    assert worker_test_name.endswith(suffix), (worker_test_name, worker)
    return f"{worker_test_name.removesuffix(suffix)}_template"


@contextmanager
def _taking_turns(run_id: str) -> Iterator[Path]:
    """Held by one worker at a time; yields the file that says this run's template is
    built (one per run: a template from an earlier run may predate a migration)."""
    CACHE.mkdir(exist_ok=True)
    with open(CACHE / "test-db-template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield CACHE / f"test-db-template-{run_id}.built"
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def copy_migrated_template(alias: str, *, worker: str, run_id: str) -> None:
    """Leave this worker's test database as a migrated copy of this run's template,
    building the template first if no worker has yet."""
    connection = connections[alias]
    worker_db = connection.creation._get_test_db_name()
    template = template_name(worker_db, worker)
    with _taking_turns(run_id) as built:
        if not built.exists():
            for stale in CACHE.glob("test-db-template-*"):
                stale.unlink()  # markers of a run that crashed
            _drop(alias, template)
            _migrate_template(alias, template)
            built.touch()
        if connection.vendor == "postgresql":
            _copy_postgresql(alias, template, worker_db)
        elif connection.vendor == "sqlite":
            _copy_sqlite(template, worker_db)
        else:
            raise NotImplementedError(connection.vendor)


def _migrate_template(alias: str, template: str) -> None:
    connection = connections[alias]
    test_settings = connection.settings_dict["TEST"]
    worker_test_name, real_name = test_settings["NAME"], connection.settings_dict["NAME"]
    test_settings["NAME"] = template
    try:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    finally:
        # create_test_db points the connection at the database it made; the worker's
        # own setup expects the real name, as Django's runner leaves it.
        connection.close()
        if connection.vendor == "postgresql" and "pool" in connection.settings_dict["OPTIONS"]:
            connection.close_pool()  # its connections would hold the template open
        test_settings["NAME"] = worker_test_name
        connection.settings_dict["NAME"] = real_name
        settings.DATABASES[alias]["NAME"] = real_name


def _copy_postgresql(alias: str, template: str, target: str) -> None:
    connection = connections[alias]
    quote = connection.ops.quote_name
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(target)}")
        cursor.execute(f"CREATE DATABASE {quote(target)} TEMPLATE {quote(template)}")


def _copy_sqlite(template: str, target: str) -> None:
    # The backup API copies a consistent database, whatever its write-ahead log holds.
    for path in (target, f"{target}-wal", f"{target}-shm"):
        Path(path).unlink(missing_ok=True)
    source, copy = sqlite3.connect(template), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()


def release_template(alias: str, *, worker: str, run_id: str, workers: int) -> None:
    """After this worker's last test: the last worker of the run drops the template, so
    no copy outlives its run (a crashed run leaves one, which the next run replaces)."""
    connection = connections[alias]
    template = template_name(connection.creation._get_test_db_name(), worker)
    with _taking_turns(run_id) as built:
        (CACHE / f"test-db-template-{run_id}.done-{worker}").touch()
        done = list(CACHE.glob(f"test-db-template-{run_id}.done-*"))
        if len(done) < workers:
            return
        _drop(alias, template)
        for marker in [built, *done]:
            marker.unlink(missing_ok=True)


def _drop(alias: str, template: str) -> None:
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(template)}")
    else:
        for path in (template, f"{template}-wal", f"{template}-shm"):
            Path(path).unlink(missing_ok=True)
