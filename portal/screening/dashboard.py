"""Screening's panels on the admin home: items expiring or expired, requested items
(VOGs) overdue, and supervision talks due. Each provider runs two queries, whatever the
number of branches or volunteers."""

from __future__ import annotations

import datetime

from django.db.models import Case, Count, F, Min, Q, When
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import VolunteerStatus
from portal.registry import (
    AdminHomePanel,
    DashboardPanelContent,
    DashboardRow,
    DashboardScope,
    register_admin_home_panel,
)
from portal.screening import services
from portal.screening.models import ChecklistItem, SupervisionPlan

SCREENING_PANEL = AdminHomePanel(
    name="screening_attention",
    title=gettext_lazy("Screening: verloopt of ontbreekt"),
    order=25,
    description=gettext_lazy(
        "Onderdelen die binnen acht weken verlopen of verlopen zijn, en aanvragen (zoals "
        "de VOG) die na vier weken nog niet binnen zijn."
    ),
    empty_text=gettext_lazy("Geen screening die aandacht vraagt."),
    column=gettext_lazy("Screening"),
)
SUPERVISION_PANEL = AdminHomePanel(
    name="supervision_due",
    title=gettext_lazy("Begeleidingsgesprekken"),
    order=26,
    description=gettext_lazy("Gesprekken die te laat zijn of in de komende twee weken vallen."),
    empty_text=gettext_lazy("Er zijn geen begeleidingsgesprekken aan de beurt."),
    column=gettext_lazy("Gesprekken"),
)
SUPERVISION_HORIZON = datetime.timedelta(weeks=2)


def _content(queryset, *, date_field: str, max_rows: int, make_row) -> DashboardPanelContent:
    per_branch = list(
        queryset.order_by()
        .values("volunteer__branch_id")
        .annotate(n=Count("pk"), oldest=Min(date_field))
    )
    if not per_branch:
        return DashboardPanelContent()
    first = queryset.select_related("volunteer__user").order_by(date_field, "pk")[:max_rows]
    return DashboardPanelContent(
        count=sum(row["n"] for row in per_branch),
        oldest=min(row["oldest"] for row in per_branch),
        by_branch={row["volunteer__branch_id"]: row["n"] for row in per_branch},
        rows=tuple(make_row(obj) for obj in first),
    )


def screening_attention(scope: DashboardScope) -> DashboardPanelContent | None:
    if not scope.branch_ids or not scope.user.has_perm("screening.view_checklistitem"):
        return None
    today = scope.today
    pending = Q(done_on__isnull=True) | Q(done_on__lt=F("requested_on"))
    expiring = Q(expires_on__lte=today + services.EXPIRY_WARNING) & (
        Q(requested_on__isnull=True) | Q(requested_on__lt=F("done_on"))
    )
    # A first VOG of a volunteer in "VOG aangevraagd" is on portal's own panel already.
    overdue = (
        Q(requested_on__lte=today - services.REQUEST_WAIT)
        & pending
        & ~Q(volunteer__status=VolunteerStatus.VOG_REQUESTED, done_on__isnull=True)
    )
    attention = (
        ChecklistItem.objects.filter(volunteer__branch_id__in=scope.branch_ids)
        .exclude(volunteer__status=VolunteerStatus.STOPPED)
        .filter(expiring | overdue)
        .annotate(urgent_on=Case(When(pending, then=F("requested_on")), default=F("expires_on")))
        .select_related("item_type")
    )

    def row(item: ChecklistItem) -> DashboardRow:
        if item.requested_on and (item.done_on is None or item.done_on < item.requested_on):
            detail = _("%(item)s aangevraagd op %(date)s, nog niet binnen") % {
                "item": item.item_type.name,
                "date": f"{item.requested_on:%d-%m-%Y}",
            }
        else:
            verb = _("verlopen op") if item.expires_on <= today else _("verloopt op")
            detail = f"{item.item_type.name} {verb} {item.expires_on:%d-%m-%Y}"
        return DashboardRow(
            text=item.volunteer.full_name,
            url=reverse("screening_admin:volunteer", args=[item.volunteer_id]),
            detail=detail,
            when=item.urgent_on,
            branch_id=item.volunteer.branch_id,
        )

    # Expiry dates and request dates sort together: the most urgent first.
    return _content(
        attention, date_field="urgent_on", max_rows=SCREENING_PANEL.max_rows, make_row=row
    )


def supervision_due(scope: DashboardScope) -> DashboardPanelContent | None:
    # Supervision is the branch's own business: national staff do not get the panel.
    if scope.is_national or not scope.branch_ids:
        return None
    if not scope.user.has_perm("screening.add_supervisioncontact"):
        return None
    due = services.supervision_due(scope.branch_ids, until=scope.today + SUPERVISION_HORIZON)

    def row(plan: SupervisionPlan) -> DashboardRow:
        return DashboardRow(
            text=plan.volunteer.full_name,
            url=reverse("screening_admin:volunteer", args=[plan.volunteer_id]),
            detail=str(plan.get_kind_display()).capitalize(),
            when=plan.due_on,
            branch_id=plan.volunteer.branch_id,
        )

    return _content(due, date_field="due_on", max_rows=SUPERVISION_PANEL.max_rows, make_row=row)


def register() -> None:
    register_admin_home_panel(SCREENING_PANEL, screening_attention, query_budget=2)
    register_admin_home_panel(SUPERVISION_PANEL, supervision_due, query_budget=2)
