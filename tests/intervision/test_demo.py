"""The demo content of intervision: a group with a series in every demo branch and
theme meetings, built through the services; running it twice adds nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from intervision.models import IntervisionGroup, IntervisionSession, ThemeMeeting

pytestmark = pytest.mark.django_db


def test_demo_content_has_groups_sessions_and_theme_meetings(settings):
    settings.DEMO_MODE = True
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
    local = ThemeMeeting.objects.get(branch__slug="utrecht")
    assert local.enrolments.waitlisted().count() == 1
    call_command("demo_content")
    assert counts == (
        IntervisionGroup.objects.count(),
        IntervisionSession.objects.count(),
        ThemeMeeting.objects.count(),
    )
