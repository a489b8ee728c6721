"""Portal views of intervision: a session (answer, notes), a group, the answer link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from intervision.forms import NO_FAMILIES, RsvpForm, SessionNoteForm
from intervision.models import (
    IntervisionGroup,
    IntervisionSession,
    Rsvp,
    RsvpAnswer,
    ThemeMeeting,
    ThemeMeetingEnrolment,
)
from intervision.permissions import (
    can_view_group,
    can_view_notes,
    can_view_session,
    is_member,
    volunteer_of,
)
from intervision.services import (
    add_session_note,
    answer_invitation,
    cancel_theme_meeting_sign_up,
    read_rsvp_token,
    sign_up_for_theme_meeting,
)
from portal.decorators import volunteer_required
from portal.errors import ServiceError
from portal.models import Volunteer


def _visible_session(request, pk: int) -> IntervisionSession:
    session = get_object_or_404(
        IntervisionSession.objects.select_related("group", "group__branch"), pk=pk
    )
    # Another branch's session answers exactly like one that does not exist.
    if not can_view_session(request.user, session):
        raise Http404
    return session


def _session_context(request, session, *, rsvp_form=None, note_form=None) -> dict:
    volunteer = volunteer_of(request.user)
    member = volunteer is not None and is_member(request.user, session.group)
    rsvp = Rsvp.objects.filter(session=session, volunteer=volunteer).first() if member else None
    notes_visible = can_view_notes(request.user, session)
    now = timezone.now()
    can_answer = member and not session.is_cancelled and session.start > now
    # A report is about a meeting that took place: its form appears once it has begun.
    can_write = notes_visible and not session.is_cancelled and session.start <= now
    notes = list(session.notes.select_related("author")) if notes_visible else []
    return {
        "session": session,
        "group": session.group,
        "rsvp": rsvp,
        "can_answer": can_answer,
        # Nothing chosen for someone who has not answered yet.
        "rsvp_form": rsvp_form or RsvpForm(initial={"answer": rsvp.answer if rsvp else None}),
        "notes_visible": notes_visible and (can_write or bool(notes)),
        "notes": notes,
        "note_form": note_form or (SessionNoteForm() if can_write else None),
        "no_families": NO_FAMILIES,
    }


@login_required
def session_detail(request, pk: int):
    session = _visible_session(request, pk)
    return render(request, "intervision/session.html", _session_context(request, session))


@login_required
@require_POST
def answer(request, pk: int):
    session = _visible_session(request, pk)
    form = RsvpForm(request.POST)
    volunteer = volunteer_of(request.user)
    if not form.is_valid() or volunteer is None:
        context = _session_context(request, session, rsvp_form=form)
        return render(request, "intervision/session.html", context, status=400)
    try:
        answer_invitation(session=session, volunteer=volunteer, answer=form.cleaned_data["answer"])
    except ServiceError as error:
        form.add_error(None, error.message)
        context = _session_context(request, session, rsvp_form=form)
        return render(request, "intervision/session.html", context, status=409)
    messages.success(request, _("Je antwoord is opgeslagen."))
    # Answered from Mijn agenda: back there, at the same meeting.
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("intervision:session", pk=session.pk)


@login_required
@require_POST
def add_note(request, pk: int):
    session = _visible_session(request, pk)
    if not can_view_notes(request.user, session):
        raise Http404
    form = SessionNoteForm(request.POST)
    if form.is_valid():
        try:
            add_session_note(session=session, author=request.user, text=form.cleaned_data["text"])
        except ServiceError as error:
            if error.code == "not_held":
                # There is no report form to show the refusal next to.
                messages.error(request, error.message)
                return render(
                    request,
                    "intervision/session.html",
                    _session_context(request, session),
                    status=400,
                )
            form.add_error("text" if error.field == "text" else None, error.message)
        else:
            messages.success(request, _("Het verslag is opgeslagen."))
            return redirect("intervision:session", pk=session.pk)
    context = _session_context(request, session, note_form=form)
    return render(request, "intervision/session.html", context, status=400)


@login_required
def group_detail(request, pk: int):
    group = get_object_or_404(IntervisionGroup.objects.select_related("branch"), pk=pk)
    if not can_view_group(request.user, group):
        raise Http404
    now = timezone.now()
    return render(
        request,
        "intervision/group.html",
        {
            "group": group,
            "members": group.members.select_related("user").order_by(
                "user__first_name", "user__last_name"
            ),
            "sessions": group.sessions.filter(end__gte=now).order_by("start")[:12],
        },
    )


def _invalid_link(request, *, expired: bool):
    return render(
        request,
        "intervision/rsvp_link_invalid.html",
        {"expired": expired},
        status=410 if expired else 400,
    )


@require_http_methods(["GET", "POST"])
def answer_by_link(request, token: str):
    """The link in an invitation: works without logging in; a signed, expiring token."""
    try:
        session_id, volunteer_id = read_rsvp_token(token)
    except signing.SignatureExpired:
        return _invalid_link(request, expired=True)
    except signing.BadSignature:
        return _invalid_link(request, expired=False)
    session = IntervisionSession.objects.select_related("group").filter(pk=session_id).first()
    volunteer = Volunteer.objects.select_related("user").filter(pk=volunteer_id).first()
    if session is None or volunteer is None:
        return _invalid_link(request, expired=False)
    rsvp = Rsvp.objects.filter(session=session, volunteer=volunteer).first()
    initial = request.GET.get("antwoord")
    # The link in the e-mail says which answer was clicked; otherwise an earlier answer.
    chosen = initial if initial in RsvpAnswer.values else (rsvp.answer if rsvp else None)
    form = RsvpForm(initial={"answer": chosen})
    status = 200
    error = None
    if request.method == "POST":
        form = RsvpForm(request.POST)
        if form.is_valid():
            try:
                rsvp = answer_invitation(
                    session=session,
                    volunteer=volunteer,
                    answer=form.cleaned_data["answer"],
                    via_email=True,
                )
            except ServiceError as refusal:
                error, status = refusal.message, 409
            else:
                return render(
                    request,
                    "intervision/rsvp_link.html",
                    {"session": session, "rsvp": rsvp, "done": True},
                )
        else:
            status = 400
    return render(
        request,
        "intervision/rsvp_link.html",
        {"session": session, "rsvp": rsvp, "form": form, "error": error, "token": token},
        status=status,
    )


# --- Theme meetings ----------------------------------------------------------------


def _open_meeting(request, pk: int) -> ThemeMeeting:
    meeting = ThemeMeeting.objects.filter(pk=pk).first()
    if meeting is None or not meeting.is_open_to(request.volunteer.branch_id):
        raise Http404
    return meeting


def _meeting_page(request, meeting, *, error=None, status=200):
    enrolment = meeting.enrolments.filter(volunteer=request.volunteer).first()
    return render(
        request,
        "intervision/theme_meeting.html",
        {
            "meeting": meeting,
            "enrolment": enrolment,
            "places_left": max(meeting.capacity - meeting.enrolments.enrolled().count(), 0),
            "signup_open": meeting.is_signup_open(),
            "error": error,
        },
        status=status,
    )


@volunteer_required
def theme_meetings(request):
    volunteer = request.volunteer
    meetings = list(
        ThemeMeeting.objects.open_to_branch(volunteer.branch_id)
        .filter(ends_at__gt=timezone.now())
        .select_related("branch")
        .order_by("starts_at")
    )
    mine = dict(
        ThemeMeetingEnrolment.objects.filter(
            volunteer=volunteer, offering__in=[m.pk for m in meetings]
        ).values_list("offering_id", "status")
    )
    rows = [(meeting, mine.get(meeting.pk)) for meeting in meetings]
    return render(request, "intervision/theme_meetings.html", {"rows": rows})


@volunteer_required
def theme_meeting(request, pk: int):
    return _meeting_page(request, _open_meeting(request, pk))


@volunteer_required
@require_POST
def theme_meeting_sign_up(request, pk: int):
    meeting = _open_meeting(request, pk)
    try:
        enrolment = sign_up_for_theme_meeting(meeting=meeting, volunteer=request.volunteer)
    except ServiceError as refusal:
        return _meeting_page(request, meeting, error=refusal.message, status=409)
    if enrolment.is_waitlisted:
        messages.info(request, _("De bijeenkomst is vol; je staat op de wachtlijst."))
    else:
        messages.success(request, _("Je bent ingeschreven."))
    return redirect("intervision:theme_meeting", pk=meeting.pk)


@volunteer_required
@require_POST
def theme_meeting_cancel(request, pk: int):
    meeting = _open_meeting(request, pk)
    enrolment = meeting.enrolments.filter(volunteer=request.volunteer).first()
    if enrolment is None:
        return _meeting_page(
            request, meeting, error=_("Je was niet aangemeld voor deze bijeenkomst."), status=409
        )
    try:
        cancel_theme_meeting_sign_up(enrolment=enrolment, by=request.user)
    except ServiceError as refusal:
        return _meeting_page(request, meeting, error=refusal.message, status=409)
    messages.success(request, _("Je bent afgemeld."))
    return redirect("intervision:theme_meeting", pk=meeting.pk)
