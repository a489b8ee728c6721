import pytest
from django.contrib.auth.models import Group

from portal.models import Branch, Volunteer
from portal.permissions import (
    COORDINATORS_GROUP,
    NATIONAL_STAFF_GROUP,
    can_view_volunteer,
    coordinates_branch,
    is_admin_user,
    is_coordinator,
    is_national_staff,
    is_volunteer,
)
from portal.services.roles import ensure_role_groups
from tests.portal.factories import make_admin_user

pytestmark = pytest.mark.django_db


def test_role_groups_exist_with_admin_access_after_migrate():
    for name in (COORDINATORS_GROUP, NATIONAL_STAFF_GROUP):
        group = Group.objects.get(name=name)
        assert group.permissions.filter(codename="access_admin").exists()
    assert (
        not Group.objects.get(name=COORDINATORS_GROUP)
        .permissions.filter(codename="change_branch")
        .exists()
    )


def test_ensure_role_groups_is_idempotent():
    ensure_role_groups()
    before = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    ensure_role_groups()
    after = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    assert before == after


def test_ensure_role_groups_gives_exactly_the_named_permissions_in_a_few_queries(
    django_assert_max_num_queries,
):
    from django.contrib.auth.models import Permission

    from portal.registry import BRANCH_COORDINATOR, COORDINATOR, NATIONAL_STAFF, registry
    from portal.services.roles import COORDINATOR_PERMISSIONS, NATIONAL_STAFF_PERMISSIONS

    Group.objects.get(name=COORDINATORS_GROUP).permissions.clear()
    staff_group = Group.objects.get(name=NATIONAL_STAFF_GROUP)
    staff_group.permissions.add(Permission.objects.get(codename="delete_user"))  # not theirs
    # Every role service calls it: once per group, not once per permission name.
    with django_assert_max_num_queries(14):
        ensure_role_groups()

    def named(group_name: str) -> set[str]:
        group = Group.objects.get(name=group_name)
        return {
            f"{app_label}.{codename}"
            for app_label, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }

    assert named(COORDINATORS_GROUP) == {
        *COORDINATOR_PERMISSIONS,
        *registry.role_permissions[COORDINATOR],
        *registry.role_permissions[BRANCH_COORDINATOR],
    }
    assert named(NATIONAL_STAFF_GROUP) == {
        *NATIONAL_STAFF_PERMISSIONS,
        *registry.role_permissions[COORDINATOR],
        *registry.role_permissions[NATIONAL_STAFF],
    }


def test_role_predicates(volunteer, coordinator, staff, editor, plain_user):
    assert is_volunteer(volunteer.user) and not is_admin_user(volunteer.user)
    assert is_coordinator(coordinator) and is_admin_user(coordinator)
    assert not is_national_staff(coordinator)
    assert is_national_staff(staff) and is_admin_user(staff)
    assert is_admin_user(editor) and not is_coordinator(editor)
    assert not is_volunteer(plain_user) and not is_admin_user(plain_user)


def test_a_coordinator_sees_only_the_branches_they_coordinate(
    branch, other_branch, volunteer, other_volunteer, coordinator, staff
):
    assert list(Branch.objects.coordinated_by(coordinator)) == [branch]
    assert set(Branch.objects.coordinated_by(staff)) == {branch, other_branch}
    assert list(Volunteer.objects.visible_to(coordinator)) == [volunteer]
    assert set(Volunteer.objects.visible_to(staff)) == {volunteer, other_volunteer}
    assert can_view_volunteer(coordinator, volunteer)
    assert not can_view_volunteer(coordinator, other_volunteer)
    assert coordinates_branch(staff, other_branch)


def test_a_coordinator_of_two_branches_sees_both(branch, other_branch, volunteer, other_volunteer):
    both = make_admin_user("coordinator", branches=[branch, other_branch])
    assert set(Volunteer.objects.visible_to(both)) == {volunteer, other_volunteer}


def test_volunteers_and_anonymous_see_no_branch(volunteer):
    from django.contrib.auth.models import AnonymousUser

    assert not Branch.objects.coordinated_by(volunteer.user).exists()
    assert not Branch.objects.coordinated_by(AnonymousUser()).exists()
