"""The gate in front of the Wagtail admin.

- Volunteers and other accounts without admin access get a 403, not a login loop.
- Some admin screens show every branch at once (Wagtail's site history lists the
  names of all edited records); only national staff may open those.

Two-step verification is not checked here but in `StaffSessionMiddleware`, for the
whole site.
"""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from portal.permissions import (
    is_admin_user,
    is_national_staff,
    is_staff_account,
    session_passed_code_step,
)

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
            if not is_national_staff(request.user) and _view_name(request) in (
                NATIONAL_STAFF_ONLY_VIEWS
            ):
                raise PermissionDenied
        return self.get_response(request)


# What a staff account without TOTP may open: setting it up (allauth asks for the
# password again first), logging out, and addresses that show nothing of the portal.
SETUP_ALLOWED_VIEWS = {
    "mfa_activate_totp",
    "mfa_index",
    "account_reauthenticate",
    "account_logout",
    "set_language",
    "health",
    "health_web",
    "robots_txt",
}


class StaffSessionMiddleware:
    """Two-step verification per session for every staff account, on the whole site.

    Default deny: a staff account (`portal.permissions.is_staff_account`) whose session
    did not pass allauth's code step (`session_passed_code_step`) reaches nothing of
    the portal: not the admin (every screen, bulk action, chooser and admin API), not
    the confidential pages on the site (intervision notes, member lists, course
    material, the branch feed address), whatever view is added later.

    - Without TOTP set up, the account is sent to allauth's set-up page; only that
      page, logging out and content-free addresses open.
    - With TOTP set up but a session that skipped the code step (a side door, an old
      session), the session is ended and the person is sent to allauth's login, which
      asks for the code and rate-limits.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and is_staff_account(user)
            and not session_passed_code_step(request)
        ):
            if is_mfa_enabled(user, [Authenticator.Type.TOTP]):
                logout(request)
                messages.warning(
                    request,
                    _("Log opnieuw in met je wachtwoord en de code uit je authenticator-app."),
                )
                login = reverse("account_login")
                if request.method == "GET":
                    login += "?" + urlencode({"next": request.get_full_path()})
                return redirect(login)
            view_name = _view_name(request)
            if view_name not in SETUP_ALLOWED_VIEWS:
                messages.warning(
                    request,
                    _(
                        "Stel eerst tweestapsverificatie in met een authenticator-app. "
                        "Daarna kun je de beheeromgeving gebruiken."
                    ),
                )
                return redirect("mfa_activate_totp")
            response = self.get_response(request)
            if view_name == "mfa_activate_totp" and request.method == "POST":
                _record_code_step_of_activation(request)
            return response
        return self.get_response(request)


def _record_code_step_of_activation(request) -> None:
    """Setting up TOTP means typing a valid code: this session has passed the code step.

    allauth records the step on login and reauthentication, not on activation; a new
    coordinator would otherwise be logged out right after setting it up. Recorded only
    when the TOTP authenticator now exists, i.e. this request created it.
    """
    totp = Authenticator.objects.filter(
        user_id=request.user.pk, type=Authenticator.Type.TOTP
    ).first()
    if totp is not None:
        record_authentication(
            request, request.user, "mfa", id=totp.pk, type=totp.type, activated=True
        )


class PrivateResponsesMiddleware:
    """Every response to a logged-in person: `Cache-Control: private, no-store`.

    Pages for someone logged in carry their name, their branch's people, feed addresses;
    no shared cache or browser history may keep them. Anonymous responses keep their
    own caching (the public page cache).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False):
            from django.utils.cache import add_never_cache_headers, patch_cache_control

            add_never_cache_headers(response)
            patch_cache_control(response, private=True, no_store=True)
        return response


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


class ContentSecurityPolicyMiddleware:
    """A `Content-Security-Policy` header on every response (docs/access.md).

    The site (public pages, Mijn Home-Start, allauth's pages) runs only the portal's own
    script files: `script-src 'self'`, no inline script, no `eval`. Wagtail's admin
    still needs inline scripts and styles and `eval` in places, so `/admin/` gets a
    policy that allows those, but still only from this site. Images may also come from
    `CSP_IMG_SRC_EXTRA` (object storage's signed addresses). A response that already
    carries a policy (Wagtail's document view for inline files) keeps its own.

    Placed right after `HealthCheckMiddleware` (which answers first and needs none), so
    redirects, cached public pages and error pages carry it too.
    """

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        img = ["'self'", "data:", *settings.CSP_IMG_SRC_EXTRA]
        common = {
            "default-src": ["'self'"],
            "font-src": ["'self'"],
            "connect-src": ["'self'"],
            "frame-src": ["'self'"],
            "object-src": ["'none'"],
            "base-uri": ["'self'"],
            "form-action": ["'self'"],
        }
        self.site_policy = _policy(
            common,
            {
                "script-src": ["'self'"],
                "style-src": ["'self'", "'unsafe-inline'"],
                "img-src": img,
                "frame-ancestors": ["'none'"],
            },
        )
        self.admin_policy = _policy(
            common,
            {
                "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
                "style-src": ["'self'", "'unsafe-inline'"],
                "img-src": [*img, "blob:"],  # previews of images being uploaded
                "frame-ancestors": ["'self'"],  # the page preview
            },
        )
        self.admin_prefix = "/admin/"

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            admin = request.path_info.startswith(self.admin_prefix)
            response["Content-Security-Policy"] = self.admin_policy if admin else self.site_policy
        return response


def _policy(*parts: dict[str, list[str]]) -> str:
    directives = {name: sources for part in parts for name, sources in part.items()}
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())
