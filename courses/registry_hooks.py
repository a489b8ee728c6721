"""How `courses` plugs into `portal` (portal/registry.py), called from CoursesConfig.ready():
role permissions, demo content, agenda items, upcoming events, Mijn Home-Start, the
volunteer's admin record and their personal data download."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.registry import (
    COORDINATOR,
    AgendaItem,
    MijnSection,
    UpcomingEvent,
    register_agenda_provider,
    register_demo_builder,
    register_mijn_section,
    register_personal_data_exporter,
    register_role_permissions,
    register_scale_seeder,
    register_upcoming_events_provider,
    register_volunteer_record_section,
)

ROLE_PERMISSIONS = [
    "courses.view_courseenrolment",
    "courses.change_courseenrolment",
    "courses.view_attendance",
    "courses.change_attendance",
]

STATUS_LABELS = {
    "enrolled": gettext_lazy("ingeschreven"),
    "waitlisted": gettext_lazy("op de wachtlijst"),
    "scheduled": gettext_lazy("gepland"),
}


def agenda_items(*, volunteer_id=None, branch_ids=None, start, end) -> list[AgendaItem]:
    """Course sessions in [start, end): a volunteer's own (enrolled or waitlisted), or
    every session of the given branches. Two queries at most."""
    from courses.models import CourseEnrolment, CourseSession, EnrolmentStatus

    sessions = CourseSession.objects.filter(
        course__live=True,
        date__gte=timezone.localtime(start).date() - datetime.timedelta(days=1),
        date__lte=timezone.localtime(end).date(),
    ).select_related("course")
    status_of: dict[int, str] = {}
    if volunteer_id is not None:
        enrolments = CourseEnrolment.objects.filter(
            volunteer_id=volunteer_id,
            status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED],
        ).values_list("offering_id", "status")
        status_of = dict(enrolments)
        sessions = sessions.filter(course_id__in=list(status_of))
    else:
        sessions = sessions.filter(course__branch_id__in=list(branch_ids or []))
    items = []
    for session in sessions:
        if not (session.starts_at < end and session.ends_at > start):
            continue
        course = session.course
        status = status_of.get(course.pk, "scheduled")
        items.append(
            AgendaItem(
                uid=session.uid,
                kind="course_session",
                title=f"{course.title}: {session.topic}",
                start=session.starts_at,
                end=session.ends_at,
                status=status,
                status_label=str(STATUS_LABELS[status]),
                cancelled=session.is_cancelled or course.is_cancelled,
                moved=session.sequence > 0 and not session.is_cancelled,
                location=course.venue,
                url=course.url or "",
                sequence=session.sequence,
                updated_at=session.changed_at,
                branch_id=course.branch_id,
                kind_label=capfirst(course.get_kind_display()),
            )
        )
    return items


def upcoming_events(*, branch_ids=None, limit: int) -> list[UpcomingEvent]:
    """Courses still to start, with places left. One query."""
    from courses.models import CourseKind, CoursePage

    now = timezone.now()
    courses = CoursePage.objects.upcoming(now).select_related("branch")
    if branch_ids is not None:
        courses = courses.filter(branch_id__in=branch_ids)
    courses = courses.filter(first_session_date__gte=timezone.localdate(now)).order_by(
        "first_session_date", "pk"
    )[:limit]
    events = []
    for course in courses.prefetch_related("sessions"):
        starts, ends = course.offering_starts_at(), course.offering_ends_at()
        if starts is None or starts < now:
            continue
        events.append(
            UpcomingEvent(
                kind="course" if course.kind == CourseKind.INTRODUCTION else "training",
                title=course.title,
                start=starts,
                end=ends,
                url=course.url or "",
                branch_name=course.branch.name,
                venue=course.venue,
                places_left=course.places_left(),
            )
        )
    return events


def mijn_section(request, volunteer) -> MijnSection | None:
    """My courses: where I stand in each, what I completed, and where to sign up."""
    if volunteer is None:
        return None
    from courses.models import CourseEnrolment, CourseIndexPage, EnrolmentStatus

    enrolments = list(
        CourseEnrolment.objects.filter(volunteer=volunteer)
        .exclude(status=EnrolmentStatus.CANCELLED)
        .select_related("offering")
        .order_by("-created_at")
    )
    positions = {}
    waitlisted = [e for e in enrolments if e.is_waitlisted]
    if waitlisted:
        ahead = CourseEnrolment.objects.filter(
            status=EnrolmentStatus.WAITLISTED,
            offering_id__in=[e.offering_id for e in waitlisted],
        ).values_list("offering_id", "waitlist_number")
        for enrolment in waitlisted:
            positions[enrolment.pk] = 1 + sum(
                1
                for offering_id, number in ahead
                if offering_id == enrolment.offering_id and number < enrolment.waitlist_number
            )
    overview = CourseIndexPage.objects.live().filter(branch_id=volunteer.branch_id).first()
    return MijnSection(
        title=_("Mijn cursussen"),
        template="courses/mijn_section.html",
        context={
            "enrolments": [(e, positions.get(e.pk)) for e in enrolments],
            "introduction_completed_on": volunteer.introduction_course_completed_on,
            "overview": overview,
        },
    )


def volunteer_record_section(volunteer) -> dict | None:
    from courses.models import CourseEnrolment

    enrolments = CourseEnrolment.objects.filter(volunteer=volunteer).select_related("offering")
    rows = []
    for enrolment in enrolments.order_by("-created_at"):
        value = str(enrolment.get_status_display())
        if enrolment.completed_on:
            value = _("afgerond op %(date)s") % {"date": f"{enrolment.completed_on:%d-%m-%Y}"}
        rows.append((enrolment.offering.title, value))
    if not rows:
        return None
    return {"title": _("Cursussen"), "rows": rows}


def personal_data(volunteer) -> dict:
    from courses.models import Attendance, CourseEnrolment

    enrolments = CourseEnrolment.objects.filter(volunteer=volunteer).select_related("offering")
    attendance: dict[int, list[dict]] = {}
    for record in Attendance.objects.filter(enrolment__volunteer=volunteer).select_related(
        "session", "made_up_in"
    ):
        attendance.setdefault(record.enrolment_id, []).append(
            {
                "session": record.session.date.isoformat(),
                "topic": record.session.topic,
                "status": record.status,
                "made_up_on": record.made_up_in.date.isoformat() if record.made_up_in else None,
            }
        )

    def iso(value):
        return value.isoformat() if value else None

    return {
        "courses": [
            {
                "course": enrolment.offering.title,
                "status": enrolment.status,
                "signed_up_at": iso(enrolment.created_at),
                "enrolled_at": iso(enrolment.enrolled_at),
                "waitlisted_at": iso(enrolment.waitlisted_at),
                "cancelled_at": iso(enrolment.cancelled_at),
                "completed_on": iso(enrolment.completed_on),
                "attendance": sorted(attendance.get(enrolment.pk, []), key=lambda a: a["session"]),
            }
            for enrolment in enrolments.order_by("created_at")
        ]
    }


def build_demo(stdout=None) -> None:
    from courses.demo import build_courses_demo

    build_courses_demo(stdout)


def seed_scale(context) -> None:
    from courses.scale import seed_courses

    seed_courses(context)


def register() -> None:
    register_role_permissions(COORDINATOR, ROLE_PERMISSIONS)
    register_agenda_provider(agenda_items)
    register_upcoming_events_provider(upcoming_events)
    register_mijn_section(mijn_section, order=20)
    register_volunteer_record_section(volunteer_record_section)
    register_personal_data_exporter(personal_data)
    register_demo_builder("courses", build_demo, order=40)
    register_scale_seeder("courses", seed_scale, order=40)
