"""The coordinator's screen for one volunteer: the checklist with dates (tick an item),
and supervision: the talks held, the talks planned, and recording a talk.

For coordinators of the volunteer's branch; national staff read the checklist but
neither change it nor see supervision notes; another branch's volunteer is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.errors import ServiceError
from portal.models import Branch, Volunteer, VolunteerStatus
from portal.screening import services
from portal.screening.forms import ChecklistItemForm, SupervisionContactForm

VIEW_PERMISSION = "screening.view_checklistitem"
CHANGE_PERMISSION = "screening.change_checklistitem"
SUPERVISION_PERMISSION = "screening.add_supervisioncontact"
MAX_ID = 2**63 - 1


def _volunteer(request, volunteer_id: int) -> Volunteer:
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied
    if volunteer_id > MAX_ID:
        raise Http404
    return get_object_or_404(
        Volunteer.objects.select_related("user", "branch").filter(
            branch__in=Branch.objects.coordinated_by(request.user)
        ),
        pk=volunteer_id,
    )


def can_supervise(user, volunteer: Volunteer) -> bool:
    """The branch's own coordinators only: national staff never see the notes."""
    return user.has_perm(SUPERVISION_PERMISSION) and (
        user.coordinated_branches.filter(pk=volunteer.branch_id).exists()
    )


def _page(request, volunteer, *, item_forms=None, contact_form=None, status=200):
    rows = services.checklist(volunteer)
    item_forms = item_forms or {}
    may_change = request.user.has_perm(CHANGE_PERMISSION) and can_supervise(request.user, volunteer)
    supervise = can_supervise(request.user, volunteer)
    blockers = (
        services.activation_blockers_of(rows)
        if volunteer.status not in (VolunteerStatus.ACTIVE, VolunteerStatus.STOPPED)
        else []
    )
    flagged = [
        row
        for row in rows
        if volunteer.status == VolunteerStatus.ACTIVE
        and row.item_type.required_for_active
        and row.state == services.ItemState.EXPIRED
    ]
    context = {
        "volunteer": volunteer,
        "rows": [
            (
                row,
                item_forms.get(row.item_type.pk)
                or ChecklistItemForm(
                    initial={"requested_on": row.requested_on, "done_on": row.done_on},
                    prefix=f"item{row.item_type.pk}",
                ),
            )
            for row in rows
        ],
        "may_change": may_change,
        "supervise": supervise,
        "blockers": blockers,
        "flagged": flagged,
    }
    if supervise:
        context.update(
            {
                "callbacks": volunteer.callback_requests.filter(answered_at__isnull=True),
                "contacts": volunteer.supervision_contacts.select_related("recorded_by")[:50],
                "plans": volunteer.supervision_plans.order_by("due_on"),
                "contact_form": contact_form or SupervisionContactForm(),
            }
        )
    return TemplateResponse(request, "screening/admin/volunteer.html", context, status=status)


@require_http_methods(["GET"])
def volunteer_screening(request, volunteer_id: int):
    return _page(request, _volunteer(request, volunteer_id))


@require_POST
def record_item(request, volunteer_id: int, type_id: int):
    volunteer = _volunteer(request, volunteer_id)
    if not request.user.has_perm(CHANGE_PERMISSION) or not can_supervise(request.user, volunteer):
        raise PermissionDenied
    item_type = next(
        (t for t in services.effective_types(volunteer.branch_id) if t.pk == type_id), None
    )
    if item_type is None:
        raise Http404
    form = ChecklistItemForm(request.POST, prefix=f"item{type_id}")
    if form.is_valid():
        try:
            services.record_checklist_item(
                volunteer=volunteer,
                item_type=item_type,
                done_on=form.cleaned_data["done_on"],
                requested_on=form.cleaned_data["requested_on"],
                by=request.user,
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("„%(item)s” is bijgewerkt.") % {"item": item_type.name})
            return redirect("screening_admin:volunteer", volunteer.pk)
    return _page(request, volunteer, item_forms={type_id: form}, status=400)


@require_POST
def record_contact(request, volunteer_id: int):
    volunteer = _volunteer(request, volunteer_id)
    if not can_supervise(request.user, volunteer):
        raise PermissionDenied
    form = SupervisionContactForm(request.POST)
    if form.is_valid():
        try:
            services.record_supervision_contact(
                volunteer=volunteer, by=request.user, **form.cleaned_data
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Het gesprek is vastgelegd."))
            return redirect("screening_admin:volunteer", volunteer.pk)
    return _page(request, volunteer, contact_form=form, status=400)


@require_POST
def answer_callback(request, volunteer_id: int, callback_id: int):
    volunteer = _volunteer(request, volunteer_id)
    if not can_supervise(request.user, volunteer):
        raise PermissionDenied
    callback = get_object_or_404(volunteer.callback_requests, pk=min(callback_id, MAX_ID))
    services.answer_callback(callback=callback, by=request.user)
    messages.success(request, _("Het terugbelverzoek is als beantwoord gemarkeerd."))
    return redirect("screening_admin:volunteer", volunteer.pk)
