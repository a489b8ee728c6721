from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from portal.models import Branch, Volunteer
from portal.scoping import BranchScopedPermissionPolicy

# Registered before the ViewSets are built: they read the policy from the registry.
register_permission_policy(Volunteer, BranchScopedPermissionPolicy(Volunteer))
register_permission_policy(Branch, BranchScopedPermissionPolicy(Branch, branch_field="pk"))

from portal.viewsets import BranchViewSet, VolunteerViewSet  # noqa: E402

register_snippet(BranchViewSet)


@hooks.register("register_admin_viewset")
def register_volunteer_viewset():
    return VolunteerViewSet("portal_volunteer")


@hooks.register("construct_reports_menu")
def hide_unscoped_reports(request, menu_items):
    """Site history lists every branch's records; coordinators do not get it."""
    from portal.permissions import is_national_staff

    if not is_national_staff(request.user):
        menu_items[:] = [item for item in menu_items if item.name != "site-history"]
