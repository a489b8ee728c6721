"""The demo content of intervision: a group with a series in every demo branch and
theme meetings, built through the services; running it twice adds nothing."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from intervision.models import IntervisionGroup, IntervisionSession, ThemeMeeting

pytestmark = pytest.mark.django_db


# A Saturday: the held sessions were once made "so many weeks before today", on Saturdays.
SATURDAY = datetime.datetime(2026, 12, 5, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


def test_demo_content_has_groups_sessions_and_theme_meetings(settings):
    settings.DEMO_MODE = True
    with time_machine.travel(SATURDAY, tick=True):
        call_command("demo_content")
    counts = (
        IntervisionGroup.objects.count(),
        IntervisionSession.objects.count(),
        ThemeMeeting.objects.count(),
    )
    assert counts[0] == 3
    for group in IntervisionGroup.objects.all():
        assert group.series.exists() and group.members.exists()
        assert group.sessions.filter(status="cancelled").exists()
        assert group.sessions.filter(moved=True).exists()
        past = group.sessions.filter(start__lt=SATURDAY)
        assert past.count() == 3 and all(s.attendance.exists() for s in past)
        # Every session is one the group's series gives (the held ones too), on its day.
        for session in group.sessions.all():
            assert session.series is not None
            rule_days = session.series.occurrence_dates(until=session.occurrence_date)
            assert session.occurrence_date in rule_days
            if not session.moved:
                assert timezone.localtime(session.start).date() == session.occurrence_date
        assert not any(timezone.localtime(s.start).weekday() == 5 for s in group.sessions.all())
    local = ThemeMeeting.objects.get(branch__slug="utrecht")
    assert local.enrolments.waitlisted().count() == 1
    call_command("demo_content")
    assert counts == (
        IntervisionGroup.objects.count(),
        IntervisionSession.objects.count(),
        ThemeMeeting.objects.count(),
    )
