"""Courses for tests: an overview page per branch and course pages under it, added to
the page tree as an editor would, with their sessions."""

from __future__ import annotations

import datetime

from django.utils import timezone

from courses.models import CourseIndexPage, CourseKind, CoursePage, CourseSession
from tests.pages.factories import add, home_page


def course_index(branch, *, title: str | None = None) -> CourseIndexPage:
    existing = CourseIndexPage.objects.filter(branch=branch).first()
    if existing is not None:
        return existing
    return add(
        home_page(),
        CourseIndexPage(
            title=title or f"Cursussen {branch.name}",
            slug=f"cursussen-{branch.slug}",
            branch=branch,
        ),
    )


def make_course(
    branch,
    *,
    title: str = "Introductiecursus voorjaar",
    kind: str = CourseKind.INTRODUCTION,
    capacity: int = 12,
    first_date: datetime.date | None = None,
    sessions: int = 6,
    every: datetime.timedelta = datetime.timedelta(days=7),
    start: datetime.time = datetime.time(9, 30),
    end: datetime.time = datetime.time(12, 30),
    topics: list[str] | None = None,
    signup_opens_on: datetime.date | None = None,
    signup_closes_on: datetime.date | None = None,
    live: bool = True,
    slug: str | None = None,
    **fields,
) -> CoursePage:
    first_date = first_date or timezone.localdate() + datetime.timedelta(days=14)
    topics = topics or [f"Onderwerp {number}" for number in range(1, sessions + 1)]
    index = course_index(branch)
    count = CoursePage.objects.count()
    course = CoursePage(
        title=title,
        slug=slug or f"cursus-{count + 1}",
        branch=branch,
        kind=kind,
        capacity=capacity,
        signup_opens_on=signup_opens_on,
        signup_closes_on=signup_closes_on,
        venue=fields.pop("venue", "Buurthuis De Linde"),
        **fields,
    )
    course.sessions = [
        CourseSession(date=first_date + every * number, start_time=start, end_time=end, topic=topic)
        for number, topic in enumerate(topics[:sessions])
    ]
    return add(index, course, live=live)
