"""Who is who: role predicates every part uses. Only reads, never writes."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from portal.models import Branch, User, Volunteer

COORDINATORS_GROUP = "Coördinatoren"
NATIONAL_STAFF_GROUP = "Landelijk steunpunt"
EDITORS_GROUP = "Redactie"  # Wagtail's own "Editors", renamed (migration 0003): public pages
# Wagtail's own "Moderators", renamed (migration 0003): reviewers in the stock workflow.
MODERATORS_GROUP = "Moderatoren"


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


def is_editor(user: User | AnonymousUser) -> bool:
    """Redactie: maintains the public pages (`portal.pages.permissions`)."""
    return _in_group(user, EDITORS_GROUP)


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


def is_staff_account(user: User | AnonymousUser) -> bool:
    """Anyone who works behind the second factor: coordinators, national staff, editors,
    anyone with admin access, superusers and Django staff."""
    if not getattr(user, "is_authenticated", False):
        return False
    # The coordinator and national staff groups always carry admin access
    # (`ensure_role_groups` after every migrate), so this one check covers them with
    # the permission lookup the site header makes anyway; no query of its own.
    return bool(user.is_superuser or user.is_staff) or is_admin_user(user)


def session_passed_code_step(request) -> bool:
    """True once this session passed allauth's TOTP (or recovery code) step.

    Read from allauth's own record of how the session authenticated
    (`get_authentication_records`: one entry per step, "mfa" for the code step), never
    from whether an authenticator exists: a password-only session of an account that
    has TOTP set up is not verified. allauth clears the record on logout and keeps it
    per user, so another account's record never counts.
    """
    from allauth.account.authentication import get_authentication_records

    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return False
    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


def staff_session_verified(request) -> bool:
    """The one check for staff-scoped views: not staff, or staff past the code step.

    `portal.middleware.StaffSessionMiddleware` applies it to every request (default
    deny), so a staff view cannot forget it; views may call it again to say so.
    """
    return not is_staff_account(request.user) or session_passed_code_step(request)
