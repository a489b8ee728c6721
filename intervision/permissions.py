"""Who may see and do what in intervision. Only reads, never writes."""

from __future__ import annotations

from portal.models import User, Volunteer
from portal.permissions import coordinates_branch, is_coordinator


def volunteer_of(user) -> Volunteer | None:
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_intervision_volunteer", False)
    if cached is False:
        cached = Volunteer.objects.filter(user=user).first()
        user._intervision_volunteer = cached
    return cached


def is_member(user, group) -> bool:
    volunteer = volunteer_of(user)
    return volunteer is not None and group.members.filter(pk=volunteer.pk).exists()


def can_view_group(user: User, group) -> bool:
    """The group's members, the coordinators of its branch, and national staff."""
    return coordinates_branch(user, group.branch_id) or is_member(user, group)


def can_view_session(user: User, session) -> bool:
    return can_view_group(user, session.group)


def is_branch_coordinator(user, branch_id: int) -> bool:
    """A coordinator of this very branch (national staff are not, here)."""
    return (
        getattr(user, "is_authenticated", False)
        and is_coordinator(user)
        and user.coordinated_branches.filter(pk=branch_id).exists()
    )


def can_view_notes(user: User, session) -> bool:
    """Notes are for the group's members and the branch's coordinators only: not for
    national staff, nor for coordinators of other branches."""
    return is_branch_coordinator(user, session.group.branch_id) or is_member(user, session.group)


def can_write_note(user: User, session) -> bool:
    return can_view_notes(user, session)
