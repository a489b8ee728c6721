from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from intervision.services import regenerate_sessions
from tests.intervision.factories import IntervisionGroupFactory, MonthlySeriesFactory

AMS = ZoneInfo("Europe/Amsterdam")
# A Tuesday in December 2026: the series below starts in January 2027.
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=AMS)


@pytest.fixture
def frozen_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def group(branch, volunteer):
    group = IntervisionGroupFactory(branch=branch, name="Dinsdaggroep", members=[volunteer])
    MonthlySeriesFactory(group=group)
    regenerate_sessions(group=group, now=NOW)
    return group


@pytest.fixture
def session(group):
    """The first session: Tuesday 12 January 2027, 9:30 to 11:30."""
    return group.sessions.order_by("start").first()
