"""A branch with something on every panel of the admin home, at a chosen size.

`fill_branch(branch, size=1)` gives one of each; `size=3` three times as many people,
sessions, courses and referrals, so a test can check that the home's query count does
not grow with them. Dates are relative to `timezone.now()`: freeze the clock first.
"""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from courses.models import Attendance as CourseAttendance
from courses.models import CourseEnrolment, EnrolmentStatus
from intervision.models import Attendance, IntervisionSession, Rsvp, ThemeMeeting
from intervision.recurrence import aware
from newsletter.models import Send, SendStatus
from portal.models import DeletionRequest, VolunteerStatus
from support.referrals.models import Referral
from tests.courses.factories import make_course
from tests.intervision.factories import IntervisionGroupFactory
from tests.newsletter.factories import make_newsletter
from tests.portal.factories import VolunteerFactory

_references = itertools.count(1)


def monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def fill_branch(branch, *, size: int = 1) -> dict:
    """Everything the panels count, `size` times over; returns the main objects."""
    from tests.migrated_data import ensure_home_start_checklist

    ensure_home_start_checklist()  # an earlier transactional test may have flushed it
    now = timezone.now()
    today = timezone.localdate(now)
    made: dict = {"branch": branch}

    made["applied"] = [
        VolunteerFactory(branch=branch, status=VolunteerStatus.APPLIED) for _ in range(size)
    ]
    made["stuck"] = [
        VolunteerFactory(
            branch=branch,
            status=VolunteerStatus.VOG_REQUESTED,
            vog_requested_on=today - datetime.timedelta(weeks=6),
            status_changed_at=now - datetime.timedelta(weeks=6),
        )
        for _ in range(size)
    ]
    for volunteer in made["stuck"]:
        DeletionRequest.objects.create(volunteer=volunteer, note="Graag alles wissen.")
    made["referrals"] = [
        Referral.objects.create(
            reference=f"HS-T{next(_references):05d}",
            kind="referrer",
            branch=branch,
            referrer_category="youth_health_care",
            municipality="Utrecht",
            family_name="Familie Geheim",
            received_at=now - datetime.timedelta(days=4 + number),
        )
        for number in range(size)
    ]

    active = [
        VolunteerFactory(branch=branch, status=VolunteerStatus.ACTIVE) for _ in range(size + 2)
    ]
    made["active"] = active

    # A coming course with places, and a course under way whose attendance is open.
    made["coming_courses"] = []
    made["running_courses"] = []
    for number in range(size):
        coming = make_course(
            branch,
            title=f"Introductiecursus {branch.slug} {number}",
            first_date=monday(today) + datetime.timedelta(days=8 + number),
            capacity=len(active) + 1,
        )
        running = make_course(
            branch,
            title=f"Training {branch.slug} {number}",
            kind="training",
            first_date=today - datetime.timedelta(days=14),
            every=datetime.timedelta(days=7),
        )
        for volunteer in active:
            CourseEnrolment.objects.create(
                offering=coming,
                volunteer=volunteer,
                status=EnrolmentStatus.ENROLLED,
                enrolled_at=now,
            )
            CourseEnrolment.objects.create(
                offering=running,
                volunteer=volunteer,
                status=EnrolmentStatus.ENROLLED,
                enrolled_at=now,
            )
        first_session = running.sessions.order_by("date").first()
        first_enrolment = running.enrolments.order_by("pk").first()
        second_enrolment = running.enrolments.order_by("pk")[1]
        CourseAttendance.objects.create(
            enrolment=first_enrolment, session=first_session, status="present"
        )
        CourseAttendance.objects.create(
            enrolment=second_enrolment, session=first_session, status="absent"
        )
        made["coming_courses"].append(coming)
        made["running_courses"].append(running)

    # Intervision: a session this week with answers, held sessions without attendance,
    # and a member who missed the last three.
    group = IntervisionGroupFactory(
        branch=branch, name=f"Groep {branch.slug} {next(_references)}", members=active
    )
    made["group"] = group
    this_week = IntervisionSession.objects.create(
        group=group,
        start=aware(monday(today) + datetime.timedelta(days=7), datetime.time(9, 30)),
        end=aware(monday(today) + datetime.timedelta(days=7), datetime.time(11, 30)),
    )
    Rsvp.objects.create(session=this_week, volunteer=active[0], answer="yes")
    Rsvp.objects.create(session=this_week, volunteer=active[1], answer="no")
    made["session_this_week"] = this_week
    made["unrecorded"] = []
    for number in range(size):
        day = today - datetime.timedelta(days=3 + number)
        made["unrecorded"].append(
            IntervisionSession.objects.create(
                group=group,
                start=aware(day, datetime.time(9, 30)),
                end=aware(day, datetime.time(11, 30)),
            )
        )
    for weeks in (12, 11, 10):
        day = today - datetime.timedelta(weeks=weeks)
        held = IntervisionSession.objects.create(
            group=group,
            start=aware(day, datetime.time(9, 30)),
            end=aware(day, datetime.time(11, 30)),
        )
        Attendance.objects.bulk_create(
            Attendance(session=held, volunteer=volunteer, present=volunteer != active[-1])
            for volunteer in active
        )
    made["absentee"] = active[-1]

    meeting = ThemeMeeting.objects.create(
        title=f"Themabijeenkomst {branch.slug}",
        branch=branch,
        starts_at=aware(monday(today) + datetime.timedelta(days=9), datetime.time(19, 0)),
        ends_at=aware(monday(today) + datetime.timedelta(days=9), datetime.time(21, 30)),
        capacity=30,
        open_to_all_branches=True,
    )
    made["meeting"] = meeting

    made["sends"] = []
    for number in range(size):
        page = make_newsletter(branches=[branch], title=f"Nieuwsbrief {branch.slug} {number}")
        made["sends"].append(
            Send.objects.create(
                page=page,
                subject=page.subject,
                status=SendStatus.SENDING,
                scheduled_at=now,
                started_at=now,
                total=10,
            )
        )
    _fill_screening(made, today)
    return made


def _fill_screening(made: dict, today: datetime.date) -> None:
    """An expiring VOG and a supervision talk due for each active volunteer."""
    from portal.screening.models import ChecklistItem, SupervisionKind, SupervisionPlan
    from portal.screening.services import effective_type

    vog = effective_type(made["branch"].pk, "vog")
    for number, volunteer in enumerate(made["active"]):
        ChecklistItem.objects.create(
            volunteer=volunteer,
            item_type=vog,
            done_on=today - datetime.timedelta(days=3 * 365 - 20 - number),
            expires_on=today + datetime.timedelta(days=20 + number),
        )
        SupervisionPlan.objects.create(
            volunteer=volunteer,
            kind=SupervisionKind.YEARLY,
            due_on=today + datetime.timedelta(days=number),
        )
