"""Screening in the Wagtail admin: the item types (national staff set the national
ones, coordinators add their branch's) and the per-volunteer screen (admin_views)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.admin.views.generic import DeleteView, EditView
from wagtail.permissions import register_permission_policy

from portal.admin_tables import YesNoColumn
from portal.models import Branch
from portal.permissions import is_national_staff
from portal.scoping import BranchScopedModelViewSet, BranchScopedPermissionPolicy
from portal.screening import admin_urls
from portal.screening.models import ChecklistItemType

MSG_BRANCH_REQUIRED = _("Kies je afdeling: landelijke onderdelen stelt het landelijk steunpunt in.")


class ChecklistTypePolicy(BranchScopedPermissionPolicy):
    """Everyone with the permission sees the national types and their branches' own;
    only national staff change the national ones."""

    def filter_visible(self, user, queryset: QuerySet) -> QuerySet:
        return queryset.filter(
            Q(branch__isnull=True) | Q(branch__in=Branch.objects.coordinated_by(user))
        )

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        if not super().user_has_permission_for_instance(user, action, instance):
            return False
        return action == "view" or instance.branch_id is not None or is_national_staff(user)


register_permission_policy(ChecklistItemType, ChecklistTypePolicy(ChecklistItemType))


class ChecklistItemTypeForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("branch")
        if field is not None:
            field.queryset = Branch.objects.coordinated_by(self.for_user)
            if not is_national_staff(self.for_user):
                field.required = True
                field.error_messages["required"] = MSG_BRANCH_REQUIRED

    def clean_branch(self):
        branch = self.cleaned_data.get("branch")
        if branch is None and not is_national_staff(self.for_user):
            raise ValidationError(MSG_BRANCH_REQUIRED)
        return branch


class _InstancePermissionMixin:
    """Wagtail's generic views check the model permission; a national type also needs
    the instance permission (national staff only)."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not self.permission_policy.is_visible(self.request.user, obj):
            raise Http404
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, self.permission_required, obj
        ):
            raise PermissionDenied
        return obj


class ChecklistItemTypeEditView(_InstancePermissionMixin, EditView):
    pass


class ChecklistItemTypeDeleteView(_InstancePermissionMixin, DeleteView):
    pass


class ChecklistItemTypeViewSet(BranchScopedModelViewSet):
    model = ChecklistItemType
    icon = "tasks"
    menu_label = _("Screening")
    menu_order = 105
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    edit_view_class = ChecklistItemTypeEditView
    delete_view_class = ChecklistItemTypeDeleteView
    list_display = [
        "name",
        "key",
        "branch",
        "order",
        YesNoColumn("required_for_active", label=_("Nodig om actief te worden")),
        "validity_months",
    ]
    list_filter = ["branch"]
    search_fields = ["name", "key"]
    search_backend_name = None
    ordering = ["branch", "order", "name"]
    edit_handler = ObjectList(ChecklistItemType.panels, base_form_class=ChecklistItemTypeForm)


@hooks.register("register_admin_viewset")
def register_checklist_types():
    return ChecklistItemTypeViewSet("screening_types")


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("screening/", include(admin_urls, namespace="screening_admin"))]
