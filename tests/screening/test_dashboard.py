"""Screening's admin home panels: scoped to the user's branches, the right rows, the
supervision panel not for national staff (notes and talks are the branch's)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from portal.admin_home import dashboard_scope
from portal.models import VolunteerStatus
from portal.screening import services
from portal.screening.dashboard import screening_attention, supervision_due
from portal.screening.models import SupervisionKind, SupervisionPlan
from tests.portal.factories import VolunteerFactory
from tests.screening.helpers import tick

pytestmark = pytest.mark.django_db


def scope_for(user):
    user.has_perm("wagtailadmin.access_admin")
    return dashboard_scope(SimpleNamespace(user=user))


def test_expiring_and_late_items_of_the_own_branch_only(
    branch, other_branch, coordinator, staff, django_assert_max_num_queries
):
    today = timezone.localdate()
    expiring = VolunteerFactory(branch=branch, status=VolunteerStatus.ACTIVE)
    tick(expiring, "vog", on=services.add_months(today + datetime.timedelta(weeks=4), -36))
    renewing = VolunteerFactory(branch=branch, status=VolunteerStatus.ACTIVE)
    tick(
        renewing,
        "vog",
        on=today - datetime.timedelta(days=400),
        requested_on=today - datetime.timedelta(weeks=5),
    )
    fine = VolunteerFactory(branch=branch, status=VolunteerStatus.ACTIVE)
    tick(fine, "vog", on=today)
    theirs = VolunteerFactory(branch=other_branch, status=VolunteerStatus.ACTIVE)
    tick(theirs, "vog", on=services.add_months(today, -36))
    scope = scope_for(coordinator)
    with django_assert_max_num_queries(2):
        content = screening_attention(scope)
    assert content.count == 2
    assert {row.text for row in content.rows} == {expiring.full_name, renewing.full_name}
    late = next(row for row in content.rows if row.text == renewing.full_name)
    assert "nog niet binnen" in late.detail
    national = screening_attention(scope_for(staff))
    assert national.count == 3 and national.by_branch == {branch.pk: 2, other_branch.pk: 1}


def test_supervision_panel_for_the_branch_and_not_for_national_staff(
    branch, other_branch, coordinator, staff
):
    today = timezone.localdate()
    mine = VolunteerFactory(branch=branch, status=VolunteerStatus.ACTIVE)
    theirs = VolunteerFactory(branch=other_branch, status=VolunteerStatus.ACTIVE)
    SupervisionPlan.objects.create(volunteer=mine, kind=SupervisionKind.YEARLY, due_on=today)
    SupervisionPlan.objects.create(volunteer=theirs, kind=SupervisionKind.YEARLY, due_on=today)
    content = supervision_due(scope_for(coordinator))
    assert [row.text for row in content.rows] == [mine.full_name]
    assert content.rows[0].url == f"/admin/screening/vrijwilliger/{mine.pk}/"
    assert supervision_due(scope_for(staff)) is None
