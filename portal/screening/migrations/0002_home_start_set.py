"""The Home-Start checklist, the two VOG dates of every volunteer moved into it (with
the intake and the introduction course the records already show), and the daily
reminder schedule.

Forwards only copies; the volunteer's own VOG columns stay as a mirror of the VOG item
(the admin listing and its spreadsheet show them)."""

import datetime

from django.db import migrations
from django.utils import timezone

NAME = "screening: herinneringen (VOG te laat, onderdeel verloopt)"
FUNC = "portal.screening.tasks.send_screening_reminders"

# key, name, text for the volunteer, order, required, validity in months
HOME_START_SET = [
    ("intake", "Intakegesprek", "", 10, True, None),
    ("vog", "VOG (Verklaring Omtrent het Gedrag)", "VOG aanvragen en inleveren", 20, True, 36),
    (
        "overeenkomst",
        "Vrijwilligersovereenkomst getekend",
        "vrijwilligersovereenkomst tekenen",
        30,
        True,
        None,
    ),
    (
        "geheimhouding",
        "Geheimhoudingsverklaring getekend",
        "geheimhoudingsverklaring tekenen",
        40,
        True,
        None,
    ),
    (
        "introductiecursus",
        "Introductiecursus afgerond",
        "introductiecursus volgen",
        50,
        True,
        None,
    ),
]
PAST_INTAKE = {"vog_requested", "vog_received", "in_training", "active", "paused"}


def add_months(day, months):
    import calendar

    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias
    ItemType = apps.get_model("screening", "ChecklistItemType")
    Item = apps.get_model("screening", "ChecklistItem")
    Volunteer = apps.get_model("portal", "Volunteer")
    StatusChange = apps.get_model("portal", "VolunteerStatusChange")
    types = {}
    for key, name, text, order, required, months in HOME_START_SET:
        types[key], _created = ItemType.objects.using(db).get_or_create(
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
    intake_left = {}
    for change in (
        StatusChange.objects.using(db)
        .filter(from_status="intake", to_status__in=PAST_INTAKE)
        .order_by("changed_at")
    ):
        intake_left.setdefault(change.volunteer_id, timezone.localdate(change.changed_at))
    items = []
    for volunteer in Volunteer.objects.using(db).iterator():
        vog = types["vog"]
        if volunteer.vog_requested_on or volunteer.vog_received_on:
            expires = (
                add_months(volunteer.vog_received_on, vog.validity_months)
                if volunteer.vog_received_on and vog.validity_months
                else None
            )
            items.append(
                Item(
                    volunteer_id=volunteer.pk,
                    item_type=vog,
                    requested_on=volunteer.vog_requested_on,
                    done_on=volunteer.vog_received_on,
                    expires_on=expires,
                )
            )
        if volunteer.introduction_course_completed_on:
            items.append(
                Item(
                    volunteer_id=volunteer.pk,
                    item_type=types["introductiecursus"],
                    done_on=volunteer.introduction_course_completed_on,
                )
            )
        if volunteer.pk in intake_left:
            items.append(
                Item(
                    volunteer_id=volunteer.pk,
                    item_type=types["intake"],
                    done_on=intake_left[volunteer.pk],
                )
            )
    Item.objects.using(db).bulk_create(items, ignore_conflicts=True)

    Schedule = apps.get_model("django_q", "Schedule")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    next_run = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(7, 15)))
    Schedule.objects.using(db).update_or_create(
        name=NAME,
        defaults={"func": FUNC, "schedule_type": "D", "repeats": -1, "next_run": next_run},
    )


def backwards(apps, schema_editor):
    db = schema_editor.connection.alias
    apps.get_model("django_q", "Schedule").objects.using(db).filter(name=NAME).delete()
    apps.get_model("screening", "ChecklistItem").objects.using(db).all().delete()
    apps.get_model("screening", "ChecklistItemType").objects.using(db).all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0001_initial"),
        ("portal", "0003_dutch_workflow_names"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
