"""The courses of `manage.py seed_scale`: introduction courses and trainings over two
years in every branch, with enrolments (never more than the places), a waitlist on full
upcoming ones, and attendance for the sessions held (see portal/scale.py)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from wagtail.models import Page, Revision, Site

from courses.models import (
    INTRODUCTION_TOPICS,
    Attendance,
    AttendanceStatus,
    CourseEnrolment,
    CourseIndexPage,
    CourseKind,
    CoursePage,
    CourseSession,
)
from courses.models.enrolment import EnrolmentStatus
from courses.permissions import course_page_permissions_deferred
from portal.models import VolunteerStatus
from portal.scale import BATCH, ScaleContext

S = VolunteerStatus
TRAINING_TOPICS = ["Cultuur en opvoeding", "In gesprek zonder gemeenschappelijke taal"]


def _index_for(branch, home) -> CourseIndexPage:
    index = CourseIndexPage.objects.filter(branch=branch).first()
    if index is None:
        index = CourseIndexPage(
            title=f"Cursussen {branch.name}",
            slug=f"cursussen-{branch.slug}",
            branch=branch,
            show_in_menus=False,
        )
        home.add_child(instance=index)
    return index


def seed_courses(context: ScaleContext) -> None:
    # Each new course overview page would walk every overview page for its permissions.
    with course_page_permissions_deferred():
        _seed_courses(context)
    # Once for every course page added live (what publishing each would have done).
    from portal.agenda.cache import agenda_changed

    agenda_changed()


def _add_live(index: CourseIndexPage, course: CoursePage, now) -> Revision:
    """The course page as `save_revision().publish()` leaves it (live, its revision the
    latest and the live one), in one save instead of three: publishing 120 pages through
    Wagtail, each saved again, logged and signalled, was most of this part's time. The
    revision is returned unsaved; `_link_revisions` writes them all at once."""
    course.live = True
    course.has_unpublished_changes = False
    course.first_published_at = course.last_published_at = now
    course.latest_revision_created_at = now
    course.draft_title = course.title
    index.add_child(instance=course)  # the page and its sessions
    return Revision(
        content_object=course,
        base_content_type=course.get_base_content_type(),
        content=course.serializable_data(),
        object_str=str(course),
        created_at=now,
    )


def _link_revisions(revisions: list[Revision]) -> None:
    created = Revision.objects.bulk_create(revisions, batch_size=BATCH)
    pages = [
        Page(pk=int(revision.object_id), latest_revision=revision, live_revision=revision)
        for revision in created
    ]
    Page.objects.bulk_update(pages, ["latest_revision", "live_revision"], batch_size=BATCH)


def _seed_courses(context: ScaleContext) -> None:
    rng, now, today = context.rng, context.now, context.today
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return
    home = site.root_page
    missing = max(context.size.courses - CoursePage.objects.count(), 0)
    enrolments: list[CourseEnrolment] = []
    held: list[tuple[CourseEnrolment, list[CourseSession], int]] = []
    revisions: list[Revision] = []
    for number in range(missing):
        branch = context.branches[number % len(context.branches)]
        index = _index_for(branch, home)
        intro = number % 3 != 2
        first = today + datetime.timedelta(days=rng.randint(-700, 90))
        first += datetime.timedelta(days=(1 - first.weekday()) % 7)  # a Tuesday
        topics = [str(topic) for topic in INTRODUCTION_TOPICS] if intro else TRAINING_TOPICS
        course = CoursePage(
            title=f"{'Introductiecursus' if intro else 'Training'} {first:%Y-%m-%d}",
            slug=f"scale-{number:04d}",
            branch=branch,
            kind=CourseKind.INTRODUCTION if intro else CourseKind.TRAINING,
            capacity=12 if intro else 16,
            signup_closes_on=first - datetime.timedelta(days=3),
            trainers="Trainers van " + branch.name,
            venue="Buurthuis De Linde",
        )
        course.sessions = [
            CourseSession(
                date=first + datetime.timedelta(weeks=week),
                start_time=datetime.time(9, 30),
                end_time=datetime.time(12, 30),
                topic=topic,
            )
            for week, topic in enumerate(topics)
        ]
        revisions.append(_add_live(index, course, now))
        sessions = list(course.sessions.order_by("date"))
        past = first < today
        if intro:
            statuses = (
                (S.ACTIVE, S.PAUSED, S.STOPPED, S.IN_TRAINING)
                if past
                else (S.APPLIED, S.INTAKE, S.VOG_REQUESTED, S.VOG_RECEIVED, S.IN_TRAINING)
            )
        else:
            statuses = (S.ACTIVE, S.PAUSED)
        candidates = context.volunteers_of(branch.pk, *statuses)
        rng.shuffle(candidates)
        wanted = rng.randint(course.capacity // 2, course.capacity + (0 if past else 4))
        signed_up = now - datetime.timedelta(days=max((today - first).days, 0) + 20)
        for place, volunteer_id in enumerate(candidates[:wanted]):
            waitlisted = place >= course.capacity
            enrolment = CourseEnrolment(
                offering=course,
                volunteer_id=volunteer_id,
                status=EnrolmentStatus.WAITLISTED if waitlisted else EnrolmentStatus.ENROLLED,
                waitlist_number=place - course.capacity + 1 if waitlisted else None,
                created_at=signed_up,
                enrolled_at=None if waitlisted else signed_up,
                waitlisted_at=signed_up if waitlisted else None,
            )
            enrolments.append(enrolment)
            held_sessions = [session for session in sessions if session.date < today]
            if not waitlisted and held_sessions:
                held.append((enrolment, held_sessions, len(sessions)))
    _link_revisions(revisions)
    CourseEnrolment.objects.bulk_create(enrolments, batch_size=BATCH)
    attendance = []
    completed = []
    for enrolment, sessions, total in held:
        coordinator = context.coordinators.get(enrolment.offering.branch_id)
        marks = rng.choices(
            [AttendanceStatus.PRESENT, AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED],
            [88, 6, 6],
            k=len(sessions),
        )
        for session, mark in zip(sessions, marks, strict=True):
            attendance.append(
                Attendance(
                    enrolment=enrolment,
                    session=session,
                    status=mark,
                    recorded_at=timezone.make_aware(
                        datetime.datetime.combine(session.date, datetime.time(13))
                    ),
                    recorded_by=coordinator,
                )
            )
        all_held = len(sessions) == total
        if all_held and all(mark == AttendanceStatus.PRESENT for mark in marks):
            enrolment.completed_on = sessions[-1].date
            completed.append(enrolment)
    Attendance.objects.bulk_create(attendance, batch_size=BATCH)
    CourseEnrolment.objects.bulk_update(completed, ["completed_on"], batch_size=BATCH)
    context.say(
        f"  courses: {missing} new, {len(enrolments)} enrolments, {len(attendance)} attendance"
    )
