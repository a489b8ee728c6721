from wagtail import hooks
from wagtail.permissions import register_permission_policy

from intervision.models import IntervisionGroup, IntervisionSession, ThemeMeeting
from portal.scoping import BranchScopedPermissionPolicy

# Registered before the ViewSets are built: they read the policy from the registry.
register_permission_policy(IntervisionGroup, BranchScopedPermissionPolicy(IntervisionGroup))
register_permission_policy(
    IntervisionSession,
    BranchScopedPermissionPolicy(IntervisionSession, branch_field="group__branch"),
)

from intervision.viewsets import ThemeMeetingPermissionPolicy  # noqa: E402

register_permission_policy(ThemeMeeting, ThemeMeetingPermissionPolicy(ThemeMeeting))


@hooks.register("register_admin_viewset")
def register_intervision_viewsets():
    from intervision.viewsets import (
        IntervisionGroupViewSet,
        IntervisionSessionViewSet,
        ThemeMeetingViewSet,
    )

    return [
        IntervisionGroupViewSet("intervision_group"),
        IntervisionSessionViewSet("intervision_session"),
        ThemeMeetingViewSet("theme_meeting"),
    ]
