"""The agenda is tested with intervision's provider and a provider registered here, in
place of the courses part that is built alongside (it registers its own)."""

from __future__ import annotations

import datetime

import pytest

from portal.registry import AgendaItem, registry
from tests.intervision.conftest import AMS, NOW, frozen_clock, group, session  # noqa: F401

COURSE_START = datetime.datetime(2027, 1, 5, 9, 30, tzinfo=AMS)


def fake_course_provider(*, volunteer_id=None, branch_ids=None, start, end):
    """Two course sessions for whoever asks: one enrolled, one waitlisted."""
    items = [
        AgendaItem(
            uid=f"course-session-1-{volunteer_id or 'branch'}@test",
            kind="course_session",
            title="Introductiecursus, ochtend 1",
            start=COURSE_START,
            end=COURSE_START + datetime.timedelta(hours=3),
            status="enrolled",
            status_label="Je bent ingeschreven",
        ),
        AgendaItem(
            uid=f"course-session-2-{volunteer_id or 'branch'}@test",
            kind="course_session",
            title="Verdiepingscursus",
            start=COURSE_START + datetime.timedelta(days=30),
            end=COURSE_START + datetime.timedelta(days=30, hours=3),
            status="waitlisted",
            status_label="Je staat op de wachtlijst",
        ),
    ]
    return [item for item in items if item.start < end and item.end > start]


@pytest.fixture(autouse=True)
def only_intervision_providers(monkeypatch):
    """The agenda as intervision feeds it; other parts' providers test themselves."""
    from intervision.agenda import intervision_agenda, theme_meeting_agenda

    monkeypatch.setattr(registry, "agenda_providers", [intervision_agenda, theme_meeting_agenda])


@pytest.fixture
def course_provider(monkeypatch, only_intervision_providers):
    monkeypatch.setattr(
        registry, "agenda_providers", [*registry.agenda_providers, fake_course_provider]
    )
    return fake_course_provider


@pytest.fixture
def supervision_provider(monkeypatch, only_intervision_providers):
    """Screening's planned supervision talks beside intervision's sessions; registered
    for the coordinator's own branches, as screening registers it."""
    from portal.screening.agenda import supervision_agenda

    monkeypatch.setattr(
        registry, "agenda_providers", [*registry.agenda_providers, supervision_agenda]
    )
    assert supervision_agenda in registry.own_branch_agenda_providers
    return supervision_agenda


def plan_talks(branch, number: int) -> None:
    """`number` active volunteers of `branch`, each with a talk planned next week."""
    from django.utils import timezone

    from portal.models import VolunteerStatus
    from portal.screening.models import SupervisionKind, SupervisionPlan
    from tests.portal.factories import VolunteerFactory

    due_on = timezone.localdate() + datetime.timedelta(days=7)
    for _ in range(number):
        volunteer = VolunteerFactory(branch=branch, status=VolunteerStatus.ACTIVE)
        SupervisionPlan.objects.create(
            volunteer=volunteer, kind=SupervisionKind.PHONE, due_on=due_on
        )
