"""Branch scoping of the admin lists: along foreign keys only, so no row is repeated and
no DISTINCT is needed (it made PostgreSQL sort every row of a national list)."""

from __future__ import annotations

import pytest

from courses.models import CourseEnrolment
from intervision.models import IntervisionSession
from portal.models import Branch, User, Volunteer
from portal.scoping import BranchScopedPermissionPolicy


@pytest.mark.parametrize(
    ("model", "path"),
    [
        (Volunteer, "branch"),
        (IntervisionSession, "group__branch"),
        (CourseEnrolment, "volunteer__branch"),
        (Branch, "pk"),
    ],
)
def test_a_scope_along_foreign_keys_is_accepted(model, path):
    assert BranchScopedPermissionPolicy(model, branch_field=path).branch_field == path


@pytest.mark.parametrize(
    ("model", "path"),
    [(User, "coordinated_branches"), (Branch, "volunteers__branch")],
)
def test_a_scope_through_a_many_valued_relation_is_refused(model, path):
    with pytest.raises(ValueError, match="foreign keys only"):
        BranchScopedPermissionPolicy(model, branch_field=path)


@pytest.mark.django_db
def test_a_scoped_list_repeats_no_row_and_asks_no_distinct(coordinator, branch):
    from tests.portal.factories import VolunteerFactory

    VolunteerFactory.create_batch(3, branch=branch)
    policy = BranchScopedPermissionPolicy(Volunteer)
    visible = policy.filter_visible(coordinator, Volunteer.objects.all())
    assert not visible.query.distinct
    assert visible.count() == len(set(visible.values_list("pk", flat=True))) == 3
