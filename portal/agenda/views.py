"""Mijn agenda, and the personal and branch calendar feeds behind a secret token."""

from __future__ import annotations

import datetime
import hashlib
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.agenda.cache import FEED_CACHE_SECONDS, generation
from portal.agenda.feeds import build_calendar
from portal.agenda.models import CalendarFeedToken
from portal.agenda.services import (
    collect_agenda,
    feed_token_for,
    feed_window,
    regenerate_feed_token,
)
from portal.emails import absolute_url
from portal.models import Branch, Volunteer
from portal.permissions import is_national_staff
from portal.registry import AgendaItem, MijnSection

PERSONAL, BRANCHES = "mijn", "afdelingen"


def _branch_ids(user) -> tuple[list[int], list[int]]:
    """The branches whose agenda the person sees, and those they coordinate themselves
    (the same for a coordinator; national staff see every branch)."""
    branch_ids = list(Branch.objects.coordinated_by(user).values_list("pk", flat=True))
    if not is_national_staff(user):
        return branch_ids, branch_ids
    return branch_ids, list(Branch.objects.filter(coordinators=user).values_list("pk", flat=True))


def _feed_urls(token: str, kind: str) -> dict[str, str]:
    https = absolute_url(reverse(f"agenda:feed_{kind}", args=[token]))
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


@login_required
def mijn_agenda(request):
    """A volunteer's own agenda; a coordinator's agenda of their branches."""
    volunteer = Volunteer.objects.filter(user=request.user).only("pk").first()
    _start, end = feed_window()
    now = timezone.now()
    if volunteer is not None:
        items = collect_agenda(volunteer_id=volunteer.pk, start=now, end=end)
        kind = PERSONAL
    else:
        branch_ids, own_branch_ids = _branch_ids(request.user)
        if not branch_ids:
            return render(
                request, "agenda/mijn_agenda.html", {"items": [], "days": [], "feeds": None}
            )
        items = collect_agenda(
            branch_ids=branch_ids, own_branch_ids=own_branch_ids, start=now, end=end
        )
        kind = BRANCHES
    token = feed_token_for(user=request.user)
    return render(
        request,
        "agenda/mijn_agenda.html",
        {
            "items": items,
            "days": _by_day(items),
            "feeds": _feed_urls(token.token, kind),
            "kind": kind,
        },
    )


def _by_day(items: list[AgendaItem]) -> list[tuple[datetime.date, list[AgendaItem]]]:
    """The items under the day they start on (Europe/Amsterdam), in time order."""
    days = groupby(items, key=lambda item: timezone.localdate(item.start))
    return [(day, list(day_items)) for day, day_items in days]


@login_required
@require_http_methods(["GET", "POST"])
def regenerate_token(request):
    """GET asks first (the old address stops working at once); POST makes the new one."""
    if request.method == "GET":
        return render(request, "agenda/new_address_confirm.html")
    regenerate_feed_token(user=request.user)
    messages.success(
        request,
        _(
            "Je agenda heeft een nieuw adres. Het oude adres werkt niet meer: "
            "abonneer je agenda-app opnieuw met het nieuwe."
        ),
    )
    return redirect("portal:agenda")


def _feed(request, token: str, kind: str) -> HttpResponse:
    row = CalendarFeedToken.objects.select_related("user").filter(token=token).first()
    if row is None or not row.user.is_active:
        raise Http404
    user = row.user
    if kind == PERSONAL:
        volunteer_id = Volunteer.objects.filter(user=user).values_list("pk", flat=True).first()
        if volunteer_id is None:
            raise Http404
        scope = {"volunteer_id": volunteer_id}
        name = _("Home-Start: mijn agenda")
    else:
        branch_ids, own_branch_ids = _branch_ids(user)
        if not branch_ids:
            raise Http404
        scope = {"branch_ids": branch_ids, "own_branch_ids": own_branch_ids}
        name = _("Home-Start: agenda van mijn afdelingen")
    key = f"agenda:feed:{kind}:{user.pk}:{generation()}:{request.LANGUAGE_CODE}"
    cached = cache.get(key)
    if cached is None:
        now = timezone.now()
        window = feed_window(now)
        items = collect_agenda(start=window[0], end=window[1], **scope)
        body = build_calendar(
            items, name=name, uid=f"home-start-{kind}-{user.pk}", window=window, stamp=now
        )
        cached = (body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')
        cache.set(key, cached, FEED_CACHE_SECONDS)
    body, etag = cached
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="home-start-{kind}.ics"'
    response["ETag"] = etag
    patch_cache_control(response, private=True, max_age=0, must_revalidate=True)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def personal_feed(request, token: str):
    return _feed(request, token, PERSONAL)


@require_GET
def branch_feed(request, token: str):
    return _feed(request, token, BRANCHES)


def agenda_mijn_section(request, volunteer) -> MijnSection | None:
    """A pointer to Mijn agenda and the calendar feed; no queries of its own, so Mijn
    Home-Start stays as cheap as it was."""
    if volunteer is None:
        return None
    return MijnSection(title=_("Mijn agenda"), template="agenda/mijn_section.html")
