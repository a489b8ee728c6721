"""The django-q2 schedule of the newsletter: every minute (sooner when a batch is due),
queue one `resume_sends`, which starts sends that are due and queues again any batch
that must go on (a retry due, a holder that died, a task lost with a restarted broker).

Brought in line after every migrate, like the other parts' schedules.
"""

from __future__ import annotations

RESUME_SCHEDULE = "newsletter: start due sends and resume unfinished ones"
RESUME_TASK = "newsletter.tasks.request_resume"


def ensure_schedules(*, using: str = "default") -> None:
    from django_q.models import Schedule

    Schedule.objects.using(using).update_or_create(
        name=RESUME_SCHEDULE,
        defaults={
            "func": RESUME_TASK,
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
            # On the site's cluster, never behind a batch: it only queues a resume.
            "cluster": None,
        },
    )
