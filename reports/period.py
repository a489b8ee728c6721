"""The period a report covers: whole days in Europe/Amsterdam, both ends included."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # included

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @property
    def starts_at(self) -> datetime.datetime:
        """The first moment of the period, in the site's time zone."""
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    @property
    def ends_before(self) -> datetime.datetime:
        """The first moment after the period."""
        day_after = self.end + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(day_after, datetime.time.min))

    @property
    def is_calendar_year(self) -> bool:
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (
            1,
            1,
            12,
            31,
        ) and (self.start.year == self.end.year)

    @property
    def label(self) -> str:
        """'2026' for a calendar year, else '1 maart 2026 – 31 augustus 2026' (Dutch)."""
        if self.is_calendar_year:
            return str(self.start.year)
        return f"{date_format(self.start, 'j F Y')} – {date_format(self.end, 'j F Y')}"
