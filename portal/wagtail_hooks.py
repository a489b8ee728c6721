from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from portal.models import Branch, Volunteer
from portal.scoping import BranchScopedPermissionPolicy

# Registered before the ViewSets are built: they read the policy from the registry.
register_permission_policy(Volunteer, BranchScopedPermissionPolicy(Volunteer))
register_permission_policy(Branch, BranchScopedPermissionPolicy(Branch, branch_field="pk"))

from portal.viewsets import BranchViewSet, MunicipalityViewSet, VolunteerViewSet  # noqa: E402

register_snippet(BranchViewSet)
register_snippet(MunicipalityViewSet)


@hooks.register("register_admin_viewset")
def register_volunteer_viewset():
    return VolunteerViewSet("portal_volunteer")


@hooks.register("register_log_actions")
def register_role_log_actions(actions):
    from django.utils.translation import gettext_lazy as _
    from wagtail.log_actions import LogFormatter

    from portal.services.roles import COORDINATOR_ADDED, COORDINATOR_REMOVED

    @actions.register_action(COORDINATOR_ADDED)
    class CoordinatorAdded(LogFormatter):
        label = _("Coördinator toegevoegd")

        def format_message(self, log_entry):
            return _("%(name)s is coördinator geworden") % {"name": log_entry.data.get("name")}

    @actions.register_action(COORDINATOR_REMOVED)
    class CoordinatorRemoved(LogFormatter):
        label = _("Coördinator verwijderd")

        def format_message(self, log_entry):
            return _("%(name)s is geen coördinator meer") % {"name": log_entry.data.get("name")}


@hooks.register("construct_reports_menu")
def hide_unscoped_reports(request, menu_items):
    """Site history lists every branch's records; coordinators do not get it."""
    from portal.permissions import is_national_staff

    if not is_national_staff(request.user):
        menu_items[:] = [item for item in menu_items if item.name != "site-history"]


@hooks.register("construct_homepage_panels")
def home_start_dashboard(request, panels):
    """Coordinators and national staff get the Home-Start dashboard (portal/admin_home.py)
    instead of Wagtail's page-editing panels; everyone keeps "awaiting your review",
    which editors get first."""
    from wagtail.admin.views.home import WorkflowObjectsToModeratePanel

    from portal.admin_home import HomeStartDashboard, has_dashboard

    if has_dashboard(request.user):
        panels[:] = [panel for panel in panels if isinstance(panel, WorkflowObjectsToModeratePanel)]
        panels.append(HomeStartDashboard(request))
        return
    for panel in panels:
        if isinstance(panel, WorkflowObjectsToModeratePanel):
            panel.order = 10  # editors: what waits for their review comes first


@hooks.register("construct_homepage_summary_items", order=1000)
def no_site_summary(request, summary_items):
    """The home shows no page and document counts (and so does not count them)."""
    summary_items[:] = []


@hooks.register("construct_admin_api", order=100)
def scope_admin_document_api(router):
    """Wagtail's admin API lists every document outside view-restricted collections,
    whatever the person's collection permissions; this one lists only the documents the
    person may choose or change (their branches' course material, for a coordinator)."""
    from wagtail.documents import get_document_model
    from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
    from wagtail.permissions import policy_registry

    permission_policy = policy_registry.get_by_type(get_document_model())

    class ScopedDocumentsAdminAPIViewSet(DocumentsAdminAPIViewSet):
        def get_queryset(self):
            allowed = permission_policy.instances_user_has_any_permission_for(
                self.request.user, ["choose", "change"]
            )
            return super().get_queryset().filter(pk__in=allowed.values("pk"))

    router.register_endpoint("documents", ScopedDocumentsAdminAPIViewSet)
