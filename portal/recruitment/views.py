"""The application form behind a `VolunteerApplicationPage`: parse, limit, call, respond."""

from __future__ import annotations

from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from portal.errors import ServiceError
from portal.pages.languages import interface_language
from portal.ratelimit import MSG_RATE_LIMITED, is_rate_limited, record_submission
from portal.recruitment.forms import VolunteerApplicationForm
from portal.recruitment.services import apply_as_volunteer

RATE_LIMIT_FORM = "volunteer_application"


def _render(request, page, form, *, status: int = 200) -> TemplateResponse:
    context = page.get_context(request)
    context["form"] = form
    return TemplateResponse(request, page.get_template(request), context, status=status)


def application_form(request, *, page):
    if request.method == "GET":
        return _render(request, page, VolunteerApplicationForm())
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    form = VolunteerApplicationForm(request.POST)
    if is_rate_limited(request, RATE_LIMIT_FORM):
        form.is_valid()
        form.add_error(None, MSG_RATE_LIMITED)
        return _render(request, page, form, status=429)
    if not form.is_valid():
        return _render(request, page, form, status=400)
    data = form.cleaned_data
    try:
        apply_as_volunteer(
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            phone=data["phone"],
            postcode=data["postcode"],
            branch=data["branch"],
            languages=data["languages"],
            parenting_experience=data["parenting_experience"],
            availability=data["availability"],
            motivation=data["motivation"],
            language=interface_language(),
        )
    except ServiceError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _render(request, page, form, status=400)
    record_submission(request, RATE_LIMIT_FORM)
    return redirect(page.thanks_url)
