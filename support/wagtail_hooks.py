from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from portal.scoping import FamilyDataPermissionPolicy
from support.models import Match

# Registered before the ViewSet is built: it reads the policy from the registry.
register_permission_policy(Match, FamilyDataPermissionPolicy(Match))


@hooks.register("register_admin_viewset")
def register_support_viewsets():
    from support.viewsets import MatchViewSet

    return [MatchViewSet("support_match")]


@hooks.register("register_admin_urls")
def register_support_admin_urls():
    from support import admin_views

    return [
        path(
            "koppelingen/gezinnen/",
            admin_views.waiting_families,
            name="support_waiting_families",
        ),
        path(
            "koppelingen/zoeken/<int:referral_pk>/",
            admin_views.find_volunteer,
            name="support_find_volunteer",
        ),
        path("zorgmeldingen/<int:pk>/", admin_views.concern_detail, name="support_concern"),
    ]


class WaitingFamiliesMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return request.user.has_perm("support.add_match")


@hooks.register("register_admin_menu_item")
def register_waiting_families_menu_item():
    return WaitingFamiliesMenuItem(
        _("Vrijwilliger zoeken"),
        reverse("support_waiting_families"),
        icon_name="search",
        order=107,
    )
