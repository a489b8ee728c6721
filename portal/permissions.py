"""Who is who: role predicates every part uses. Only reads, never writes."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from portal.models import Branch, User, Volunteer

COORDINATORS_GROUP = "Coördinatoren"
NATIONAL_STAFF_GROUP = "Landelijk steunpunt"
EDITORS_GROUP = "Editors"  # Wagtail's own group, used for the public pages.


def _in_group(user: User | AnonymousUser, name: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    cache = getattr(user, "_portal_group_names", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._portal_group_names = cache
    return name in cache


def is_national_staff(user: User | AnonymousUser) -> bool:
    return bool(getattr(user, "is_superuser", False)) or _in_group(user, NATIONAL_STAFF_GROUP)


def is_coordinator(user: User | AnonymousUser) -> bool:
    return _in_group(user, COORDINATORS_GROUP)


def is_volunteer(user: User | AnonymousUser) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Volunteer.objects.filter(user=user).exists()


def is_admin_user(user: User | AnonymousUser) -> bool:
    """Coordinators, national staff and editors work in the Wagtail admin."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm(
        "wagtailadmin.access_admin"
    )


def coordinates_branch(user: User | AnonymousUser, branch: Branch | int | None) -> bool:
    """True for national staff and for a coordinator of this branch."""
    if branch is None or not getattr(user, "is_authenticated", False):
        return False
    if is_national_staff(user):
        return True
    branch_id = branch if isinstance(branch, int) else branch.pk
    return is_coordinator(user) and user.coordinated_branches.filter(pk=branch_id).exists()


def can_view_volunteer(user: User | AnonymousUser, volunteer: Volunteer) -> bool:
    return coordinates_branch(user, volunteer.branch_id)


def can_change_volunteer_status(user: User | AnonymousUser, volunteer: Volunteer) -> bool:
    return coordinates_branch(user, volunteer.branch_id)
