"""A course's sessions as an iCalendar file: one VEVENT per session.

Each session keeps its UID for life (its id), its SEQUENCE rises whenever its date,
time or status changes, and a cancelled session (or every session of a cancelled
course) is sent as STATUS:CANCELLED, so calendars that imported the file earlier update
the event instead of adding a second one. Times are Europe/Amsterdam wall-clock with a
VTIMEZONE limited to the course's own years (see STACK.md: vobject misreads the
default 1970-2038 one).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from icalendar import Calendar, Event

PRODID = "-//Home-Start//Portal cursussen//NL"


@dataclass(frozen=True)
class CalendarSession:
    uid: str
    summary: str
    start: datetime.datetime  # aware, Europe/Amsterdam
    end: datetime.datetime
    sequence: int
    cancelled: bool
    location: str = ""
    description: str = ""
    url: str = ""
    changed_at: datetime.datetime | None = None


def build_course_calendar(
    sessions: Iterable[CalendarSession], *, uid: str, name: str, now: datetime.datetime
) -> bytes:
    """The .ics bytes for these sessions. Pure: no queries."""
    sessions = list(sessions)
    calendar = Calendar.new(prodid=PRODID, uid=uid, name=name, method="PUBLISH")
    for session in sessions:
        event = Event.new(
            uid=session.uid,
            start=session.start,
            end=session.end,
            summary=session.summary,
            stamp=now,
            sequence=session.sequence,
            status="CANCELLED" if session.cancelled else "CONFIRMED",
            location=session.location or None,
            description=session.description or None,
            url=session.url or None,
            last_modified=session.changed_at,
        )
        calendar.add_component(event)
    if sessions:
        first = min(session.start for session in sessions).date().replace(month=1, day=1)
        last = max(session.end for session in sessions).date().replace(month=12, day=31)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()


def course_calendar(course, *, now: datetime.datetime, base_url: str = "") -> bytes:
    """The .ics of one course (its sessions prefetched or not: one query either way)."""
    location = ", ".join(
        part for part in [course.venue, " ".join(course.venue_address.split())] if part
    )
    url = base_url + course.url if base_url and course.url else ""
    return build_course_calendar(
        (
            CalendarSession(
                uid=session.uid,
                summary=f"{course.title}: {session.topic}",
                start=session.starts_at,
                end=session.ends_at,
                sequence=session.sequence,
                cancelled=session.is_cancelled or course.is_cancelled,
                location=location,
                url=url,
                changed_at=session.changed_at,
            )
            for session in course.session_list
        ),
        uid=f"course-{course.pk}@home-start-portal",
        name=course.title,
        now=now,
    )
