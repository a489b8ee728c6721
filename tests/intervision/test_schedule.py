"""The schedule of a group: both kinds of rule against hand-checked dates (read off a
printed 2027 calendar), skip periods, moved and cancelled sessions, regeneration after
a series change, and wall-clock times across the daylight-saving changes of 2027
(summer time from Sunday 28 March, winter time from Sunday 31 October)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from intervision.models import IntervisionSession, Rsvp, SessionStatus
from intervision.recurrence import NthWeekday, RuleKind, Weekday, build_rrule, expand
from intervision.services import (
    answer_invitation,
    cancel_session,
    move_session,
    regenerate_sessions,
    reinstate_session,
)
from portal.errors import ServiceError
from tests.intervision.factories import (
    IntervisionGroupFactory,
    MonthlySeriesFactory,
    SkipPeriodFactory,
    WeeklySeriesFactory,
)

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
UTC = datetime.UTC
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=AMS)
D = datetime.date

SECOND_TUESDAYS_2027 = [
    D(2027, 1, 12), D(2027, 2, 9), D(2027, 3, 9), D(2027, 4, 13), D(2027, 5, 11),
    D(2027, 6, 8), D(2027, 7, 13), D(2027, 8, 10), D(2027, 9, 14), D(2027, 10, 12),
    D(2027, 11, 9), D(2027, 12, 14),
]  # fmt: skip
SIX_WEEKLY_THURSDAYS_2027 = [
    D(2027, 1, 7), D(2027, 2, 18), D(2027, 4, 1), D(2027, 5, 13), D(2027, 6, 24),
    D(2027, 8, 5), D(2027, 9, 16), D(2027, 10, 28), D(2027, 12, 9),
]  # fmt: skip


def session_dates(group) -> list[datetime.date]:
    return [
        s.start.astimezone(AMS).date()
        for s in IntervisionSession.objects.filter(group=group).order_by("start")
    ]


def session_on(group, day: datetime.date) -> IntervisionSession:
    return IntervisionSession.objects.get(group=group, occurrence_date=day)


# --- The rule itself ----------------------------------------------------------------


def test_rules_are_stored_as_rfc5545_rrules():
    assert build_rrule(kind=RuleKind.MONTHLY_NTH_WEEKDAY, weekday=1, nth=2) == (
        "FREQ=MONTHLY;BYDAY=2TU"
    )
    assert build_rrule(kind=RuleKind.MONTHLY_NTH_WEEKDAY, weekday=6, nth=-1) == (
        "FREQ=MONTHLY;BYDAY=-1SU"
    )
    assert build_rrule(
        kind=RuleKind.EVERY_N_WEEKS, weekday=3, interval_weeks=6, until=D(2027, 12, 31)
    ) == ("FREQ=WEEKLY;INTERVAL=6;BYDAY=TH;UNTIL=20271231T235959")


def test_series_saves_its_rrule():
    series = MonthlySeriesFactory()
    assert series.rrule == "FREQ=MONTHLY;BYDAY=2TU;UNTIL=20271231T235959"
    assert str(series) == "elke tweede dinsdag van de maand, 09:30–11:30"


def test_second_tuesday_of_the_month_gives_the_hand_checked_dates():
    series = MonthlySeriesFactory()
    assert series.occurrence_dates(until=D(2028, 6, 1)) == SECOND_TUESDAYS_2027


def test_every_six_weeks_on_thursday_starts_on_the_first_thursday_after_the_start_date():
    series = WeeklySeriesFactory(start_date=D(2027, 1, 4))  # a Monday
    assert series.occurrence_dates(until=D(2027, 12, 31)) == SIX_WEEKLY_THURSDAYS_2027


def test_last_sunday_of_the_month_falls_on_both_daylight_saving_changes():
    dates = expand(
        build_rrule(kind=RuleKind.MONTHLY_NTH_WEEKDAY, weekday=Weekday.SUNDAY, nth=-1),
        start_date=D(2027, 3, 1),
        start_time=datetime.time(9, 30),
        window_end=D(2027, 11, 1),
    )
    assert dates[0] == D(2027, 3, 28) and dates[-1] == D(2027, 10, 31)
    assert len(dates) == 8


def test_open_ended_series_runs_to_the_window():
    series = MonthlySeriesFactory(end_date=None)
    dates = series.occurrence_dates(until=D(2028, 2, 29))
    assert dates[-2:] == [D(2028, 1, 11), D(2028, 2, 8)]


# --- Sessions made from the rule -------------------------------------------------------


def test_regenerating_makes_one_session_per_date_at_the_wall_clock_time():
    group = IntervisionGroupFactory()
    MonthlySeriesFactory(group=group)
    result = regenerate_sessions(group=group, now=NOW)
    assert result.created == 12
    assert session_dates(group) == SECOND_TUESDAYS_2027
    for session in IntervisionSession.objects.filter(group=group):
        local = session.start.astimezone(AMS)
        assert (local.hour, local.minute) == (9, 30)
        assert session.end - session.start == datetime.timedelta(hours=2)
        assert session.venue == group.venue


def test_nine_thirty_stays_nine_thirty_across_march_and_october():
    group = IntervisionGroupFactory()
    MonthlySeriesFactory(group=group)
    regenerate_sessions(group=group, now=NOW)
    # Winter time is UTC+1, summer time UTC+2: the UTC hour moves, the local one not.
    expected_utc = {
        D(2027, 3, 9): datetime.datetime(2027, 3, 9, 8, 30, tzinfo=UTC),
        D(2027, 4, 13): datetime.datetime(2027, 4, 13, 7, 30, tzinfo=UTC),
        D(2027, 10, 12): datetime.datetime(2027, 10, 12, 7, 30, tzinfo=UTC),
        D(2027, 11, 9): datetime.datetime(2027, 11, 9, 8, 30, tzinfo=UTC),
    }
    for day, utc in expected_utc.items():
        assert session_on(group, day).start == utc


def test_evening_sessions_keep_their_time_across_both_changes():
    group = IntervisionGroupFactory()
    WeeklySeriesFactory(group=group)
    regenerate_sessions(group=group, now=NOW)
    assert session_dates(group) == SIX_WEEKLY_THURSDAYS_2027
    assert session_on(group, D(2027, 2, 18)).start == datetime.datetime(
        2027, 2, 18, 18, 30, tzinfo=UTC
    )
    assert session_on(group, D(2027, 4, 1)).start == datetime.datetime(
        2027, 4, 1, 17, 30, tzinfo=UTC
    )
    assert session_on(group, D(2027, 10, 28)).start == datetime.datetime(
        2027, 10, 28, 17, 30, tzinfo=UTC
    )
    assert session_on(group, D(2027, 12, 9)).end == datetime.datetime(
        2027, 12, 9, 20, 30, tzinfo=UTC
    )


def test_a_session_on_the_day_summer_time_starts_is_at_its_wall_clock_time():
    group = IntervisionGroupFactory()
    MonthlySeriesFactory(
        group=group, nth=NthWeekday.LAST, weekday=Weekday.SUNDAY, start_date=D(2027, 3, 1)
    )
    regenerate_sessions(group=group, now=NOW)
    assert session_on(group, D(2027, 3, 28)).start == datetime.datetime(
        2027, 3, 28, 7, 30, tzinfo=UTC
    )
    assert session_on(group, D(2027, 10, 31)).start == datetime.datetime(
        2027, 10, 31, 8, 30, tzinfo=UTC
    )


def test_skip_periods_take_out_the_summer_holidays_and_a_single_day():
    group = IntervisionGroupFactory()
    MonthlySeriesFactory(group=group)
    SkipPeriodFactory(group=group)  # 1 July to 31 August
    SkipPeriodFactory(group=group, first_day=D(2027, 11, 9), last_day=None, reason="studiedag")
    regenerate_sessions(group=group, now=NOW)
    expected = [
        d for d in SECOND_TUESDAYS_2027 if d not in {D(2027, 7, 13), D(2027, 8, 10), D(2027, 11, 9)}
    ]
    assert session_dates(group) == expected


def test_skip_period_added_later_removes_sessions_nobody_was_told_of_and_cancels_the_others(
    volunteer,
):
    group = IntervisionGroupFactory(branch=volunteer.branch, members=[volunteer])
    MonthlySeriesFactory(group=group)
    regenerate_sessions(group=group, now=NOW)
    answer_invitation(
        session=session_on(group, D(2027, 7, 13)), volunteer=volunteer, answer="yes", now=NOW
    )
    SkipPeriodFactory(group=group)
    result = regenerate_sessions(group=group, now=NOW)
    assert (result.removed, result.cancelled) == (1, 1)
    july = session_on(group, D(2027, 7, 13))
    assert july.status == SessionStatus.CANCELLED and july.sequence == 1
    assert not IntervisionSession.objects.filter(group=group, occurrence_date=D(2027, 8, 10))
    assert Rsvp.objects.filter(session=july).exists()


def test_regenerating_twice_changes_nothing():
    group = IntervisionGroupFactory()
    MonthlySeriesFactory(group=group)
    regenerate_sessions(group=group, now=NOW)
    before = list(IntervisionSession.objects.filter(group=group).values_list("pk", "sequence"))
    result = regenerate_sessions(group=group, now=NOW)
    assert (result.created, result.updated, result.removed, result.cancelled) == (0, 0, 0, 0)
    after = list(IntervisionSession.objects.filter(group=group).values_list("pk", "sequence"))
    assert before == after


def test_moving_one_session_to_another_day_time_and_venue():
    group = IntervisionGroupFactory()
    MonthlySeriesFactory(group=group)
    regenerate_sessions(group=group, now=NOW)
    may = session_on(group, D(2027, 5, 11))
    moved = move_session(
        session=may,
        date=D(2027, 5, 12),
        start_time=datetime.time(10, 0),
        end_time=datetime.time(12, 0),
        venue="Bibliotheek, zaal 2",
        now=NOW,
    )
    assert moved.start == datetime.datetime(2027, 5, 12, 8, 0, tzinfo=UTC)
    assert moved.venue == "Bibliotheek, zaal 2"
    assert moved.moved and moved.changed_by_hand and moved.sequence == 1


def test_moving_refuses_an_end_before_the_start_and_a_time_in_the_past():
    group = IntervisionGroupFactory()
    MonthlySeriesFactory(group=group)
    regenerate_sessions(group=group, now=NOW)
    may = session_on(group, D(2027, 5, 11))
    kwargs = {"session": may, "date": D(2027, 5, 12), "venue": "", "now": NOW}
    with pytest.raises(ServiceError) as error:
        move_session(start_time=datetime.time(12), end_time=datetime.time(10), **kwargs)
    assert error.value.code == "end_before_start"
    with pytest.raises(ServiceError) as error:
        move_session(
            **(kwargs | {"date": D(2026, 11, 1)}),
            start_time=datetime.time(9),
            end_time=datetime.time(10),
        )
    assert error.value.code == "in_past"
    may.refresh_from_db()
    assert may.sequence == 0 and not may.moved


def test_cancelling_needs_a_reason_and_keeps_the_session_as_cancelled():
    group = IntervisionGroupFactory()
    MonthlySeriesFactory(group=group)
    regenerate_sessions(group=group, now=NOW)
    june = session_on(group, D(2027, 6, 8))
    with pytest.raises(ServiceError) as error:
        cancel_session(session=june, reason="  ")
    assert error.value.code == "reason_required"
    cancel_session(session=june, reason="De begeleider is ziek.")
    june.refresh_from_db()
    assert june.status == SessionStatus.CANCELLED
    assert june.cancel_reason == "De begeleider is ziek." and june.sequence == 1
    with pytest.raises(ServiceError):
        cancel_session(session=june, reason="nog eens")
    reinstate_session(session=june)
    june.refresh_from_db()
    assert june.status == SessionStatus.SCHEDULED and june.sequence == 2


def test_changing_the_series_keeps_moved_and_cancelled_sessions():
    group = IntervisionGroupFactory()
    series = MonthlySeriesFactory(group=group)
    regenerate_sessions(group=group, now=NOW)
    moved = move_session(
        session=session_on(group, D(2027, 5, 11)),
        date=D(2027, 5, 12),
        start_time=datetime.time(10),
        end_time=datetime.time(12),
        venue="Bibliotheek",
        now=NOW,
    )
    cancelled = cancel_session(session=session_on(group, D(2027, 6, 8)), reason="Vakantie")
    untouched = session_on(group, D(2027, 3, 9))

    # Same days, half an hour later, from now on.
    series.start_time, series.end_time = datetime.time(10), datetime.time(12)
    series.save()
    result = regenerate_sessions(group=group, now=NOW)
    assert result.kept_by_hand == 2 and result.updated == 10 and result.created == 0
    moved.refresh_from_db()
    cancelled.refresh_from_db()
    untouched.refresh_from_db()
    assert moved.start == datetime.datetime(2027, 5, 12, 8, 0, tzinfo=UTC)
    assert moved.venue == "Bibliotheek" and moved.sequence == 1
    assert cancelled.status == SessionStatus.CANCELLED and cancelled.sequence == 1
    assert untouched.start == datetime.datetime(2027, 3, 9, 9, 0, tzinfo=UTC)
    assert untouched.sequence == 1


def test_changing_the_weekday_replaces_untouched_sessions_and_keeps_hand_changed_ones():
    group = IntervisionGroupFactory()
    series = MonthlySeriesFactory(group=group)
    regenerate_sessions(group=group, now=NOW)
    cancel_session(session=session_on(group, D(2027, 6, 8)), reason="Vakantie")
    series.nth = NthWeekday.THIRD
    series.save()
    regenerate_sessions(group=group, now=NOW)
    third_tuesdays = [
        D(2027, 1, 19), D(2027, 2, 16), D(2027, 3, 16), D(2027, 4, 20), D(2027, 5, 18),
        D(2027, 6, 8), D(2027, 6, 15), D(2027, 7, 20), D(2027, 8, 17), D(2027, 9, 21),
        D(2027, 10, 19), D(2027, 11, 16), D(2027, 12, 21),
    ]  # fmt: skip
    assert session_dates(group) == third_tuesdays
    assert session_on(group, D(2027, 6, 8)).status == SessionStatus.CANCELLED


def test_past_sessions_are_never_touched():
    group = IntervisionGroupFactory()
    series = MonthlySeriesFactory(group=group)
    regenerate_sessions(group=group, now=NOW)
    later = datetime.datetime(2027, 5, 1, 12, tzinfo=AMS)
    series.weekday = Weekday.WEDNESDAY
    series.save()
    regenerate_sessions(group=group, now=later)
    dates = session_dates(group)
    assert dates[:4] == SECOND_TUESDAYS_2027[:4]  # January to April: held as they were
    assert dates[4] == D(2027, 5, 12)  # second Wednesday of May


def test_the_horizon_limits_how_far_ahead_sessions_exist():
    group = IntervisionGroupFactory()
    MonthlySeriesFactory(group=group, end_date=None)
    regenerate_sessions(group=group, now=NOW)
    last = IntervisionSession.objects.filter(group=group).order_by("start").last()
    assert last.occurrence_date <= NOW.date() + datetime.timedelta(days=400)
    assert last.occurrence_date >= NOW.date() + datetime.timedelta(days=370)
