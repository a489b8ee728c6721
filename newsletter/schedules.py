"""The django-q2 schedule of the newsletter: every minute, start sends that are due and
queue again any batch whose task was lost (a killed worker, a restarted broker).

Brought in line after every migrate, like the other parts' schedules.
"""

from __future__ import annotations

RESUME_SCHEDULE = "newsletter: start due sends and resume unfinished ones"
RESUME_TASK = "newsletter.tasks.resume_sends"


def ensure_schedules(*, using: str = "default") -> None:
    from django_q.models import Schedule

    Schedule.objects.using(using).update_or_create(
        name=RESUME_SCHEDULE,
        defaults={
            "func": RESUME_TASK,
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )
