from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from intervision.models import IntervisionGroup, IntervisionSession, SessionSeries, SkipPeriod
from intervision.recurrence import NthWeekday, RuleKind, Weekday, aware
from tests.portal.factories import BranchFactory


class IntervisionGroupFactory(DjangoModelFactory):
    class Meta:
        model = IntervisionGroup
        skip_postgeneration_save = True

    branch = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"Intervisiegroep {n}")
    venue = "Kantoor Home-Start, Oudegracht 245"

    @factory.post_generation
    def members(group, create, extracted, **kwargs):
        if create and extracted:
            group.members.set(extracted)
            group.save()  # a ParentalManyToManyField is written on save


class MonthlySeriesFactory(DjangoModelFactory):
    """Every second Tuesday of the month, 9:30 to 11:30, through 2027."""

    class Meta:
        model = SessionSeries

    group = factory.SubFactory(IntervisionGroupFactory)
    kind = RuleKind.MONTHLY_NTH_WEEKDAY
    nth = NthWeekday.SECOND
    weekday = Weekday.TUESDAY
    start_time = datetime.time(9, 30)
    end_time = datetime.time(11, 30)
    start_date = datetime.date(2027, 1, 1)
    end_date = datetime.date(2027, 12, 31)


class WeeklySeriesFactory(MonthlySeriesFactory):
    """Every six weeks on Thursday, 19:30 to 21:30, from the first Thursday of 2027."""

    kind = RuleKind.EVERY_N_WEEKS
    nth = None
    interval_weeks = 6
    weekday = Weekday.THURSDAY
    start_time = datetime.time(19, 30)
    end_time = datetime.time(21, 30)
    start_date = datetime.date(2027, 1, 4)


class SkipPeriodFactory(DjangoModelFactory):
    class Meta:
        model = SkipPeriod

    group = factory.SubFactory(IntervisionGroupFactory)
    first_day = datetime.date(2027, 7, 1)
    last_day = datetime.date(2027, 8, 31)
    reason = "zomervakantie"


class SessionFactory(DjangoModelFactory):
    """A one-off session (no series), by default tomorrow-ish in 2027."""

    class Meta:
        model = IntervisionSession

    group = factory.SubFactory(IntervisionGroupFactory)
    start = factory.LazyFunction(lambda: aware(datetime.date(2027, 3, 9), datetime.time(9, 30)))
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(hours=2))
    venue = "Kantoor Home-Start, Oudegracht 245"
