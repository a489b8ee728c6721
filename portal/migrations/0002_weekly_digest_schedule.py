"""The django-q2 schedule of the coordinators' weekly digest: Monday 7:00, Europe/Amsterdam."""

import datetime
from zoneinfo import ZoneInfo

from django.db import migrations

NAME = "portal: weekly digest to the coordinators of each branch"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    zone = ZoneInfo("Europe/Amsterdam")
    day = datetime.datetime.now(zone).date() + datetime.timedelta(days=1)
    day += datetime.timedelta(days=(0 - day.weekday()) % 7)
    Schedule.objects.using(schema_editor.connection.alias).update_or_create(
        name=NAME,
        defaults={
            "func": "portal.tasks.queue_weekly_digests",
            "schedule_type": "W",
            "repeats": -1,
            "next_run": datetime.datetime.combine(day, datetime.time(7, 0), tzinfo=zone),
        },
    )


def remove_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.using(schema_editor.connection.alias).filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
