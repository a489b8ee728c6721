"""The django-q2 schedules of the support route: the weekly "Was je deze week bij het
gezin?" e-mail (Friday afternoon) and the nightly erasure of family details on matches
whose referral has been erased (after the referrals' retention run at 03:15)."""

import datetime
from zoneinfo import ZoneInfo

from django.db import migrations

SCHEDULES = [
    # (name, func, schedule type, weekday (0 = Monday) or None, local time)
    (
        "support: ask volunteers whether they visited their family this week",
        "support.tasks.queue_weekly_visit_questions",
        "W",
        4,
        datetime.time(16, 0),
    ),
    (
        "support: erase family details on matches of erased referrals",
        "support.tasks.erase_family_details",
        "D",
        None,
        datetime.time(3, 45),
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
        ("support", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
