"""Admin screens of the support route beyond the match ViewSet.

- "Vrijwilliger zoeken" for a referral: the ranked candidates; choosing one proposes
  the match. Coordinators of the referral's branch (and national staff) only; another
  branch's referral is a 404.
- A safety concern: for the coordinators of the match's branch only (not national
  staff: 404); every view is logged; steps of the reporting code and closing.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from portal.errors import ServiceError
from portal.models import Branch, Volunteer
from portal.models.volunteers import AVAILABILITY_CHOICES
from support import services
from support.matching import find_candidates
from support.models import Concern, ConcernStepKind, Match, Programme
from support.permissions import can_propose_for, can_see_concerns
from support.referrals.models import Referral


class ProposeForm(forms.Form):
    volunteer = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    programme = forms.ChoiceField(
        label=_("Programma"), choices=Programme.choices, initial=Programme.HOME_START
    )


def _visible_referral(request, pk: int) -> Referral:
    referral = Referral.objects.select_related("branch").filter(pk=pk).first()
    if referral is None or not can_propose_for(request.user, referral):
        raise Http404
    return referral


@require_http_methods(["GET", "POST"])
def find_volunteer(request, referral_pk: int):
    referral = _visible_referral(request, referral_pk)
    day_parts = [p for p in request.GET.getlist("dagdeel") if p in dict(AVAILABILITY_CHOICES)]
    error, status = None, 200
    form = ProposeForm()
    if request.method == "POST":
        form = ProposeForm(request.POST)
        if form.is_valid():
            volunteer = Volunteer.objects.filter(
                pk=form.cleaned_data["volunteer"], branch_id=referral.branch_id
            ).first()
            if volunteer is None:
                error, status = _("Kies een vrijwilliger van deze afdeling."), 400
            else:
                try:
                    match = services.propose_match(
                        referral=referral,
                        volunteer=volunteer,
                        programme=form.cleaned_data["programme"],
                        by=request.user,
                    )
                except ServiceError as refusal:
                    error, status = refusal.message, 409
                else:
                    messages.success(
                        request,
                        _("Koppeling %(reference)s voorgesteld. Leg de kennismaking vast.")
                        % {"reference": match.reference},
                    )
                    return redirect("support_match:edit", match.pk)
        else:
            error, status = _("Kies een vrijwilliger en een programma."), 400
    ready = services.is_ready_for_match(referral)
    open_match = Match.objects.open().filter(referral=referral).first()
    return render(
        request,
        "support/admin/find_volunteer.html",
        {
            "page_title": _("Vrijwilliger zoeken"),
            "referral": referral,
            "ready": ready,
            "open_match": open_match,
            "candidates": find_candidates(referral=referral, day_parts=day_parts)
            if ready and open_match is None
            else [],
            "day_part_choices": AVAILABILITY_CHOICES,
            "day_parts": day_parts,
            "programmes": Programme.choices,
            "error": error,
        },
        status=status,
    )


def waiting_families(request):
    """Referrals of the user's branches whose introduction visit is done, or whose
    volunteer stopped while support goes on, and that have no open match: where
    "Vrijwilliger zoeken" starts."""
    if not request.user.has_perm("support.add_match"):
        raise Http404
    referrals = (
        services.referrals_waiting_for_volunteer()
        .filter(branch__in=Branch.objects.with_families_visible_to(request.user))
        .select_related("branch")
        .order_by("status_changed_at")
    )
    return render(
        request,
        "support/admin/waiting_families.html",
        {"page_title": _("Gezinnen zonder vrijwilliger"), "referrals": referrals[:200]},
    )


class ConcernStepForm(forms.Form):
    step = forms.ChoiceField(label=_("Stap"), choices=ConcernStepKind.choices)
    done_on = forms.DateField(
        label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    note = forms.CharField(
        label=_("Wat is er gedaan?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Alleen voor de coördinatoren van deze afdeling; wordt met de gegevens van het "
            "gezin gewist."
        ),
    )


@require_http_methods(["GET", "POST"])
def concern_detail(request, pk: int):
    concern = (
        Concern.objects.select_related("match__branch", "match__volunteer__user")
        .filter(pk=pk)
        .first()
    )
    if concern is None or not can_see_concerns(request.user, concern.match):
        raise Http404
    services.log_concern_access(concern=concern, user=request.user)
    form, error, status = ConcernStepForm(), None, 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "close":
                services.close_concern(concern=concern, by=request.user)
                messages.success(request, _("De zorgmelding is gesloten."))
                return redirect("support_match:edit", concern.match_id)
            form = ConcernStepForm(request.POST)
            if form.is_valid():
                services.record_concern_step(
                    concern=concern,
                    step=form.cleaned_data["step"],
                    on=form.cleaned_data["done_on"],
                    note=form.cleaned_data["note"],
                    by=request.user,
                )
                messages.success(request, _("De stap is vastgelegd."))
                return redirect("support_concern", concern.pk)
            status = 400
        except ServiceError as refusal:
            error, status = refusal.message, 409
    return render(
        request,
        "support/admin/concern.html",
        {
            "page_title": _("Zorgmelding"),
            "concern": concern,
            "steps": concern.steps.select_related("recorded_by"),
            "accesses": concern.accesses.select_related("user")[:30],
            "form": form,
            "error": error,
            "match_url": reverse("support_match:edit", args=[concern.match_id]),
        },
        status=status,
    )
