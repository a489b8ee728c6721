"""The coordinator's course screens in the Wagtail admin: the list of courses, the
participants (with cancelling a place), the attendance grid, make-up, cancelling a
session or the whole course, and the spreadsheet of enrolment and attendance.

Every screen is for coordinators of the course's branch and national staff only;
another branch's course is a 404 (portal/scoping.py's rule).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import View
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from courses import services
from courses.models import (
    Attendance,
    AttendanceStatus,
    CourseEnrolment,
    CoursePage,
    CourseSession,
    EnrolmentStatus,
)
from portal.errors import ServiceError
from portal.models import Branch, Volunteer, VolunteerStatus
from portal.permissions import coordinates_branch
from portal.widgets import PlainSelect

ADMIN_PERMISSION = "courses.change_attendance"
MAX_ID = 2**63 - 1


def _check_role(request) -> None:
    if not request.user.has_perm(ADMIN_PERMISSION):
        raise PermissionDenied


def scoped_courses(user):
    """The courses of the branches this user coordinates (all, for national staff)."""
    return CoursePage.objects.filter(branch__in=Branch.objects.coordinated_by(user))


def _course(request, course_id: int) -> CoursePage:
    _check_role(request)
    if course_id > MAX_ID:
        raise Http404
    course = get_object_or_404(CoursePage.objects.select_related("branch"), pk=course_id)
    if not coordinates_branch(request.user, course.branch_id):
        raise Http404
    return course


def course_index(request):
    _check_role(request)
    courses = (
        scoped_courses(request.user)
        .with_schedule()
        .select_related("branch")
        .order_by("-first_session_date", "title")
    )
    return TemplateResponse(request, "courses/admin/index.html", {"courses": courses})


class AddParticipantForm(forms.Form):
    """A coordinator enrols one of the branch's volunteers by hand."""

    volunteer = forms.ModelChoiceField(
        label=gettext_lazy("Vrijwilliger"),
        queryset=Volunteer.objects.none(),
        empty_label=gettext_lazy("– kies een vrijwilliger –"),
        error_messages={
            "required": gettext_lazy("Kies wie je wilt toevoegen."),
            "invalid_choice": gettext_lazy(
                "Kies een vrijwilliger van deze afdeling die nog niet is ingeschreven."
            ),
        },
    )

    def __init__(self, *args, course: CoursePage, **kwargs):
        super().__init__(*args, **kwargs)
        taken = CourseEnrolment.objects.filter(offering=course).active().values("volunteer_id")
        self.fields["volunteer"].queryset = (
            Volunteer.objects.filter(branch_id=course.branch_id)
            .exclude(status=VolunteerStatus.STOPPED)
            .exclude(pk__in=taken)
            .select_related("user")
            .order_by("user__first_name", "user__last_name", "pk")
        )
        self.fields["volunteer"].label_from_instance = lambda volunteer: (
            f"{volunteer.full_name} ({volunteer.get_status_display()})"
        )


# What the engine says to a volunteer ("Je bent al ingeschreven"), said to the coordinator.
ADD_REFUSALS = {
    "already_enrolled": gettext_lazy("%(name)s is al ingeschreven."),
    "already_waitlisted": gettext_lazy("%(name)s staat al op de wachtlijst."),
    "introduction_completed": gettext_lazy("%(name)s heeft de introductiecursus al afgerond."),
    "other_introduction": gettext_lazy(
        "%(name)s is al ingeschreven voor een andere introductiecursus. Meld die eerst af."
    ),
    "volunteer_stopped": gettext_lazy("%(name)s staat als gestopt geregistreerd."),
}


def _participants_response(request, course, *, form=None, status=200):
    enrolments = (
        CourseEnrolment.objects.filter(offering=course)
        .select_related("volunteer__user", "cancelled_by")
        .order_by("status", "waitlist_number", "volunteer__user__last_name")
    )
    groups = {status: [] for status in EnrolmentStatus.values}
    for enrolment in enrolments:
        groups[enrolment.status].append(enrolment)
    for position, enrolment in enumerate(groups[EnrolmentStatus.WAITLISTED], start=1):
        enrolment.position = position
    can_add = not course.is_cancelled and (
        course.offering_ends_at() is None or course.offering_ends_at() > timezone.now()
    )
    return TemplateResponse(
        request,
        "courses/admin/participants.html",
        {
            "course": course,
            "enrolled": groups[EnrolmentStatus.ENROLLED],
            "waitlisted": groups[EnrolmentStatus.WAITLISTED],
            "cancelled": groups[EnrolmentStatus.CANCELLED],
            "add_form": (form or AddParticipantForm(course=course)) if can_add else None,
        },
        status=status,
    )


def participants(request, course_id: int):
    return _participants_response(request, _course(request, course_id))


@require_POST
def add_participant(request, course_id: int):
    """Enrol a volunteer by hand, through the same enrolment engine as a sign-up (a
    place, or the waitlist when the course is full; the volunteer gets the e-mail)."""
    course = _course(request, course_id)
    form = AddParticipantForm(request.POST, course=course)
    if not form.is_valid():
        return _participants_response(request, course, form=form, status=400)
    volunteer = form.cleaned_data["volunteer"]
    try:
        enrolment = services.enrol_volunteer(
            offering=course, volunteer=volunteer, by_coordinator=True
        )
    except ServiceError as error:
        message = ADD_REFUSALS.get(error.code)
        form.add_error(
            "volunteer", message % {"name": volunteer.full_name} if message else error.message
        )
        return _participants_response(request, course, form=form, status=400)
    if enrolment.is_enrolled:
        text = _("%(name)s is ingeschreven en krijgt een bevestiging per e-mail.")
    else:
        text = _("De cursus is vol: %(name)s staat op de wachtlijst en krijgt daarover een e-mail.")
    messages.success(request, text % {"name": volunteer.full_name})
    return redirect("courses_admin:participants", course.pk)


def cancel_participant(request, course_id: int, enrolment_id: int):
    course = _course(request, course_id)
    enrolment = get_object_or_404(
        CourseEnrolment.objects.select_related("volunteer__user"),
        pk=min(enrolment_id, MAX_ID),
        offering=course,
    )
    if request.method == "POST":
        try:
            services.cancel_enrolment(enrolment=enrolment, by=request.user)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(name)s is afgemeld en krijgt daarover een e-mail.")
                % {"name": enrolment.volunteer.full_name},
            )
        return redirect("courses_admin:participants", course.pk)
    return TemplateResponse(
        request,
        "courses/admin/confirm.html",
        {
            "course": course,
            "title": _("%(name)s afmelden") % {"name": enrolment.volunteer.full_name},
            "question": _(
                "Wil je %(name)s afmelden voor deze cursus? De vrijwilliger krijgt een "
                "e-mail; een vrijgekomen plaats gaat naar de eerste op de wachtlijst."
            )
            % {"name": enrolment.volunteer.full_name},
            "button": _("Afmelden"),
        },
    )


class AttendanceGridForm(forms.Form):
    """One select per participant and held session: present, absent, excused or nothing.

    Sessions still to come and cancelled ones get no field at all: nothing to record."""

    CHOICES = [("", "–"), *AttendanceStatus.choices]

    def __init__(self, *args, enrolments, sessions, attendance, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.cells: dict[str, tuple[int, int]] = {}
        held = [s for s in sessions if not s.is_cancelled and s.date <= today]
        # Each session's date and each participant's name written once, not per cell.
        dates = {session.pk: date_format(session.date, "l j F") for session in held}
        # And the choices' labels translated once, not in every select.
        choices = [(value, str(label)) for value, label in self.CHOICES]
        for enrolment in enrolments:
            full_name = enrolment.volunteer.full_name
            for session in held:
                name = f"a-{enrolment.pk}-{session.pk}"
                current = attendance.get((enrolment.pk, session.pk))
                self.fields[name] = forms.ChoiceField(
                    choices=choices,
                    required=False,
                    label=_("%(name)s, %(date)s") % {"name": full_name, "date": dates[session.pk]},
                    initial=current.status if current else "",
                    error_messages={"invalid_choice": services.MSG_UNKNOWN_ATTENDANCE},
                    # One select per participant and session held: written in Python,
                    # the same HTML as Django's templates (portal.widgets).
                    widget=PlainSelect,
                )
                self.cells[name] = (enrolment.pk, session.pk)

    def marks(self) -> dict[tuple[int, int], str]:
        return {cell: self.cleaned_data[name] for name, cell in self.cells.items()}


def attendance(request, course_id: int):
    course = _course(request, course_id)
    sessions = list(CourseSession.objects.filter(course=course))
    enrolments = list(
        CourseEnrolment.objects.filter(offering=course, status=EnrolmentStatus.ENROLLED)
        .select_related("volunteer__user")
        .order_by("volunteer__user__last_name", "volunteer__user__first_name", "pk")
    )
    records = {
        (a.enrolment_id, a.session_id): a
        for a in Attendance.objects.filter(enrolment__offering=course).select_related(
            "made_up_in__course"
        )
    }
    today = timezone.localdate()
    form = AttendanceGridForm(
        request.POST if request.method == "POST" else None,
        enrolments=enrolments,
        sessions=sessions,
        attendance=records,
        today=today,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = services.record_attendance(
                    course=course, marks=form.marks(), by=request.user
                )
            except ServiceError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Aanwezigheid opgeslagen (%(count)s deelnemers bijgewerkt).")
                    % {"count": changed},
                )
                return redirect("courses_admin:attendance", course.pk)
        status = 400
    rows = [
        {
            "enrolment": enrolment,
            "cells": [
                {
                    "session": session,
                    "field": form[name]
                    if (name := f"a-{enrolment.pk}-{session.pk}") in form.fields
                    else None,
                    "record": records.get((enrolment.pk, session.pk)),
                }
                for session in sessions
            ],
        }
        for enrolment in enrolments
    ]
    return TemplateResponse(
        request,
        "courses/admin/attendance.html",
        {"course": course, "sessions": sessions, "rows": rows, "form": form},
        status=status,
    )


class MakeUpForm(forms.Form):
    make_up_session = forms.TypedChoiceField(
        label=gettext_lazy("Ingehaald bij"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = {session.pk: session for session in options}
        self.fields["make_up_session"].choices = [
            ("", gettext_lazy("– niet ingehaald –")),
            *[
                (session.pk, f"{session.date:%d-%m-%Y} {session.course.title}: {session.topic}")
                for session in options
            ],
        ]


def make_up(request, course_id: int, enrolment_id: int, session_id: int):
    course = _course(request, course_id)
    enrolment = get_object_or_404(
        CourseEnrolment.objects.select_related("volunteer__user"),
        pk=min(enrolment_id, MAX_ID),
        offering=course,
    )
    session = get_object_or_404(CourseSession, pk=min(session_id, MAX_ID), course=course)
    record = Attendance.objects.filter(enrolment=enrolment, session=session).first()
    options = services.make_up_options(session=session)
    initial = {"make_up_session": record.made_up_in_id if record else None}
    form = MakeUpForm(
        request.POST if request.method == "POST" else None, options=options, initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            chosen = form.options.get(form.cleaned_data["make_up_session"])
            try:
                services.record_make_up(
                    enrolment=enrolment, session=session, make_up_session=chosen, by=request.user
                )
            except ServiceError as error:
                form.add_error("make_up_session", error.message)
            else:
                messages.success(request, _("Inhaalbijeenkomst opgeslagen."))
                return redirect("courses_admin:attendance", course.pk)
        status = 400
    return TemplateResponse(
        request,
        "courses/admin/make_up.html",
        {
            "course": course,
            "enrolment": enrolment,
            "session": session,
            "record": record,
            "form": form,
        },
        status=status,
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Toelichting voor de deelnemers"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Komt in de e-mail aan de deelnemers."),
    )


def cancel_session(request, course_id: int, session_id: int):
    course = _course(request, course_id)
    session = get_object_or_404(CourseSession, pk=min(session_id, MAX_ID), course=course)
    if request.method == "POST":
        try:
            services.cancel_session(session=session, by=request.user)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("De bijeenkomst is geannuleerd; de deelnemers krijgen een e-mail.")
            )
        return redirect("courses_admin:attendance", course.pk)
    return TemplateResponse(
        request,
        "courses/admin/confirm.html",
        {
            "course": course,
            "title": _("Bijeenkomst annuleren"),
            "question": _(
                "Wil je de bijeenkomst van %(date)s (%(topic)s) annuleren? Alle deelnemers "
                "krijgen een e-mail met de bijgewerkte agenda."
            )
            % {"date": session.date.strftime("%d-%m-%Y"), "topic": session.topic},
            "button": _("Bijeenkomst annuleren"),
        },
    )


def cancel_course(request, course_id: int):
    course = _course(request, course_id)
    form = CancelForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.cancel_course(
                    course=course, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ServiceError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _(
                        "De cursus is geannuleerd; iedereen die ingeschreven was of op de "
                        "wachtlijst stond krijgt een e-mail."
                    ),
                )
                return redirect("courses_admin:participants", course.pk)
        status = 400
    return TemplateResponse(
        request,
        "courses/admin/cancel_course.html",
        {"course": course, "form": form},
        status=status,
    )


STATUS_LABELS = dict(AttendanceStatus.choices)


class CourseExportView(SpreadsheetExportMixin, View):
    """Enrolment and attendance of one course as a spreadsheet (xlsx or csv)."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.course = _course(request, kwargs["course_id"])
        self.sessions = list(CourseSession.objects.filter(course=self.course))
        self.list_export = [
            "name",
            "email",
            "status",
            "waitlist_position",
            "signed_up",
            "enrolled_at",
            "cancelled_at",
            *[f"session_{session.pk}" for session in self.sessions],
            "completed_on",
        ]
        self.export_headings = {
            "name": _("Naam"),
            "email": _("E-mailadres"),
            "status": _("Status"),
            "waitlist_position": _("Plaats op de wachtlijst"),
            "signed_up": _("Aangemeld op"),
            "enrolled_at": _("Ingeschreven op"),
            "cancelled_at": _("Afgemeld op"),
            "completed_on": _("Afgerond op"),
            **{
                f"session_{s.pk}": f"{s.date:%d-%m-%Y} {s.topic}"
                + (f" ({_('geannuleerd')})" if s.is_cancelled else "")
                for s in self.sessions
            },
        }

    def get_filename(self) -> str:
        return f"cursus-{self.course.slug}-{timezone.localdate():%Y%m%d}"

    def to_row_dict(self, item):
        return {field: item.get(field) for field in self.list_export}

    def rows(self) -> list[dict]:
        enrolments = (
            CourseEnrolment.objects.filter(offering=self.course)
            .select_related("volunteer__user")
            .prefetch_related(
                Prefetch(
                    "attendances",
                    queryset=Attendance.objects.select_related("made_up_in__course"),
                )
            )
            .order_by("status", "waitlist_number", "volunteer__user__last_name")
        )
        rows = []
        position = 0
        for enrolment in enrolments:
            by_session = {a.session_id: a for a in enrolment.attendances.all()}
            if enrolment.is_waitlisted:
                position += 1
            row = {
                "name": enrolment.volunteer.full_name,
                "email": enrolment.volunteer.email,
                "status": enrolment.get_status_display(),
                "waitlist_position": position if enrolment.is_waitlisted else "",
                "signed_up": timezone.localtime(enrolment.created_at).replace(tzinfo=None),
                "enrolled_at": _local(enrolment.enrolled_at),
                "cancelled_at": _local(enrolment.cancelled_at),
                "completed_on": enrolment.completed_on or "",
            }
            for session in self.sessions:
                record = by_session.get(session.pk)
                value = str(STATUS_LABELS[record.status]) if record else ""
                if record and record.made_up_in:
                    value += " – " + _("ingehaald op %(date)s") % {
                        "date": f"{record.made_up_in.date:%d-%m-%Y}"
                    }
                row[f"session_{session.pk}"] = str(value)
            rows.append(row)
        return rows

    def get(self, request, *args, **kwargs):
        export_format = request.GET.get("export", self.FORMAT_XLSX)
        if export_format not in self.FORMATS:
            export_format = self.FORMAT_XLSX
        return self.as_spreadsheet(_Rows(self.rows()), export_format)


class _Rows(list):
    """A list the export mixin can take for a queryset (it asks for `.model`)."""

    model = CourseEnrolment


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else ""
