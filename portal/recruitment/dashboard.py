"""Recruitment's panel on the admin home: new volunteers to call, the longest waiting first."""

from __future__ import annotations

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import Volunteer, VolunteerStatus
from portal.registry import (
    AdminHomePanel,
    DashboardLink,
    DashboardPanelContent,
    DashboardRow,
    DashboardScope,
    register_admin_home_panel,
)

APPLICATIONS_PANEL = AdminHomePanel(
    name="new_volunteers",
    title=gettext_lazy("Nieuwe vrijwilligers om te bellen"),
    order=20,
    empty_text=gettext_lazy("Er wachten geen nieuwe vrijwilligers."),
    column=gettext_lazy("Nieuwe vrijwilligers"),
)


def new_volunteers(scope: DashboardScope) -> DashboardPanelContent | None:
    """Volunteers who applied and have not been called yet (status "aangemeld"):
    two queries, the counts per branch and the longest waiting few."""
    if not scope.branch_ids or not scope.user.has_perm("portal.view_volunteer"):
        return None
    waiting = Volunteer.objects.filter(
        branch_id__in=scope.branch_ids, status=VolunteerStatus.APPLIED
    )
    per_branch = list(
        waiting.order_by().values("branch_id").annotate(n=Count("pk"), oldest=Min("created_at"))
    )
    index = reverse("portal_volunteer:index")
    links = (
        DashboardLink(_("Alle nieuwe vrijwilligers"), f"{index}?status={VolunteerStatus.APPLIED}"),
    )
    if not per_branch:
        return DashboardPanelContent(links=links)
    first = waiting.select_related("user").order_by("created_at", "pk")[
        : APPLICATIONS_PANEL.max_rows
    ]
    return DashboardPanelContent(
        count=sum(row["n"] for row in per_branch),
        oldest=min(row["oldest"] for row in per_branch),
        by_branch={row["branch_id"]: row["n"] for row in per_branch},
        rows=tuple(
            DashboardRow(
                text=volunteer.full_name,
                url=reverse("portal_volunteer:edit", args=[volunteer.pk]),
                detail=", ".join(part for part in (volunteer.phone, volunteer.city) if part),
                when=volunteer.created_at,
                branch_id=volunteer.branch_id,
            )
            for volunteer in first
        ),
        links=links,
    )


def register() -> None:
    register_admin_home_panel(APPLICATIONS_PANEL, new_volunteers, query_budget=2)
