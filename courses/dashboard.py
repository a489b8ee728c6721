"""What courses put on the admin home (portal/admin_home.py): this week's and next
week's sessions, sessions whose attendance is still open, courses with free places or a
waitlist, and "new course" among the quick actions. One query per provider."""

from __future__ import annotations

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from courses.admin_views import ADMIN_PERMISSION
from courses.models import (
    Attendance,
    CourseEnrolment,
    CourseIndexPage,
    CoursePage,
    CourseSession,
    EnrolmentStatus,
)
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

PLACES_PANEL = AdminHomePanel(
    name="course_places",
    title=gettext_lazy("Cursussen met vrije plaatsen of een wachtlijst"),
    order=70,
    empty_text=gettext_lazy("Alle komende cursussen zijn precies vol."),
    column=gettext_lazy("Cursussen met plaats"),
)
# Quick actions list a "new course" per branch up to this many branches.
MAX_NEW_COURSE_ACTIONS = 3

_SESSION_FIELDS = (
    "pk",
    "date",
    "start_time",
    "end_time",
    "topic",
    "cancelled_at",
    "course__title",
    "course__capacity",
    "course__branch_id",
    "course__cancelled_at",
)


def _allowed(scope: DashboardScope) -> bool:
    return bool(scope.branch_ids) and scope.user.has_perm(ADMIN_PERMISSION)


def _sessions(scope: DashboardScope):
    return CourseSession.objects.filter(course__branch_id__in=scope.branch_ids, course__live=True)


def _course_link() -> tuple[DashboardLink, ...]:
    return (DashboardLink(_("Alle cursussen"), reverse("courses_admin:index")),)


def sessions_this_week_and_next(scope: DashboardScope) -> DashboardPanelContent | None:
    if not _allowed(scope):
        return None
    sessions = list(
        _sessions(scope)
        .filter(date__gte=scope.today, date__lt=scope.week_end)
        .select_related("course")
        .only(*_SESSION_FIELDS)
        .annotate(
            enrolled=Count(
                "course__enrolments",
                filter=Q(course__enrolments__status=EnrolmentStatus.ENROLLED),
            )
        )
        .order_by("date", "start_time", "pk")
    )
    today = scope.today
    rows = []
    for session in sessions:
        screen = (
            "courses_admin:attendance" if session.date <= today else "courses_admin:participants"
        )
        rows.append(
            DashboardRow(
                text=session.course.title,
                url=reverse(screen, args=[session.course_id]),
                detail=_("%(topic)s · %(enrolled)s van %(capacity)s ingeschreven")
                % {
                    "topic": session.topic,
                    "enrolled": session.enrolled,
                    "capacity": session.course.capacity,
                },
                when=session.starts_at,
                branch_id=session.course.branch_id,
                cancelled=session.is_cancelled or session.course.is_cancelled,
            )
        )
    return DashboardPanelContent(count=len(rows), rows=tuple(rows), links=_course_link())


def sessions_without_attendance(scope: DashboardScope) -> DashboardPanelContent | None:
    """Held sessions (from the day itself) in the last weeks with a participant whose
    attendance is not recorded."""
    if not _allowed(scope):
        return None
    today = scope.today
    enrolled = (
        CourseEnrolment.objects.filter(
            offering=OuterRef("course_id"), status=EnrolmentStatus.ENROLLED
        )
        .order_by()
        .values("offering")
        .annotate(n=Count("pk"))
        .values("n")
    )
    recorded = (
        Attendance.objects.filter(
            session=OuterRef("pk"), enrolment__status=EnrolmentStatus.ENROLLED
        )
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    zero = Value(0, output_field=IntegerField())
    open_sessions = list(
        _sessions(scope)
        .filter(
            course__cancelled_at__isnull=True,
            cancelled_at__isnull=True,
            date__lte=today,
            date__gte=today - ATTENDANCE_LOOKBACK,
        )
        .select_related("course")
        .only(*_SESSION_FIELDS)
        .annotate(
            enrolled=Coalesce(Subquery(enrolled, output_field=IntegerField()), zero),
            recorded=Coalesce(Subquery(recorded, output_field=IntegerField()), zero),
        )
        .filter(enrolled__gt=F("recorded"))
        .order_by("date", "start_time", "pk")
    )
    by_branch: dict[int | None, int] = {}
    for session in open_sessions:
        branch_id = session.course.branch_id
        by_branch[branch_id] = by_branch.get(branch_id, 0) + 1
    return DashboardPanelContent(
        count=len(open_sessions),
        oldest=open_sessions[0].date if open_sessions else None,
        by_branch=by_branch,
        rows=tuple(
            DashboardRow(
                text=session.course.title,
                url=reverse("courses_admin:attendance", args=[session.course_id]),
                detail=_("%(topic)s: %(recorded)s van %(enrolled)s ingevuld")
                % {
                    "topic": session.topic,
                    "recorded": session.recorded,
                    "enrolled": session.enrolled,
                },
                when=session.date,
                branch_id=session.course.branch_id,
            )
            for session in open_sessions[: ATTENDANCE_PANEL.max_rows]
        ),
    )


def _places_detail(course: CoursePage) -> str:
    free = max(course.capacity - course.enrolled_count, 0)
    parts = []
    if free:
        parts.append(
            ngettext(
                "%(free)s van %(capacity)s plaatsen vrij",
                "%(free)s van %(capacity)s plaatsen vrij",
                free,
            )
            % {"free": free, "capacity": course.capacity}
        )
    else:
        parts.append(_("vol"))
    if course.waitlisted_count:
        parts.append(
            ngettext(
                "%(count)s op de wachtlijst", "%(count)s op de wachtlijst", course.waitlisted_count
            )
            % {"count": course.waitlisted_count}
        )
    return ", ".join(parts)


def courses_with_places(scope: DashboardScope) -> DashboardPanelContent | None:
    """Coming courses (first session today or later) with a free place or a waitlist."""
    if not _allowed(scope):
        return None
    courses = list(
        CoursePage.objects.filter(branch_id__in=scope.branch_ids)
        .live()
        .filter(cancelled_at__isnull=True)
        .with_schedule()
        .filter(first_session_date__gte=scope.today)
        .filter(Q(enrolled_count__lt=F("capacity")) | Q(waitlisted_count__gt=0))
        .only("pk", "title", "capacity", "branch_id")
        .order_by("first_session_date", "pk")
    )
    by_branch: dict[int | None, int] = {}
    for course in courses:
        by_branch[course.branch_id] = by_branch.get(course.branch_id, 0) + 1
    return DashboardPanelContent(
        count=len(courses),
        by_branch=by_branch,
        rows=tuple(
            DashboardRow(
                text=course.title,
                url=reverse("courses_admin:participants", args=[course.pk]),
                detail=_places_detail(course),
                when=course.first_session_date,
                branch_id=course.branch_id,
            )
            for course in courses[: PLACES_PANEL.max_rows]
        ),
        links=_course_link(),
    )


def new_course_actions(scope: DashboardScope) -> DashboardPanelContent | None:
    """ "Nieuwe cursus" under the course overview of each of the user's branches."""
    if not _allowed(scope):
        return None
    indexes = list(
        CourseIndexPage.objects.filter(branch_id__in=scope.branch_ids)
        .order_by("branch__name")
        .values_list("pk", "branch_id")[: MAX_NEW_COURSE_ACTIONS + 1]
    )
    if not indexes:
        return None
    if len(indexes) > MAX_NEW_COURSE_ACTIONS:
        return DashboardPanelContent(
            rows=(DashboardRow(text=_("Nieuwe cursus"), url=reverse("courses_admin:index")),)
        )
    several = len(indexes) > 1
    return DashboardPanelContent(
        rows=tuple(
            DashboardRow(
                text=_("Nieuwe cursus (%(branch)s)") % {"branch": scope.branch_names[branch_id]}
                if several
                else _("Nieuwe cursus"),
                url=reverse("wagtailadmin_pages:add", args=["courses", "coursepage", index_id]),
            )
            for index_id, branch_id in indexes
        )
    )


def register() -> None:
    register_admin_home_panel(QUICK_ACTIONS_PANEL, new_course_actions, query_budget=1)
    register_admin_home_panel(WEEK_PANEL, sessions_this_week_and_next, query_budget=1)
    register_admin_home_panel(ATTENDANCE_PANEL, sessions_without_attendance, query_budget=1)
    register_admin_home_panel(PLACES_PANEL, courses_with_places, query_budget=1)
