"""The volunteer's side of the support route: their family, logging a visit, the
worry button, the weekly e-mail's links and its opt-out.

A volunteer reaches only their own running match: any other id (another volunteer's,
an ended one) is a 404. Family data is shown on these pages only; it never goes into
a URL (ids and signed tokens only) or a log line.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.decorators import volunteer_required
from portal.errors import ServiceError
from support import services
from support.forms import VisitForm, WeeklyEmailForm
from support.models import Match, VisitKind, VisitSource
from support.permissions import active_match_of
from support.summary import family_summary
from support.tasks import LINK_ANSWERS


def _page(request, *, form=None, error=None, status=200, match_id=None):
    summary = family_summary(request.volunteer)
    return render(
        request,
        "support/my_family.html",
        {"summary": summary, "form": form, "error": error, "error_match": match_id},
        status=status,
    )


@volunteer_required
def my_family(request):
    return _page(request)


def _own_match(request, pk: int) -> Match:
    match = active_match_of(request.user, pk)
    if match is None:
        raise Http404
    return match


@volunteer_required
@require_POST
def log_visit(request, pk: int):
    match = _own_match(request, pk)
    form = VisitForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form, status=400, match_id=match.pk)
    data = form.cleaned_data
    try:
        services.log_visit(
            match=match,
            by=request.user,
            on=data["date"],
            kind=data["kind"],
            minutes=data["minutes"] if data["kind"] == VisitKind.DONE else None,
            source=VisitSource.PORTAL,
        )
    except ServiceError as refusal:
        return _page(request, form=form, error=refusal.message, status=409, match_id=match.pk)
    messages.success(request, _("Genoteerd. Dank je wel!"))
    return redirect((request.POST.get("next") == "gezin" and "support:my_family") or "portal:mijn")


@volunteer_required
@require_POST
def raise_concern(request, pk: int):
    match = _own_match(request, pk)
    services.raise_concern(match=match, by=request.user)
    messages.warning(
        request,
        _(
            "Je coördinator heeft bericht gekregen en belt je zo snel mogelijk. Is er direct "
            "gevaar? Bel 112. Advies nodig? Bel Veilig Thuis: 0800 2000."
        ),
    )
    return redirect("support:my_family")


@volunteer_required
@require_POST
def weekly_email(request):
    form = WeeklyEmailForm(request.POST)
    form.is_valid()  # a checkbox: absent means off
    wanted = bool(form.cleaned_data.get("weekly_email"))
    services.set_support_settings(volunteer=request.volunteer, weekly_email=wanted)
    messages.success(
        request,
        _("Je krijgt de wekelijkse e-mail.")
        if wanted
        else _("Je krijgt de wekelijkse e-mail niet meer."),
    )
    return redirect("portal:mijn")


def _invalid_link(request, *, expired: bool):
    return render(
        request,
        "support/week_link_invalid.html",
        {"expired": expired},
        status=410 if expired else 400,
    )


@require_http_methods(["GET", "POST"])
def week_link(request, token: str):
    """The link in the weekly e-mail: works without logging in; a signed, expiring token
    that carries the match's id and the week. GET asks to confirm (mail scanners open
    links); POST records, once per week."""
    try:
        match_id, week = services.read_week_link_token(token)
    except signing.SignatureExpired:
        return _invalid_link(request, expired=True)
    except signing.BadSignature:
        return _invalid_link(request, expired=False)
    match = Match.objects.filter(pk=match_id).first()
    if match is None:
        return _invalid_link(request, expired=False)
    if not match.is_active:
        return render(request, "support/week_link.html", {"ended": True}, status=410)
    answer = (
        request.POST.get("antwoord") if request.method == "POST" else request.GET.get("antwoord")
    )
    week_end = week + datetime.timedelta(days=6)
    context = {"week": week, "week_end": week_end, "answers": LINK_ANSWERS, "chosen": answer}
    existing = match.visits.filter(date__gte=week, date__lte=week_end).first()
    if request.method == "POST":
        if answer not in LINK_ANSWERS:
            context["error"] = _("Kies een van de antwoorden.")
            return render(request, "support/week_link.html", context, status=400)
        try:
            visit, created = services.answer_week_by_link(
                match=match, week=week, kind=LINK_ANSWERS[answer], today=timezone.localdate()
            )
        except ServiceError as refusal:
            context["error"] = refusal.message
            return render(request, "support/week_link.html", context, status=409)
        context.update({"done": True, "visit": visit, "created": created})
        return render(request, "support/week_link.html", context)
    context["visit"] = existing
    return render(request, "support/week_link.html", context)
