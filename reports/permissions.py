"""Who may see the annual report: coordinators (their own branches) and national staff
(every branch). Editors and volunteers see nothing."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from portal.models import Branch, User
from portal.permissions import is_coordinator, is_national_staff


def can_view_reports(user: User | AnonymousUser) -> bool:
    return is_national_staff(user) or is_coordinator(user)


def report_branches(user: User | AnonymousUser):
    """The branches this user may report on."""
    if not can_view_reports(user):
        return Branch.objects.none()
    return Branch.objects.coordinated_by(user)
