"""The demo's supervision talks: per branch some held, one overdue and a few planned in
the coming weeks, so the demo coordinator sees them in the agenda, on the admin home
and in the digest; running the demo again adds nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from portal.agenda.services import collect_agenda
from portal.models import Branch, User
from portal.screening.models import SupervisionContact, SupervisionPlan
from portal.screening.registry_hooks import digest_sections
from tests.pages.factories import home_page

pytestmark = pytest.mark.django_db


def test_demo_has_held_overdue_and_planned_talks_in_every_branch(settings):
    settings.DEMO_MODE = True
    home_page()  # the site the demo builds on, if an earlier test flushed it
    call_command("demo_content", verbosity=0)
    today = timezone.localdate()
    soon = today + datetime.timedelta(weeks=4)
    branches = list(Branch.objects.all())
    assert len(branches) == 3
    for branch in branches:
        contacts = SupervisionContact.objects.filter(volunteer__branch=branch)
        assert contacts.count() >= 4 and all(c.held_on < today and c.note for c in contacts)
        plans = SupervisionPlan.objects.filter(volunteer__branch=branch)
        assert plans.filter(due_on__lt=today).count() == 1
        assert plans.filter(due_on__gte=today, due_on__lte=soon).count() >= 3

    coordinator = User.objects.get(email="coordinator.utrecht@homestart.example")
    utrecht = Branch.objects.get(slug="utrecht")
    assert list(Branch.objects.filter(coordinators=coordinator)) == [utrecht]
    now = timezone.now()
    talks = [
        item
        for item in collect_agenda(
            branch_ids=[utrecht.pk], start=now, end=now + datetime.timedelta(weeks=4)
        )
        if item.kind == "supervision_talk"
    ]
    assert len(talks) >= 3 and all(item.title.startswith("Begeleidingsgesprek ") for item in talks)
    section = digest_sections(branch_ids=[utrecht.pk], today=today)[utrecht.pk]
    assert any("te laat sinds" in str(row.text) for row in section.rows)
    assert sum("gepland voor" in str(row.text) for row in section.rows) >= 2

    counts = (SupervisionContact.objects.count(), SupervisionPlan.objects.count())
    call_command("demo_content", verbosity=0)
    assert (SupervisionContact.objects.count(), SupervisionPlan.objects.count()) == counts
