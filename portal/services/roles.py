"""Role groups and role assignment."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from portal.models import Branch, User
from portal.permissions import COORDINATORS_GROUP, EDITORS_GROUP, NATIONAL_STAFF_GROUP
from portal.registry import COORDINATOR, NATIONAL_STAFF, registry

COORDINATOR_PERMISSIONS = [
    "wagtailadmin.access_admin",
    "portal.view_volunteer",
    "portal.change_volunteer",
    "portal.delete_volunteer",
]
NATIONAL_STAFF_PERMISSIONS = [
    *COORDINATOR_PERMISSIONS,
    "portal.add_branch",
    "portal.change_branch",
    "portal.view_branch",
    "portal.delete_branch",
    "portal.add_user",
    "portal.change_user",
    "portal.view_user",
]


def _permissions(names: Iterable[str], using: str) -> list[Permission]:
    found = []
    for name in sorted(set(names)):
        app_label, codename = name.split(".", 1)
        permission = (
            Permission.objects.using(using)
            .filter(content_type__app_label=app_label, codename=codename)
            .first()
        )
        if permission is not None:
            found.append(permission)
    return found


def ensure_role_groups(*, using: str = "default") -> None:
    """Create the role groups and give them exactly their permissions (idempotent)."""
    wanted = {
        COORDINATORS_GROUP: [*COORDINATOR_PERMISSIONS, *registry.role_permissions[COORDINATOR]],
        NATIONAL_STAFF_GROUP: [
            *NATIONAL_STAFF_PERMISSIONS,
            *registry.role_permissions[COORDINATOR],
            *registry.role_permissions[NATIONAL_STAFF],
        ],
    }
    with transaction.atomic(using=using):
        for name, permission_names in wanted.items():
            group, _ = Group.objects.using(using).get_or_create(name=name)
            group.permissions.set(_permissions(permission_names, using))
        Group.objects.using(using).get_or_create(name=EDITORS_GROUP)


@transaction.atomic
def make_coordinator(*, user: User, branches: Iterable[Branch]) -> User:
    """Give `user` the coordinator role for `branches` (added to any they had)."""
    ensure_role_groups()
    user.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    # The reverse side writes at once; Branch.coordinators is a ParentalManyToMany
    # field whose own manager only writes when the branch is saved.
    user.coordinated_branches.add(*branches)
    user._portal_group_names = None
    return user


@transaction.atomic
def make_national_staff(*, user: User) -> User:
    ensure_role_groups()
    user.groups.add(Group.objects.get(name=NATIONAL_STAFF_GROUP))
    user._portal_group_names = None
    return user


@transaction.atomic
def make_editor(*, user: User) -> User:
    ensure_role_groups()
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    user._portal_group_names = None
    return user
