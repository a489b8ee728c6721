"""The django-q2 schedule that sends the reminders the day before each session.

Hourly, so a cluster that was down at COURSES_REMINDER_HOUR catches up within the hour; the
reminder ledger (SessionReminder) makes every run after the first send nothing twice.
"""

import datetime

from django.db import migrations
from django.utils import timezone

NAME = "courses: reminders the day before each session"
FUNC = "courses.tasks.send_session_reminders"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    next_hour = timezone.now().replace(minute=5, second=0, microsecond=0) + datetime.timedelta(
        hours=1
    )
    Schedule.objects.using(schema_editor.connection.alias).update_or_create(
        name=NAME,
        defaults={"func": FUNC, "schedule_type": "H", "repeats": -1, "next_run": next_hour},
    )


def remove_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.using(schema_editor.connection.alias).filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
