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


class InvalidFormStatusMiddleware:
    """A POST answered by re-rendering a form with errors gets status 400, not 200.

    Django, allauth and Wagtail re-render an invalid form with 200. A 400 tells
    browsers, tests and monitoring the truth (the input was refused) while the person
    still sees the same page with the messages. One rule for every form in the site.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        if (
            request.method == "POST"
            and response.status_code == 200
            and any(_has_errors(value) for value in (response.context_data or {}).values())
        ):
            response.status_code = 400
        return response


def _has_errors(value) -> bool:
    from django.forms import BaseForm, BaseFormSet

    if isinstance(value, BaseForm | BaseFormSet):
        return value.is_bound and bool(value.errors)
    return False
