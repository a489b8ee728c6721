"""The data migration: the two VOG dates of every volunteer (and the intake and course
dates the records show) become checklist items, forwards, on records as the demo makes
them."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from portal.models import Volunteer, VolunteerStatus
from portal.screening.models import ChecklistItem, ChecklistItemType
from tests.pages.factories import home_page

BEFORE = [("screening", "0001_initial")]
AFTER = [("screening", "0002_home_start_set")]


# PostgreSQL only: migrating backwards and forwards on SQLite (tables remade with
# foreign keys off) leaves the file database so that the next transactional test on the
# same worker fails with "FOREIGN KEY constraint failed"; CI runs it on PostgreSQL.
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_the_vog_dates_into_items(settings):
    settings.DEMO_MODE = True
    home_page()  # the site the demo builds on, if an earlier test flushed it
    call_command("demo_content", verbosity=0)
    records = {
        v.pk: (v.vog_requested_on, v.vog_received_on, v.introduction_course_completed_on, v.status)
        for v in Volunteer.objects.all()
    }
    assert any(dates[1] for dates in records.values())  # the demo has received VOGs

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # back: the items and types are gone
    try:
        assert not ChecklistItem.objects.exists() and not ChecklistItemType.objects.exists()
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)
        _check_items(records)
    finally:
        # Forward to the latest state again: a later screening migration left unapplied
        # (its table missing) breaks every test after this one on the same database.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


def _check_items(records) -> None:

    assert ChecklistItemType.objects.filter(branch=None).count() == 5
    vog_items = {i.volunteer_id: i for i in ChecklistItem.objects.filter(item_type__key="vog")}
    course_items = {
        i.volunteer_id: i for i in ChecklistItem.objects.filter(item_type__key="introductiecursus")
    }
    intake_items = {
        i.volunteer_id: i for i in ChecklistItem.objects.filter(item_type__key="intake")
    }
    for pk, (requested, received, course, status) in records.items():
        if requested or received:
            item = vog_items[pk]
            assert (item.requested_on, item.done_on) == (requested, received)
            if received:
                assert item.expires_on == received.replace(year=received.year + 3) or (
                    received.month == 2 and received.day == 29
                )
        else:
            assert pk not in vog_items
        assert (course_items[pk].done_on if pk in course_items else None) == course
        if status in (VolunteerStatus.VOG_REQUESTED, VolunteerStatus.ACTIVE):
            assert intake_items[pk].done_on <= datetime.date.today()
        if status == VolunteerStatus.APPLIED:
            assert pk not in intake_items
