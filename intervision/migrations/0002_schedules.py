"""The django-q2 schedules of intervision: the weekly absence digest to coordinators,
the daily invitations, and the daily move of every series' horizon."""

import datetime
from zoneinfo import ZoneInfo

from django.db import migrations

SCHEDULES = [
    # (name, func, schedule type, weekday (0 = Monday) or None, local time)
    (
        "intervision: weekly digest of volunteers who missed three sessions",
        "intervision.tasks.queue_absence_digests",
        "W",
        0,
        datetime.time(7, 0),
    ),
    (
        "intervision: invite members to the sessions of the next two weeks",
        "intervision.tasks.invite_upcoming_sessions",
        "D",
        None,
        datetime.time(6, 30),
    ),
    (
        "intervision: extend every series a day further ahead",
        "intervision.tasks.extend_all_series",
        "D",
        None,
        datetime.time(3, 30),
    ),
]


def _first_run(weekday, at):
    zone = ZoneInfo("Europe/Amsterdam")
    now = datetime.datetime.now(zone)
    day = now.date() + datetime.timedelta(days=1)
    if weekday is not None:
        day += datetime.timedelta(days=(weekday - day.weekday()) % 7)
    return datetime.datetime.combine(day, at, tzinfo=zone)


def create_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    db = schema_editor.connection.alias
    for name, func, kind, weekday, at in SCHEDULES:
        Schedule.objects.using(db).update_or_create(
            name=name,
            defaults={
                "func": func,
                "schedule_type": kind,
                "repeats": -1,
                "next_run": _first_run(weekday, at),
            },
        )


def remove_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    names = [name for name, *_rest in SCHEDULES]
    Schedule.objects.using(schema_editor.connection.alias).filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("intervision", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
