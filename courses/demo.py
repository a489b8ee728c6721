"""Demo courses, built through the services: per demo branch an upcoming introduction
course with enrolments, the first branch's one full with a waitlist, and a later
training. Safe to run twice."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from wagtail.models import Site

from courses import services
from courses.models import (
    INTRODUCTION_TOPICS,
    CourseIndexPage,
    CourseKind,
    CoursePage,
    CourseSession,
)
from portal.models import Branch, Volunteer, VolunteerStatus


def _next_weekday(start: datetime.date, weekday: int) -> datetime.date:
    return start + datetime.timedelta(days=(weekday - start.weekday()) % 7)


def _month_and_year(day: datetime.date) -> str:
    """ "januari 2027": month names from Django's Dutch locale (strftime's %B is English)."""
    with translation.override("nl"):
        return date_format(day, "F Y")


def _publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _course(index, branch, *, title, slug, kind, first, topics, capacity, start, end):
    course = CoursePage(
        title=title,
        slug=slug,
        branch=branch,
        kind=kind,
        capacity=capacity,
        signup_closes_on=first - datetime.timedelta(days=3),
        trainers="Trainers van " + branch.name,
        venue="Buurthuis De Linde",
        venue_address=f"Lindelaan 1\n{branch.name.replace('Home-Start ', '')}",
    )
    course.sessions = [
        CourseSession(
            date=first + datetime.timedelta(weeks=number),
            start_time=start,
            end_time=end,
            topic=str(topic),
        )
        for number, topic in enumerate(topics)
    ]
    index.add_child(instance=course)
    return _publish(course)


@transaction.atomic
def build_courses_demo(stdout=None) -> None:
    if CoursePage.objects.exists():
        return
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return
    home = site.root_page.specific
    today = timezone.localdate()
    for number, branch in enumerate(Branch.objects.order_by("name")):
        index = CourseIndexPage(
            title=f"Cursussen {branch.name}",
            slug=f"cursussen-{branch.slug}",
            branch=branch,
            # Reached from the branch's page and the volunteering page, not the main menu.
            show_in_menus=False,
        )
        home.add_child(instance=index)
        _publish(index)
        first = _next_weekday(today + datetime.timedelta(days=21 + 7 * number), 1)
        full = number == 0
        volunteers = list(
            Volunteer.objects.filter(branch=branch)
            .exclude(status=VolunteerStatus.STOPPED)
            .filter(introduction_course_completed_on__isnull=True)
            .order_by("pk")
        )
        intro = _course(
            index,
            branch,
            title=f"Introductiecursus {_month_and_year(first)}",
            slug=f"introductiecursus-{first:%Y-%m}",
            kind=CourseKind.INTRODUCTION,
            first=first,
            topics=INTRODUCTION_TOPICS,
            capacity=min(2, len(volunteers) - 1) if full and len(volunteers) > 2 else 12,
            start=datetime.time(9, 30),
            end=datetime.time(12, 30),
        )
        signup_time = timezone.now()
        for volunteer in volunteers[:4]:
            services.enrol_volunteer(offering=intro, volunteer=volunteer, now=signup_time)
        _course(
            index,
            branch,
            title="Training interculturele communicatie",
            slug="training-interculturele-communicatie",
            kind=CourseKind.TRAINING,
            first=first + datetime.timedelta(weeks=10),
            topics=["Cultuur en opvoeding", "In gesprek zonder gemeenschappelijke taal"],
            capacity=16,
            start=datetime.time(19, 30),
            end=datetime.time(21, 30),
        )
    if stdout is not None:
        stdout.write("courses: demo courses added")
