"""The "Jaarverslag" menu item and its screens in the Wagtail admin."""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from reports import admin_urls
from reports.permissions import can_view_reports


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("jaarverslag/", include(admin_urls, namespace="reports_admin"))]


class ReportMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return can_view_reports(request.user)


@hooks.register("register_admin_menu_item")
def register_report_menu_item():
    return ReportMenuItem(
        _("Jaarverslag"), reverse("reports_admin:report"), icon_name="table", order=900
    )
