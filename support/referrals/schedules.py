"""The django-q2 schedule of referrals: erase expired personal data once a night.

Brought in line after every migrate (like the role groups), so a fresh database and
a deployment both have it without a separate command.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

RETENTION_SCHEDULE = "referrals: erase personal data after the retention period"
RETENTION_TASK = "support.referrals.tasks.erase_expired_referrals"


def _next_night(now: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(now)
    tomorrow = local.date() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(3, 15)))


def ensure_schedules(*, using: str = "default") -> None:
    from django_q.models import Schedule

    schedule, created = Schedule.objects.using(using).get_or_create(
        name=RETENTION_SCHEDULE,
        defaults={
            "func": RETENTION_TASK,
            "schedule_type": Schedule.DAILY,
            "repeats": -1,
            "next_run": _next_night(timezone.now()),
        },
    )
    if not created and (schedule.func, schedule.schedule_type) != (RETENTION_TASK, Schedule.DAILY):
        schedule.func, schedule.schedule_type, schedule.repeats = RETENTION_TASK, Schedule.DAILY, -1
        schedule.save(using=using)
