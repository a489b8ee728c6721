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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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
from portal.models import Branch
from portal.permissions import coordinates_branch

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


def participants(request, course_id: int):
    course = _course(request, course_id)
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
    return TemplateResponse(
        request,
        "courses/admin/participants.html",
        {
            "course": course,
            "enrolled": groups[EnrolmentStatus.ENROLLED],
            "waitlisted": groups[EnrolmentStatus.WAITLISTED],
            "cancelled": groups[EnrolmentStatus.CANCELLED],
        },
    )


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
    """One select per participant and session: present, absent, excused or nothing."""

    CHOICES = [("", "–"), *AttendanceStatus.choices]

    def __init__(self, *args, enrolments, sessions, attendance, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.cells: dict[str, tuple[int, int]] = {}
        for enrolment in enrolments:
            for session in sessions:
                name = f"a-{enrolment.pk}-{session.pk}"
                current = attendance.get((enrolment.pk, session.pk))
                self.fields[name] = forms.ChoiceField(
                    choices=self.CHOICES,
                    required=False,
                    label=f"{enrolment.volunteer.full_name}, {session.date:%d-%m-%Y}",
                    initial=current.status if current else "",
                    disabled=session.is_cancelled or session.date > today,
                    error_messages={"invalid_choice": services.MSG_UNKNOWN_ATTENDANCE},
                )
                self.cells[name] = (enrolment.pk, session.pk)

    def marks(self) -> dict[tuple[int, int], str]:
        return {
            cell: self.cleaned_data[name]
            for name, cell in self.cells.items()
            if not self.fields[name].disabled
        }


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
                    "field": form[f"a-{enrolment.pk}-{session.pk}"],
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
