"""Sign-up and cancellation from the course page, and the course's calendar file.

Thin views: parse, check, call `courses.services`, respond. A refusal shows the course
page again with the service's Dutch message (409); invalid input with the form's
message (400).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from courses import services
from courses.calendar import course_calendar
from courses.forms import CancelEnrolmentForm, EnrolForm
from courses.models import CourseEnrolment, CoursePage
from courses.permissions import can_see_material
from portal.decorators import volunteer_required
from portal.emails import absolute_url
from portal.errors import ServiceError
from portal.models import Volunteer


def course_page_context(request, course: CoursePage) -> dict:
    """What the course page shows the visitor: dates, places, their own place, material.

    A fixed number of queries, whatever the number of sessions or participants.
    """
    user = request.user
    volunteer = None
    enrolment = None
    refusal = None
    if user.is_authenticated:
        volunteer = Volunteer.objects.filter(user=user).first()
    if volunteer is not None:
        enrolment = CourseEnrolment.objects.filter(offering=course, volunteer=volunteer).first()
        if enrolment is None or enrolment.is_cancelled:
            refusal = services.enrolment_refusal(offering=course, volunteer=volunteer)
    counts = course.enrolment_counts()
    material = []
    if user.is_authenticated and can_see_material(user, course):
        material = [item.document for item in course.documents.select_related("document")]
    return {
        "sessions": course.session_list,
        "enrolled_count": counts["enrolled"],
        "waitlisted_count": counts["waitlisted"],
        "places_left": max(course.capacity - counts["enrolled"], 0),
        "signup_open": course.is_signup_open(),
        "volunteer": volunteer,
        "enrolment": enrolment,
        "waitlist_position": enrolment.waitlist_position() if enrolment else None,
        "refusal": refusal,
        "enrol_form": EnrolForm(),
        "cancel_form": CancelEnrolmentForm(),
        "material": material,
    }


MAX_ID = 2**63 - 1  # larger ids cannot be in the database; do not ask it


def _course(course_id: int) -> CoursePage:
    if course_id > MAX_ID:
        raise Http404
    return get_object_or_404(
        CoursePage.objects.live().select_related("branch", "locale"), pk=course_id
    )


def _course_page(request, course: CoursePage, *, status: int, **forms) -> TemplateResponse:
    context = course.get_context(request)
    context.update(forms)
    return TemplateResponse(request, course.get_template(request), context, status=status)


@require_POST
def enrol(request, course_id: int):
    course = _course(course_id)
    if not request.user.is_authenticated:
        return redirect_to_login(course.url)
    return _enrol(request, course)


@volunteer_required
def _enrol(request, course: CoursePage):
    form = EnrolForm(request.POST)
    if not form.is_valid():
        return _course_page(request, course, status=400, enrol_form=form)
    try:
        enrolment = services.enrol_volunteer(offering=course, volunteer=request.volunteer)
    except ServiceError as error:
        form.add_error(None, error.message)
        return _course_page(request, course, status=409, enrol_form=form)
    if enrolment.is_enrolled:
        messages.success(request, _("Je bent ingeschreven. Je krijgt een bevestiging per e-mail."))
    else:
        messages.info(
            request,
            _("De cursus is vol. Je staat op de wachtlijst, op plaats %(position)s.")
            % {"position": enrolment.waitlist_position()},
        )
    return redirect(course.url + "#mijn-plaats")


@require_POST
def cancel(request, course_id: int):
    course = _course(course_id)
    if not request.user.is_authenticated:
        return redirect_to_login(course.url)
    return _cancel(request, course)


@volunteer_required
def _cancel(request, course: CoursePage):
    form = CancelEnrolmentForm(request.POST)
    enrolment = CourseEnrolment.objects.filter(offering=course, volunteer=request.volunteer).first()
    if enrolment is None:
        raise Http404
    try:
        services.cancel_enrolment(enrolment=enrolment, by=request.user)
    except ServiceError as error:
        form.add_error(None, error.message)
        return _course_page(request, course, status=409, cancel_form=form)
    messages.success(request, _("Je bent afgemeld."))
    return redirect(course.url + "#mijn-plaats")


@require_GET
def course_ics(request, course_id: int):
    """All sessions of a public course, for anyone's calendar."""
    course = _course(course_id)
    ics = course_calendar(course, now=timezone.now(), base_url=absolute_url(""))
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{course.slug}.ics"'
    return response
