"""The period a report covers: whole months in Europe/Amsterdam, both ends included.

No date finer than a month: a report over one day (or one week) would give that day's
new referrals, and with them who was referred. A period therefore always runs from the
first day of a month to the last day of a month; a year is twelve months.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format


def last_day(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Period:
    start: datetime.date  # the first day of a month
    end: datetime.date  # the last day of a month, included

    def __post_init__(self) -> None:
        if self.start.day != 1 or self.end != last_day(self.end.year, self.end.month):
            raise ValueError("a report period is whole months")
        if self.end < self.start:
            raise ValueError("a report period ends after it starts")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def months(cls, first: tuple[int, int], last: tuple[int, int]) -> Period:
        """From the first day of month `first` (year, month) to the last of `last`."""
        return cls(datetime.date(first[0], first[1], 1), last_day(*last))

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
        return (self.start.month, self.end.month) == (1, 12) and self.start.year == self.end.year

    @property
    def label(self) -> str:
        """'2026' for a calendar year, 'maart 2026' for one month, else
        'maart 2026 – augustus 2026' (Dutch)."""
        if self.is_calendar_year:
            return str(self.start.year)
        first = date_format(self.start, "F Y")
        if (self.start.year, self.start.month) == (self.end.year, self.end.month):
            return first
        return f"{first} – {date_format(self.end, 'F Y')}"
