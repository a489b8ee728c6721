"""What intervision puts on the admin home (portal/admin_home.py): this week's and next
week's sessions and theme meetings with their answers, sessions whose attendance is
still open, volunteers who missed three in a row, and "new group" and "new theme
meeting" among the quick actions."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from intervision.models import (
    Attendance,
    IntervisionGroup,
    IntervisionSession,
    RsvpAnswer,
    SessionStatus,
    ThemeMeeting,
)
from intervision.recurrence import aware
from intervision.services import volunteers_missing_in_a_row
from portal.registry import (
    ATTENDANCE_LOOKBACK,
    ATTENDANCE_PANEL,
    QUICK_ACTIONS_PANEL,
    WEEK_PANEL,
    AdminHomePanel,
    DashboardLink,
    DashboardPanelContent,
    DashboardRow,
    DashboardScope,
    register_admin_home_panel,
)

MISSED_PANEL = AdminHomePanel(
    name="missed_in_a_row",
    title=gettext_lazy("Drie keer achter elkaar afwezig bij intervisie"),
    order=60,
    description=gettext_lazy("Misschien is het tijd om even contact op te nemen."),
    empty_text=gettext_lazy("Niemand miste de laatste drie bijeenkomsten."),
    column=gettext_lazy("3× afwezig"),
)

SESSION_PERMISSION = "intervision.view_intervisionsession"
# Absences older than this do not count on the admin home (the weekly digest looks at all).
MISSED_LOOKBACK = datetime.timedelta(days=365)
THEME_MEETING_PERMISSION = "intervision.view_thememeeting"


def _window(scope: DashboardScope) -> tuple[datetime.datetime, datetime.datetime]:
    return aware(scope.today, datetime.time()), aware(scope.week_end, datetime.time())


def _sessions_link() -> tuple[DashboardLink, ...]:
    return (DashboardLink(_("Alle intervisiebijeenkomsten"), reverse("intervision_session:index")),)


def _answers(session) -> str:
    if session.is_cancelled:
        return _("Intervisie, afgelast: %(reason)s") % {"reason": session.cancel_reason}
    unanswered = max(session.member_count - session.yes - session.no, 0)
    return _("Intervisie · %(yes)s komen, %(no)s niet, %(unanswered)s geen antwoord") % {
        "yes": session.yes,
        "no": session.no,
        "unanswered": unanswered,
    }


def sessions_this_week_and_next(scope: DashboardScope) -> DashboardPanelContent | None:
    """One query: the sessions with their answers and the group's size."""
    if not scope.branch_ids or not scope.user.has_perm(SESSION_PERMISSION):
        return None
    start, end = _window(scope)
    sessions = list(
        IntervisionSession.objects.filter(
            group__branch_id__in=scope.branch_ids, start__gte=start, start__lt=end
        )
        .select_related("group")
        .annotate(
            yes=Count("rsvps", filter=Q(rsvps__answer=RsvpAnswer.YES), distinct=True),
            no=Count("rsvps", filter=Q(rsvps__answer=RsvpAnswer.NO), distinct=True),
            member_count=Count("group__members", distinct=True),
        )
        .order_by("start", "pk")
    )
    rows = tuple(
        DashboardRow(
            text=session.group.name,
            url=reverse("intervision_session:edit", args=[session.pk]),
            detail=_answers(session),
            when=session.start,
            branch_id=session.group.branch_id,
            cancelled=session.is_cancelled,
        )
        for session in sessions
    )
    return DashboardPanelContent(count=len(rows), rows=rows, links=_sessions_link())


def theme_meetings_this_week_and_next(scope: DashboardScope) -> DashboardPanelContent | None:
    """One query: the meetings the user's branches organise or may come to, with places."""
    if not scope.branch_ids or not scope.user.has_perm(THEME_MEETING_PERMISSION):
        return None
    start, end = _window(scope)
    meetings = ThemeMeeting.objects.filter(starts_at__gte=start, starts_at__lt=end)
    if not scope.is_national:
        ids = scope.branch_ids
        meetings = meetings.filter(
            pk__in=ThemeMeeting.objects.filter(
                Q(branch_id__in=ids) | Q(open_to_all_branches=True) | Q(open_to_branches__in=ids)
            ).values("pk")
        )
    meetings = list(
        meetings.annotate(
            enrolled=Count("enrolments", filter=Q(enrolments__status="enrolled")),
            waitlisted=Count("enrolments", filter=Q(enrolments__status="waitlisted")),
        ).order_by("starts_at", "pk")
    )
    rows = []
    for meeting in meetings:
        # National staff and the organising branch edit it; others see its public page.
        editable = scope.is_national or meeting.branch_id in scope.branch_ids
        detail = _("Themabijeenkomst · %(enrolled)s van %(capacity)s ingeschreven") % {
            "enrolled": meeting.enrolled,
            "capacity": meeting.capacity,
        }
        if meeting.waitlisted:
            detail += ", " + ngettext(
                "%(count)s op de wachtlijst", "%(count)s op de wachtlijst", meeting.waitlisted
            ) % {"count": meeting.waitlisted}
        rows.append(
            DashboardRow(
                text=meeting.title,
                url=reverse("theme_meeting:edit", args=[meeting.pk])
                if editable
                else reverse("intervision:theme_meeting", args=[meeting.pk]),
                detail=detail,
                when=meeting.starts_at,
                branch_id=meeting.branch_id,
                cancelled=meeting.is_cancelled,
            )
        )
    return DashboardPanelContent(count=len(rows), rows=tuple(rows))


def sessions_without_attendance(scope: DashboardScope) -> DashboardPanelContent | None:
    """One query: held sessions of groups with members, with no attendance recorded."""
    if not scope.branch_ids or not scope.user.has_perm(SESSION_PERMISSION):
        return None
    members = IntervisionGroup.members.through.objects.filter(
        intervisiongroup_id=OuterRef("group_id")
    )
    sessions = list(
        IntervisionSession.objects.filter(
            group__branch_id__in=scope.branch_ids,
            status=SessionStatus.SCHEDULED,
            start__lte=scope.now,
            start__gte=scope.now - ATTENDANCE_LOOKBACK,
        )
        .filter(Exists(members), ~Exists(Attendance.objects.filter(session=OuterRef("pk"))))
        .select_related("group")
        .order_by("start", "pk")
    )
    by_branch: dict[int | None, int] = {}
    for session in sessions:
        by_branch[session.group.branch_id] = by_branch.get(session.group.branch_id, 0) + 1
    return DashboardPanelContent(
        count=len(sessions),
        oldest=sessions[0].start if sessions else None,
        by_branch=by_branch,
        rows=tuple(
            DashboardRow(
                text=session.group.name,
                url=reverse("intervision_session:attendance", args=[session.pk]),
                detail=_("Intervisie: nog niets ingevuld"),
                when=session.start,
                branch_id=session.group.branch_id,
            )
            for session in sessions[: ATTENDANCE_PANEL.max_rows]
        ),
    )


def missed_three_in_a_row(scope: DashboardScope) -> DashboardPanelContent | None:
    """Two queries (intervision.services.volunteers_missing_in_a_row)."""
    if not scope.branch_ids or not scope.user.has_perm(SESSION_PERMISSION):
        return None
    flagged = volunteers_missing_in_a_row(
        branch_ids=scope.branch_ids, since=scope.now - MISSED_LOOKBACK
    )
    volunteers = sorted(
        (volunteer for found in flagged.values() for volunteer in found),
        key=lambda volunteer: volunteer.full_name,
    )
    return DashboardPanelContent(
        count=len(volunteers),
        by_branch={branch_id: len(found) for branch_id, found in flagged.items()},
        rows=tuple(
            DashboardRow(
                text=volunteer.full_name,
                url=reverse("portal_volunteer:edit", args=[volunteer.pk]),
                branch_id=volunteer.branch_id,
            )
            for volunteer in volunteers[: MISSED_PANEL.max_rows]
        ),
    )


def new_group_and_meeting_actions(scope: DashboardScope) -> DashboardPanelContent | None:
    if not scope.branch_ids:
        return None
    rows = []
    if scope.user.has_perm("intervision.add_intervisiongroup"):
        rows.append(
            DashboardRow(text=_("Nieuwe intervisiegroep"), url=reverse("intervision_group:add"))
        )
    if scope.user.has_perm("intervision.add_thememeeting"):
        rows.append(
            DashboardRow(text=_("Nieuwe themabijeenkomst"), url=reverse("theme_meeting:add"))
        )
    return DashboardPanelContent(rows=tuple(rows)) if rows else None


def register() -> None:
    register_admin_home_panel(QUICK_ACTIONS_PANEL, new_group_and_meeting_actions, query_budget=0)
    register_admin_home_panel(WEEK_PANEL, sessions_this_week_and_next, query_budget=1)
    register_admin_home_panel(WEEK_PANEL, theme_meetings_this_week_and_next, query_budget=1)
    register_admin_home_panel(ATTENDANCE_PANEL, sessions_without_attendance, query_budget=1)
    register_admin_home_panel(MISSED_PANEL, missed_three_in_a_row, query_budget=2)
