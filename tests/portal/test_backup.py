"""Backups as docs/deployment.md describes them: `pg_dump --format=custom` of the live
database, `pg_restore` into an empty one, and every row comes back."""

from __future__ import annotations

import shutil
import subprocess
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.db import connections

from courses import services
from tests.conftest import IN_CI
from tests.courses.factories import make_course
from tests.portal.factories import VolunteerFactory
from tests.services import database_url

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

# Every table's rows in one fingerprint (sorted, so physical order does not matter).
TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
FINGERPRINT = (
    "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {}"
)


def fingerprints(url: str) -> dict[str, tuple[int, str]]:
    with psycopg.connect(url) as conn:
        tables = [name for (name,) in conn.execute(TABLES)]
        return {name: conn.execute(FINGERPRINT.format(f'"{name}" t')).fetchone() for name in tables}


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


@pytest.fixture
def empty_database():
    source = database_url()
    name = urlsplit(source).path.lstrip("/") + "_restored"
    admin = with_database(source, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield with_database(source, name)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_dump_restores_into_an_empty_database_with_every_row(branch, empty_database, tmp_path):
    if not shutil.which("pg_dump"):
        if IN_CI:
            pytest.fail("pg_dump is missing (Debian: postgresql-client)")
        pytest.skip("pg_dump is not installed")
    course = make_course(branch, capacity=2)
    for _ in range(3):
        services.enrol_volunteer(offering=course, volunteer=VolunteerFactory(branch=branch))
    connections.close_all()
    source = database_url()
    dump = tmp_path / "homestart.dump"

    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", f"--dbname={source}"],
        check=True,
    )
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={empty_database}", str(dump)],
        check=True,
    )

    before, after = fingerprints(source), fingerprints(empty_database)
    assert before["courses_courseenrolment"][0] == 3
    assert before["portal_volunteer"][0] >= 3
    assert after == before  # django_migrations included: the schema is as migrated
