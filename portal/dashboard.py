"""`portal`'s own panels on the admin home: volunteers stuck in the pipeline, open
deletion requests, and the calendar feed of the user's branches as a quick action.

Every part registers its panels the same way, from its own `dashboard.py` (see
`portal/registry.py`, `register_admin_home_panel`); `portal/admin_home.py` shows them.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import DeletionRequest, Volunteer, VolunteerStatus
from portal.registry import (
    QUICK_ACTIONS_PANEL,
    AdminHomePanel,
    DashboardLink,
    DashboardPanelContent,
    DashboardRow,
    DashboardScope,
    register_admin_home_panel,
)

# A volunteer counts as stuck when a step takes longer than this.
VOG_WAIT = datetime.timedelta(weeks=4)  # VOG requested, not received
INTAKE_WAIT = datetime.timedelta(weeks=3)  # in the intake stage
COURSE_WAIT = datetime.timedelta(weeks=12)  # VOG received or in training, course not completed

STUCK_PANEL = AdminHomePanel(
    name="volunteers_stuck",
    title=gettext_lazy("Vrijwilligers die vastlopen"),
    order=50,
    description=gettext_lazy(
        "VOG na vier weken nog niet binnen, intake na drie weken niet gedaan, "
        "introductiecursus na twaalf weken niet afgerond."
    ),
    empty_text=gettext_lazy("Niemand loopt vast."),
    column=gettext_lazy("Vastgelopen"),
)
DELETION_PANEL = AdminHomePanel(
    name="deletion_requests",
    title=gettext_lazy("Verwijderverzoeken"),
    order=55,
    empty_text=gettext_lazy("Geen open verzoeken."),
    column=gettext_lazy("Verwijderverzoeken"),
)


def _may_see_volunteers(scope: DashboardScope) -> bool:
    return bool(scope.branch_ids) and scope.user.has_perm("portal.view_volunteer")


def _stuck(scope: DashboardScope) -> Q:
    today, now = scope.today, scope.now
    vog_overdue = Q(status=VolunteerStatus.VOG_REQUESTED, vog_received_on__isnull=True) & (
        Q(vog_requested_on__lte=today - VOG_WAIT)
        | Q(vog_requested_on__isnull=True, status_changed_at__lte=now - VOG_WAIT)
    )
    intake_overdue = Q(status=VolunteerStatus.INTAKE, status_changed_at__lte=now - INTAKE_WAIT)
    course_overdue = Q(
        status__in=[VolunteerStatus.VOG_RECEIVED, VolunteerStatus.IN_TRAINING],
        introduction_course_completed_on__isnull=True,
        status_changed_at__lte=now - COURSE_WAIT,
    )
    return vog_overdue | intake_overdue | course_overdue


def _day(value: datetime.date | datetime.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        value = timezone.localtime(value)
    return date_format(value, "j b Y")


def _stuck_reason(volunteer: Volunteer) -> str:
    if volunteer.status == VolunteerStatus.VOG_REQUESTED:
        return _("VOG aangevraagd op %(date)s, nog niet ontvangen") % {
            "date": _day(volunteer.vog_requested_on or volunteer.status_changed_at)
        }
    if volunteer.status == VolunteerStatus.INTAKE:
        return _("Intake sinds %(date)s nog niet gedaan") % {
            "date": _day(volunteer.status_changed_at)
        }
    return _("Introductiecursus nog niet afgerond (%(status)s sinds %(date)s)") % {
        "status": volunteer.get_status_display(),
        "date": _day(volunteer.status_changed_at),
    }


def stuck_volunteers(scope: DashboardScope) -> DashboardPanelContent | None:
    """Two queries: the counts per branch, and the longest-waiting few."""
    if not _may_see_volunteers(scope):
        return None
    stuck = Volunteer.objects.filter(branch_id__in=scope.branch_ids).filter(_stuck(scope))
    per_branch = list(
        stuck.order_by()
        .values("branch_id")
        .annotate(n=Count("pk"), oldest=Min("status_changed_at"))
    )
    if not per_branch:
        return DashboardPanelContent(links=_volunteer_links())
    first = stuck.select_related("user").order_by("status_changed_at", "pk")[: STUCK_PANEL.max_rows]
    return DashboardPanelContent(
        count=sum(row["n"] for row in per_branch),
        oldest=min(row["oldest"] for row in per_branch),
        by_branch={row["branch_id"]: row["n"] for row in per_branch},
        rows=tuple(
            DashboardRow(
                text=volunteer.full_name,
                url=reverse("portal_volunteer:edit", args=[volunteer.pk]),
                detail=_stuck_reason(volunteer),
                branch_id=volunteer.branch_id,
            )
            for volunteer in first
        ),
        links=_volunteer_links(),
    )


def _volunteer_links() -> tuple[DashboardLink, ...]:
    index = reverse("portal_volunteer:index")
    return (
        DashboardLink(_("VOG aangevraagd"), f"{index}?status={VolunteerStatus.VOG_REQUESTED}"),
        DashboardLink(_("Intake"), f"{index}?status={VolunteerStatus.INTAKE}"),
        DashboardLink(_("In training"), f"{index}?status={VolunteerStatus.IN_TRAINING}"),
    )


def deletion_requests(scope: DashboardScope) -> DashboardPanelContent | None:
    """A request stays open until the volunteer's data is erased (which removes it)."""
    if not _may_see_volunteers(scope):
        return None
    requests = DeletionRequest.objects.filter(volunteer__branch_id__in=scope.branch_ids)
    per_branch = list(
        requests.order_by()
        .values("volunteer__branch_id")
        .annotate(n=Count("pk"), oldest=Min("requested_at"))
    )
    if not per_branch:
        return DashboardPanelContent()
    first = requests.select_related("volunteer__user").order_by("requested_at", "pk")[
        : DELETION_PANEL.max_rows
    ]
    return DashboardPanelContent(
        count=sum(row["n"] for row in per_branch),
        oldest=min(row["oldest"] for row in per_branch),
        by_branch={row["volunteer__branch_id"]: row["n"] for row in per_branch},
        rows=tuple(
            DashboardRow(
                text=request.volunteer.full_name,
                url=reverse("portal_volunteer:edit", args=[request.volunteer_id]),
                detail=request.note[:120],
                when=request.requested_at,
                branch_id=request.volunteer.branch_id,
            )
            for request in first
        ),
    )


def calendar_feed_action(scope: DashboardScope) -> DashboardPanelContent | None:
    """Mijn agenda holds the address of the feed with every session of the branches."""
    if not scope.branch_ids:
        return None
    return DashboardPanelContent(
        rows=(DashboardRow(text=_("Agenda van mijn afdelingen"), url=reverse("portal:agenda")),)
    )


def register() -> None:
    register_admin_home_panel(STUCK_PANEL, stuck_volunteers, query_budget=2)
    register_admin_home_panel(DELETION_PANEL, deletion_requests, query_budget=2)
    register_admin_home_panel(QUICK_ACTIONS_PANEL, calendar_feed_action, query_budget=0)
