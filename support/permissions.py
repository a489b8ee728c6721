"""Who may see what of the support route. Read only."""

from __future__ import annotations

from portal.models import Branch, Volunteer
from portal.permissions import is_coordinator
from support.models import Match


def can_see_concerns(user, match: Match) -> bool:
    """Safety concerns: the coordinators of the match's branch only. Not national staff,
    not a superuser who does not coordinate that branch."""
    if not getattr(user, "is_authenticated", False) or not is_coordinator(user):
        return False
    return user.coordinated_branches.filter(pk=match.branch_id).exists()


def can_propose_for(user, referral) -> bool:
    """A coordinator of the referral's branch with the right to make matches (not
    national staff: the family's details are the branch's)."""
    if referral.branch_id is None or not user.has_perm("support.add_match"):
        return False
    return Branch.objects.with_families_visible_to(user).filter(pk=referral.branch_id).exists()


def active_match_of(user, match_id: int) -> Match | None:
    """The volunteer's own running match with this id, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Match.objects.active()
        .filter(pk=match_id, volunteer__user=user)
        .select_related("volunteer")
        .first()
    )


def volunteer_of(user) -> Volunteer | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Volunteer.objects.filter(user=user).first()
