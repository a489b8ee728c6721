"""Recurrence rules a coordinator can set without knowing RFC 5545.

The admin offers two kinds of rule ("every second Tuesday of the month", "every 6 weeks
on Thursday"). They are stored as an RFC 5545 RRULE and expanded with dateutil in
Europe/Amsterdam wall-clock time: the rule runs over naive local date-times and each
occurrence is made aware afterwards, so 9:30 stays 9:30 across daylight-saving changes.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class RuleKind(models.TextChoices):
    MONTHLY_NTH_WEEKDAY = "monthly", _("elke zoveelste weekdag van de maand")
    EVERY_N_WEEKS = "weekly", _("om de zoveel weken op een weekdag")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("maandag")
    TUESDAY = 1, _("dinsdag")
    WEDNESDAY = 2, _("woensdag")
    THURSDAY = 3, _("donderdag")
    FRIDAY = 4, _("vrijdag")
    SATURDAY = 5, _("zaterdag")
    SUNDAY = 6, _("zondag")


class NthWeekday(models.IntegerChoices):
    FIRST = 1, _("eerste")
    SECOND = 2, _("tweede")
    THIRD = 3, _("derde")
    FOURTH = 4, _("vierde")
    LAST = -1, _("laatste")


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def build_rrule(
    *,
    kind: str,
    weekday: int,
    nth: int | None = None,
    interval_weeks: int | None = None,
    until: datetime.date | None = None,
) -> str:
    """The RRULE value (without the "RRULE:" name) for one of the two kinds of rule."""
    day = WEEKDAY_CODES[weekday]
    if kind == RuleKind.MONTHLY_NTH_WEEKDAY:
        if nth not in (1, 2, 3, 4, -1):
            raise ValueError(f"nth must be 1-4 or -1, not {nth!r}")
        parts = ["FREQ=MONTHLY", f"BYDAY={nth}{day}"]
    elif kind == RuleKind.EVERY_N_WEEKS:
        if not interval_weeks or interval_weeks < 1:
            raise ValueError(f"interval_weeks must be at least 1, not {interval_weeks!r}")
        parts = ["FREQ=WEEKLY", f"INTERVAL={interval_weeks}", f"BYDAY={day}"]
    else:
        raise ValueError(f"unknown rule kind {kind!r}")
    if until is not None:
        # Floating local time: the rule itself runs in wall-clock time.
        parts.append(f"UNTIL={until:%Y%m%d}T235959")
    return ";".join(parts)


def expand(
    rrule: str,
    *,
    start_date: datetime.date,
    start_time: datetime.time,
    window_end: datetime.date,
) -> list[datetime.date]:
    """The dates on which `rrule` (with DTSTART on `start_date` at `start_time`) occurs,
    up to and including `window_end`."""
    dtstart = datetime.datetime.combine(start_date, start_time)
    rule = rrulestr(rrule, dtstart=dtstart)
    limit = datetime.datetime.combine(window_end, datetime.time.max)
    return [occurrence.date() for occurrence in rule.between(dtstart, limit, inc=True)]


def aware(date: datetime.date, time: datetime.time) -> datetime.datetime:
    """`date` at wall-clock `time` in Europe/Amsterdam."""
    return datetime.datetime.combine(date, time, tzinfo=local_zone())


def describe(*, kind: str, weekday: int, nth: int | None, interval_weeks: int | None) -> str:
    """The rule in words, for the admin and the group page."""
    day = Weekday(weekday).label
    if kind == RuleKind.MONTHLY_NTH_WEEKDAY:
        return str(_("elke %(nth)s %(day)s van de maand")) % {
            "nth": NthWeekday(nth).label,
            "day": day,
        }
    if interval_weeks == 1:
        return str(_("elke %(day)s")) % {"day": day}
    return str(_("om de %(n)s weken op %(day)s")) % {"n": interval_weeks, "day": day}
