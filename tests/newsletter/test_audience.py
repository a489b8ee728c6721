"""Audience rules: who a newsletter reaches, and who may address whom."""

import pytest

from newsletter.audience import audience_size, check_audience, page_recipients, recipients
from newsletter.models import Audience
from portal.errors import ServiceError
from portal.models import VolunteerStatus
from tests.newsletter.factories import make_newsletter, make_volunteers
from tests.portal.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


def emails(users):
    return {user.email for user in users}


def test_branch_audience_holds_only_that_branch_with_the_chosen_statuses(branch, other_branch):
    active = make_volunteers(branch, 3, status=VolunteerStatus.ACTIVE, prefix="a")
    make_volunteers(branch, 2, status=VolunteerStatus.STOPPED, prefix="s")
    make_volunteers(other_branch, 2, status=VolunteerStatus.ACTIVE, prefix="o")
    page = make_newsletter(branches=[branch], statuses=[VolunteerStatus.ACTIVE])
    assert emails(page_recipients(page)) == emails(active)


def test_empty_status_filter_means_every_status(branch):
    people = make_volunteers(branch, 2, status=VolunteerStatus.APPLIED, prefix="a")
    people += make_volunteers(branch, 2, status=VolunteerStatus.PAUSED, prefix="p")
    page = make_newsletter(branches=[branch], statuses=[])
    assert emails(page_recipients(page)) == emails(people)


def test_all_volunteers_reaches_every_branch_but_not_coordinators(
    branch, other_branch, coordinator
):
    people = make_volunteers(branch, 2) + make_volunteers(other_branch, 2)
    page = make_newsletter(audience=Audience.ALL_VOLUNTEERS)
    assert emails(page_recipients(page)) == emails(people)


def test_coordinators_only_reaches_the_chosen_branches_coordinators(
    branch, other_branch, coordinator, other_branch_coordinator, volunteer
):
    page = make_newsletter(audience=Audience.COORDINATORS, branches=[branch])
    assert emails(page_recipients(page)) == {coordinator.email}
    everyone = recipients(audience=Audience.COORDINATORS, branch_ids=[], statuses=[])
    assert emails(everyone) == {coordinator.email, other_branch_coordinator.email}


def test_inactive_accounts_are_not_in_the_audience(branch):
    person = VolunteerFactory(branch=branch, status=VolunteerStatus.ACTIVE)
    person.user.is_active = False
    person.user.save()
    assert not page_recipients(make_newsletter(branches=[branch])).exists()


def test_audience_size_counts_unsubscribed_separately(branch, unsubscribe):
    people = make_volunteers(branch, 4)
    unsubscribe(people[0])
    size = audience_size(make_newsletter(branches=[branch]))
    assert (size.total, size.unsubscribed, size.receiving) == (4, 1, 3)


def test_coordinator_may_address_own_branch(coordinator, branch):
    check_audience(user=coordinator, audience=Audience.BRANCHES, branch_ids=[branch.pk])
    check_audience(user=coordinator, audience=Audience.COORDINATORS, branch_ids=[branch.pk])


@pytest.mark.parametrize(
    ("audience", "which", "code"),
    [
        (Audience.BRANCHES, "other", "foreign_branch"),
        (Audience.BRANCHES, "both", "foreign_branch"),
        (Audience.BRANCHES, "none", "no_branch"),
        (Audience.ALL_VOLUNTEERS, "none", "national_only"),
        (Audience.COORDINATORS, "none", "no_branch"),
        (Audience.COORDINATORS, "other", "foreign_branch"),
        ("everyone", "own", "unknown_audience"),
    ],
)
def test_coordinator_cannot_address_beyond_own_branches(
    coordinator, branch, other_branch, audience, which, code
):
    ids = {
        "own": [branch.pk],
        "other": [other_branch.pk],
        "both": [branch.pk, other_branch.pk],
        "none": [],
    }
    with pytest.raises(ServiceError) as error:
        check_audience(user=coordinator, audience=audience, branch_ids=ids[which])
    assert error.value.code == code


def test_unknown_branch_id_is_refused(staff):
    with pytest.raises(ServiceError) as error:
        check_audience(user=staff, audience=Audience.BRANCHES, branch_ids=[999999])
    assert error.value.code == "foreign_branch"


def test_national_staff_may_address_everyone(staff, branch):
    check_audience(user=staff, audience=Audience.ALL_VOLUNTEERS, branch_ids=[])
    check_audience(user=staff, audience=Audience.COORDINATORS, branch_ids=[])


@pytest.mark.parametrize("role", ["volunteer", "editor", "anonymous"])
def test_volunteers_and_editors_address_nobody(role, volunteer, editor, branch):
    user = {"volunteer": volunteer.user, "editor": editor, "anonymous": None}[role]
    with pytest.raises(ServiceError) as error:
        check_audience(user=user, audience=Audience.BRANCHES, branch_ids=[branch.pk])
    assert error.value.code == "not_allowed"


def test_unknown_status_is_refused(branch):
    with pytest.raises(ServiceError):
        list(recipients(audience=Audience.BRANCHES, branch_ids=[branch.pk], statuses=["asleep"]))
