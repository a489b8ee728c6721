"""The referral form behind a `ReferralFormPage`: parse, limit, call the service, respond.

Nothing of a rejected submission is stored: the form is shown again (400), or the
address is over its limit (429). A stored referral is answered with a redirect to the
thank-you page, whose address carries nothing of the family.
"""

from __future__ import annotations

from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from portal.errors import ServiceError
from portal.pages.languages import interface_language
from portal.ratelimit import MSG_RATE_LIMITED, is_rate_limited, record_submission
from support.referrals.forms import ReferralForm
from support.referrals.services import submit_referral

RATE_LIMIT_FORM = "referral"


def _render(request, page, form, *, status: int = 200) -> TemplateResponse:
    context = page.get_context(request)
    context["form"] = form
    return TemplateResponse(request, page.get_template(request), context, status=status)


def referral_form(request, *, page):
    self_registration = page.is_self_registration
    if request.method == "GET":
        return _render(request, page, ReferralForm(self_registration=self_registration))
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    form = ReferralForm(request.POST, self_registration=self_registration)
    if is_rate_limited(request, RATE_LIMIT_FORM):
        form.is_valid()  # shown again with the visitor's own input, nothing stored
        form.add_error(None, MSG_RATE_LIMITED)
        return _render(request, page, form, status=429)
    if not form.is_valid():
        return _render(request, page, form, status=400)
    try:
        submit_referral(
            family=form.family_details(),
            referrer=form.referrer_details(),
            parents_consent=form.cleaned_data["consent"],
            language=interface_language(),
        )
    except ServiceError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _render(request, page, form, status=400)
    record_submission(request, RATE_LIMIT_FORM)
    return redirect(page.thanks_url)
