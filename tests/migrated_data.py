"""Data the migrations seed, made again for tests that need it.

A transactional test that ran before on the same worker may have flushed the database
without its data coming back (see `tests.pages.factories.home_page`). Tests that read
seeded rows (the screening checklist's Home-Start set, the municipalities) call these
first; each is idempotent and writes only what is missing, through the migration's own
data so the two cannot drift apart.
"""

from __future__ import annotations

from importlib import import_module


def ensure_home_start_checklist() -> None:
    """The national checklist item types of screening migration 0002."""
    from portal.screening.models import ChecklistItemType

    migration = import_module("portal.screening.migrations.0002_home_start_set")
    for key, name, text, order, required, months in migration.HOME_START_SET:
        ChecklistItemType.objects.get_or_create(
            branch=None,
            key=key,
            defaults={
                "name": name,
                "volunteer_text": text,
                "order": order,
                "required_for_active": required,
                "validity_months": months,
                "visible_to_volunteer": True,
            },
        )


def ensure_municipalities() -> None:
    """The municipalities (name and CBS code) of portal migration 0005."""
    from portal.models import Municipality

    migration = import_module("portal.migrations.0005_municipality_seed")
    for code, name in migration.MUNICIPALITIES:
        Municipality.objects.get_or_create(cbs_code=code, defaults={"name": name})


def ensure_screening_schedule() -> None:
    """The daily reminder schedule of screening migration 0002."""
    import datetime

    from django.utils import timezone
    from django_q.models import Schedule

    migration = import_module("portal.screening.migrations.0002_home_start_set")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    Schedule.objects.get_or_create(
        name=migration.NAME,
        defaults={
            "func": migration.FUNC,
            "schedule_type": Schedule.DAILY,
            "repeats": -1,
            "next_run": timezone.make_aware(
                datetime.datetime.combine(tomorrow, datetime.time(7, 15))
            ),
        },
    )


def ensure_migrated_schedule(migration_module: str) -> bool:
    """The django-q2 schedule a data migration makes (its `NAME` and `create_schedule`),
    made again through the migration itself if a flush took it; True if it had to be."""
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection
    from django_q.models import Schedule

    migration = import_module(migration_module)
    if Schedule.objects.filter(name=migration.NAME).exists():
        return False
    migration.create_schedule(apps, SimpleNamespace(connection=connection))
    return True
