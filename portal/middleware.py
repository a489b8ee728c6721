"""The gate in front of the Wagtail admin.

- Volunteers and other accounts without admin access get a 403, not a login loop.
- Some admin screens show every branch at once (Wagtail's site history lists the
  names of all edited records); only national staff may open those.
- Coordinators and national staff must have TOTP two-factor authentication set up
  before any admin page opens; until then they are sent to allauth's set-up page.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from portal.permissions import is_admin_user, is_national_staff

# Admin views that are not scoped by branch: national staff only.
NATIONAL_STAFF_ONLY_VIEWS = {
    "wagtailadmin_reports:site_history",
    "wagtailadmin_reports:site_history_results",
}


class AdminAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def admin_prefix(self) -> str:
        return reverse("wagtailadmin_home")

    def __call__(self, request):
        if request.path.startswith(self.admin_prefix) and request.user.is_authenticated:
            if not is_admin_user(request.user):
                raise PermissionDenied
            if not is_national_staff(request.user) and self._view_name(request) in (
                NATIONAL_STAFF_ONLY_VIEWS
            ):
                raise PermissionDenied
            if not is_mfa_enabled(request.user, [Authenticator.Type.TOTP]):
                messages.warning(
                    request,
                    _(
                        "Stel eerst tweestapsverificatie in met een authenticator-app. "
                        "Daarna kun je de beheeromgeving gebruiken."
                    ),
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _view_name(request) -> str | None:
        try:
            return resolve(request.path_info).view_name
        except Resolver404:
            return None
