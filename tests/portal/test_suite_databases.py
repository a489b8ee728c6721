"""The suite's own set-up: every worker's database is a complete migrated copy
(tests/database_template.py), and CI's second pass leaves out only the tests that
cannot depend on the database (tests/conftest.py, `--database-tests-only`)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from wagtail.models import Page, Site

from tests.database_template import _copy_sqlite, template_name

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_this_workers_database_has_every_migration_and_the_migrated_data():
    loader = MigrationLoader(connection)
    assert set(loader.graph.leaf_nodes()) <= set(loader.applied_migrations)
    assert Site.objects.get(is_default_site=True).root_page.specific_class is not Page


def test_the_template_is_named_after_the_test_database_without_the_worker():
    assert template_name("test_test_gw2", "gw2") == "test_test_template"
    assert template_name("/x/.cache/test-db.sqlite3_gw0", "gw0") == (
        "/x/.cache/test-db.sqlite3_template"
    )


def test_a_sqlite_copy_holds_what_is_still_in_the_write_ahead_log(tmp_path):
    """Copying the file alone would lose the rows not yet checkpointed."""
    template, copy = tmp_path / "template.sqlite3", tmp_path / "copy.sqlite3"
    writer = sqlite3.connect(template)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("CREATE TABLE t (n INTEGER)")
    writer.executemany("INSERT INTO t VALUES (?)", [(n,) for n in range(100)])
    writer.commit()
    assert Path(f"{template}-wal").stat().st_size > 0
    copy.write_bytes(b"an earlier run's copy")
    try:
        _copy_sqlite(str(template), str(copy))
    finally:
        writer.close()
    with sqlite3.connect(copy) as reader:
        assert reader.execute("SELECT count(*), sum(n) FROM t").fetchone() == (100, 4950)


def collect(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:xdist", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode in (0, 5), result.stdout + result.stderr  # 5: none collected
    return result.stdout


def test_the_second_pass_leaves_out_only_tests_without_the_database():
    everything = collect(
        "tests/portal/test_translations.py",  # catalogues only
        "tests/portal/test_filters.py",  # the database
        "tests/portal/test_task_queue.py",  # a task cluster
    )
    second_pass = collect(
        "--database-tests-only",
        "tests/portal/test_translations.py",
        "tests/portal/test_filters.py",
        "tests/portal/test_task_queue.py",
    )
    kept = [line for line in everything.splitlines() if "::" in line]
    translations = [line for line in kept if "test_translations.py" in line]
    assert translations
    assert [line for line in second_pass.splitlines() if "::" in line] == [
        line for line in kept if line not in translations
    ]
    assert f"({len(translations)} deselected)" in second_pass
