"""Models of `intervision`, by kind; everything is re-exported here."""

from intervision.models.groups import IntervisionGroup, SessionSeries, SkipPeriod
from intervision.models.sessions import (
    Attendance,
    IntervisionSession,
    Rsvp,
    RsvpAnswer,
    SessionNote,
    SessionStatus,
)
from intervision.models.themes import ThemeMeeting, ThemeMeetingEnrolment

__all__ = [
    "Attendance",
    "IntervisionGroup",
    "IntervisionSession",
    "Rsvp",
    "RsvpAnswer",
    "SessionNote",
    "SessionSeries",
    "SessionStatus",
    "SkipPeriod",
    "ThemeMeeting",
    "ThemeMeetingEnrolment",
]
