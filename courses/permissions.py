"""Who may see what of a course. Read only."""

from __future__ import annotations

from courses.models import CourseEnrolment, CoursePage, EnrolmentStatus
from portal.permissions import coordinates_branch


def coordinates_course(user, course: CoursePage) -> bool:
    """A coordinator of the course's branch, or national staff."""
    return coordinates_branch(user, course.branch_id)


def is_participant(user, course: CoursePage) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return CourseEnrolment.objects.filter(
        offering=course, volunteer__user=user, status=EnrolmentStatus.ENROLLED
    ).exists()


def can_see_material(user, course: CoursePage) -> bool:
    return is_participant(user, course) or coordinates_course(user, course)
