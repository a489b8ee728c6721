from courses.models.courses import (
    INTRODUCTION_TOPICS,
    Attendance,
    AttendanceStatus,
    CourseDocument,
    CourseEnrolment,
    CourseIndexPage,
    CourseKind,
    CoursePage,
    CourseSession,
    SessionReminder,
)
from courses.models.enrolment import Enrolment, EnrolmentStatus, Offering

__all__ = [
    "INTRODUCTION_TOPICS",
    "Attendance",
    "AttendanceStatus",
    "CourseDocument",
    "CourseEnrolment",
    "CourseIndexPage",
    "CourseKind",
    "CoursePage",
    "CourseSession",
    "Enrolment",
    "EnrolmentStatus",
    "Offering",
    "SessionReminder",
]
