"""Sign-up and cancellation on the course page, and the course's calendar file."""

from __future__ import annotations


def course_page_context(request, course) -> dict:
    return {}
