"""Role groups and role assignment."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from portal.models import Branch, User
from portal.permissions import COORDINATORS_GROUP, EDITORS_GROUP, NATIONAL_STAFF_GROUP
from portal.registry import BRANCH_COORDINATOR, COORDINATOR, NATIONAL_STAFF, registry

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
    "portal.add_municipality",
    "portal.change_municipality",
    "portal.view_municipality",
    "portal.add_user",
    "portal.change_user",
    "portal.view_user",
]


def _permissions(names: Iterable[str], using: str) -> list[Permission]:
    """The permissions named "app_label.codename", read in one query; a name that does
    not exist (yet: a part whose migrations have not run) is left out."""
    wanted = {tuple(name.split(".", 1)) for name in names}
    found: dict[tuple[str, str], Permission] = {}
    candidates = (
        Permission.objects.using(using)
        .filter(codename__in={codename for _app_label, codename in wanted})
        .select_related("content_type")
    )
    for permission in candidates:  # Permission's own order: the first of a name wins
        key = (permission.content_type.app_label, permission.codename)
        if key in wanted:
            found.setdefault(key, permission)
    return list(found.values())


def ensure_role_groups(*, using: str = "default") -> None:
    """Create the role groups and give them exactly their permissions (idempotent)."""
    wanted = {
        COORDINATORS_GROUP: [
            *COORDINATOR_PERMISSIONS,
            *registry.role_permissions[COORDINATOR],
            *registry.role_permissions[BRANCH_COORDINATOR],
        ],
        # Everything coordinators may do, except family data (BRANCH_COORDINATOR).
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


def branch_group_name(branch: Branch) -> str:
    short = branch.name.removeprefix("Home-Start ").strip() or branch.slug
    return f"{COORDINATORS_GROUP} {short}"


def branch_coordinator_group(branch: Branch, *, using: str = "default") -> Group:
    """The branch's own Wagtail group, created (or renamed after the branch) as needed.

    Page and collection permissions on the branch's pages and material go to this group,
    never to all coordinators, so Wagtail's own permission checks (bulk actions,
    privacy, unpublish, move, delete, revisions, choosers) keep a coordinator to their
    branches. Its members are the branch's coordinators (`sync_branch_coordinators`).
    """
    name = branch_group_name(branch)
    group = None
    if branch.coordinator_group_id:
        group = Group.objects.using(using).filter(pk=branch.coordinator_group_id).first()
    if group is None:
        group, _ = Group.objects.using(using).get_or_create(name=name)
        Branch.objects.using(using).filter(pk=branch.pk).update(coordinator_group=group)
        branch.coordinator_group = group
    elif group.name != name:
        group.name = name
        group.save(update_fields=["name"])
    return group


def sync_branch_coordinators(branch: Branch, *, using: str = "default") -> Group:
    """Make the branch group's members exactly the branch's coordinators (idempotent)."""
    group = branch_coordinator_group(branch, using=using)
    coordinator_ids = set(
        Branch.coordinators.through.objects.using(using)
        .filter(branch_id=branch.pk)
        .values_list("user_id", flat=True)
    )
    group.user_set.set(coordinator_ids)
    # Whoever is on a branch's coordinator list has the coordinator role (admin access
    # and the coordinators' model permissions), also when added through the branch form.
    if coordinator_ids:
        shared, _ = Group.objects.using(using).get_or_create(name=COORDINATORS_GROUP)
        shared.user_set.add(*coordinator_ids)
    return group


COORDINATOR_ADDED = "portal.coordinator_added"
COORDINATOR_REMOVED = "portal.coordinator_removed"


def log_coordinator_change(branch: Branch, *, user_ids: Iterable[int], added: bool) -> None:
    """Who became (or stopped being) a coordinator of `branch`, in the branch's history.

    A coordinator reads the branch's family data and intervision notes, so the change is
    kept with who made it: Wagtail's admin puts the acting user in the log context of
    every admin request; outside the admin (demo data, a shell) it is empty.
    """
    from wagtail.log_actions import log

    for user in User.objects.filter(pk__in=list(user_ids)).order_by("pk"):
        log(
            instance=branch,
            action=COORDINATOR_ADDED if added else COORDINATOR_REMOVED,
            data={"user_id": user.pk, "name": user.get_full_name() or user.email},
        )


def sync_all_branch_groups(*, using: str = "default") -> None:
    for branch in Branch.objects.using(using).all():
        sync_branch_coordinators(branch, using=using)


@transaction.atomic
def make_coordinator(*, user: User, branches: Iterable[Branch]) -> User:
    """Give `user` the coordinator role for `branches` (added to any they had)."""
    ensure_role_groups()
    branches = list(branches)
    user.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    # The reverse side writes at once; Branch.coordinators is a ParentalManyToMany
    # field whose own manager only writes when the branch is saved.
    user.coordinated_branches.add(*branches)
    for branch in branches:
        user.groups.add(branch_coordinator_group(branch))
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
