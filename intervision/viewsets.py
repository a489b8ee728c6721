"""The intervision screens of the Wagtail admin, scoped to the coordinator's branches.

- Groups: name, members, facilitator, usual venue, the series (a recurrence a
  coordinator picks from two kinds) and the periods without sessions. Saving brings
  the sessions in line (`regenerate_sessions`), keeping what was changed by hand.
- Sessions: the list; moving, cancelling or reinstating one (through the services);
  attendance per session on its own screen.
- Theme meetings: places, sign-up period, who may come, the enrolments and waitlist
  (the courses part's enrolment engine), cancelling.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    Panel,
)
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.views.generic import CreateView, EditView, IndexView
from wagtail.admin.widgets import AdminDateInput, AdminTimeInput

from courses.services import check_capacity, promote_from_waitlist
from intervision.models import IntervisionGroup, IntervisionSession, SessionStatus, ThemeMeeting
from intervision.permissions import can_view_notes
from intervision.recurrence import aware
from intervision.services import (
    MSG_ALREADY_CANCELLED,
    MSG_END_BEFORE_START,
    MSG_MOVE_TO_PAST,
    MSG_NOT_CANCELLED,
    MSG_REASON_REQUIRED,
    MSG_THEME_REASON_REQUIRED,
    cancel_session,
    cancel_theme_meeting,
    invite_members,
    move_session,
    record_attendance,
    regenerate_sessions,
    reinstate_session,
)
from portal.admin_tables import AbsoluteDateColumn, ChoiceColumn, PlainColumn, YesNoColumn
from portal.agenda.cache import agenda_changed
from portal.errors import ServiceError
from portal.filters import BranchFilter
from portal.models import Branch, User, Volunteer
from portal.permissions import is_national_staff
from portal.scoping import BranchScopedModelViewSet, BranchScopedPermissionPolicy
from portal.widgets import PlainCheckboxSelectMultiple


def _groups_of_request(request):
    if request is None:
        return IntervisionGroup.objects.none()
    return IntervisionGroup.objects.visible_to(request.user)


# --- Groups -----------------------------------------------------------------------


class GroupAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        branches = Branch.objects.coordinated_by(self.for_user)
        if "branch" in self.fields:
            self.fields["branch"].queryset = branches
        if "members" in self.fields:
            self.fields["members"].queryset = (
                Volunteer.objects.filter(branch__in=branches)
                .select_related("user", "branch")
                .order_by("branch__name", "user__first_name", "user__last_name")
            )
            self.fields["members"].label_from_instance = lambda v: (
                f"{v.full_name} ({v.branch.name})"
            )
        if "facilitator" in self.fields:
            self.fields["facilitator"].queryset = User.objects.filter(
                coordinated_branches__in=branches
            ).distinct()

    def clean(self):
        cleaned = super().clean()
        branch = cleaned.get("branch")
        members = cleaned.get("members")
        if branch is not None and members:
            strangers = [m for m in members if m.branch_id != branch.pk]
            if strangers:
                self.add_error(
                    "members",
                    _("Alleen vrijwilligers van de afdeling van de groep kunnen lid zijn."),
                )
        facilitator = cleaned.get("facilitator")
        if (
            branch is not None
            and facilitator is not None
            and not facilitator.coordinated_branches.filter(pk=branch.pk).exists()
        ):
            self.add_error("facilitator", _("Kies een coördinator van de afdeling van de groep."))
        return cleaned

    def save(self, commit=True):
        group = super().save(commit=commit)
        if commit:
            # The views put what the regeneration did into their success message.
            self.regeneration = regenerate_sessions(group=group)
        return group


class GroupFilterSet(WagtailFilterSet):
    branch = BranchFilter(scope=Branch.objects.coordinated_by)

    class Meta:
        model = IntervisionGroup
        fields = ["branch", "active"]


class GroupIndexView(IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("branch")
            .annotate(member_count=Count("members", distinct=True))
        )


class _RegenerationMessageMixin:
    """ "Intervisiegroep 'X' bijgewerkt. 9 bijeenkomsten gepland, 1 overgeslagen (...)"."""

    def get_success_message(self, *args):
        # Wagtail's create view passes the new instance, its edit view nothing.
        message = super().get_success_message(*args)
        regeneration = getattr(self.form, "regeneration", None)
        if regeneration is None:
            return message
        return f"{message} {regeneration.summary()}"


class GroupCreateView(_RegenerationMessageMixin, CreateView):
    pass


class GroupEditView(_RegenerationMessageMixin, EditView):
    pass


class GroupSessionsPanel(Panel):
    """Read only, on the group's edit page: its coming and past sessions, each with its
    answers and attendance, linked to the session and to its attendance screen."""

    LIMIT = 8

    class BoundPanel(Panel.BoundPanel):
        template_name = "intervision/admin/group_sessions_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            group = self.instance
            if not group.pk:
                context["group"] = None
                return context
            now = timezone.now()
            sessions = group.sessions.annotate(
                yes=Count("rsvps", filter=Q(rsvps__answer="yes"), distinct=True),
                no=Count("rsvps", filter=Q(rsvps__answer="no"), distinct=True),
                recorded=Count("attendance", distinct=True),
                present=Count("attendance", filter=Q(attendance__present=True), distinct=True),
            )
            limit = GroupSessionsPanel.LIMIT
            members = group.members.count()
            coming = list(sessions.filter(start__gte=now).order_by("start")[:limit])
            past = list(sessions.filter(start__lt=now).order_by("-start")[:limit])
            for session in coming + past:
                session.unanswered = max(members - session.yes - session.no, 0)
            context.update(
                {
                    "group": group,
                    "coming": coming,
                    "past": past,
                    "members": members,
                    "all_url": reverse("intervision_session:index") + f"?group={group.pk}",
                }
            )
            return context


class IntervisionGroupViewSet(BranchScopedModelViewSet):
    model = IntervisionGroup
    icon = "group"
    menu_label = _("Intervisiegroepen")
    menu_order = 120
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = GroupIndexView
    add_view_class = GroupCreateView
    edit_view_class = GroupEditView
    filterset_class = GroupFilterSet
    search_fields = ["name"]
    search_backend_name = None
    list_display = [
        "name",
        PlainColumn("branch", label=_("Afdeling")),
        PlainColumn("member_count", label=_("Leden"), accessor="member_count"),
        PlainColumn("venue", label=_("Vaste locatie")),
        YesNoColumn("active", label=_("Actief")),
    ]
    list_export = ["name", "branch", "venue", "active_display"]
    export_headings = {
        "name": _("Naam"),
        "branch": _("Afdeling"),
        "venue": _("Vaste locatie"),
        "active_display": _("Actief"),
    }
    export_filename = "intervisiegroepen"
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("branch", widget=forms.Select),
                    FieldPanel("name"),
                    FieldPanel("facilitator", widget=forms.Select),
                    FieldPanel("venue"),
                    FieldPanel("active"),
                ],
                heading=_("Groep"),
            ),
            GroupSessionsPanel(heading=_("Bijeenkomsten")),
            FieldPanel("members", widget=PlainCheckboxSelectMultiple),
            InlinePanel(
                "series",
                heading=_("Planning"),
                label=_("reeks bijeenkomsten"),
                help_text=_(
                    "Bijvoorbeeld elke tweede dinsdag van de maand van 9:30 tot 11:30, of om "
                    "de zes weken op donderdag. Bijeenkomsten die met de hand zijn verplaatst "
                    "of afgelast blijven zoals ze zijn als je de planning wijzigt."
                ),
                panels=[
                    FieldRowPanel([FieldPanel("kind"), FieldPanel("weekday")]),
                    FieldRowPanel([FieldPanel("nth"), FieldPanel("interval_weeks")]),
                    FieldRowPanel([FieldPanel("start_time"), FieldPanel("end_time")]),
                    FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
                    FieldPanel("venue"),
                ],
            ),
            InlinePanel(
                "skip_periods",
                heading=_("Geen bijeenkomsten in"),
                label=_("periode"),
                help_text=_("Losse dagen of hele periodes, zoals schoolvakanties."),
                panels=[
                    FieldRowPanel([FieldPanel("first_day"), FieldPanel("last_day")]),
                    FieldPanel("reason"),
                ],
            ),
        ],
        base_form_class=GroupAdminForm,
    )


# --- Sessions ---------------------------------------------------------------------


class SessionAdminForm(WagtailAdminModelForm):
    """Move, cancel or reinstate one session; the services do the writing."""

    date = forms.DateField(label=_("Datum"), widget=AdminDateInput)
    start_time = forms.TimeField(label=_("Begintijd"), widget=AdminTimeInput)
    end_time = forms.TimeField(label=_("Eindtijd"), widget=AdminTimeInput)
    new_venue = forms.CharField(label=_("Locatie"), max_length=200, required=False)
    cancel = forms.BooleanField(label=_("Bijeenkomst afgelasten"), required=False)
    cancel_reason_text = forms.CharField(
        label=_("Reden van afgelasten"),
        max_length=200,
        required=False,
        help_text=_("De leden zien de reden in hun agenda en krijgen een e-mail."),
    )
    reinstate = forms.BooleanField(
        label=_("Afgelasting ongedaan maken (de bijeenkomst gaat toch door)"), required=False
    )
    invite_now = forms.BooleanField(
        label=_("Uitnodiging nu naar de leden sturen"),
        required=False,
        help_text=_("Anders gaat de uitnodiging twee weken van tevoren vanzelf."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        session = self.instance
        if session.pk:
            local_start = timezone.localtime(session.start)
            self.initial.setdefault("date", local_start.date())
            self.initial.setdefault("start_time", local_start.time())
            self.initial.setdefault("end_time", timezone.localtime(session.end).time())
            self.initial.setdefault("new_venue", session.venue)

    def _moved(self, cleaned) -> bool:
        session = self.instance
        start = aware(cleaned["date"], cleaned["start_time"])
        end = aware(cleaned["date"], cleaned["end_time"])
        venue = (cleaned.get("new_venue") or "").strip()
        return (start, end, venue) != (session.start, session.end, session.venue)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        session = IntervisionSession.objects.get(pk=self.instance.pk)
        self.instance = session
        if cleaned.get("cancel") and cleaned.get("reinstate"):
            self.add_error("reinstate", _("Kies afgelasten of ongedaan maken, niet allebei."))
            return cleaned
        if cleaned.get("cancel"):
            if session.is_cancelled:
                self.add_error("cancel", MSG_ALREADY_CANCELLED)
            elif not (cleaned.get("cancel_reason_text") or "").strip():
                self.add_error("cancel_reason_text", MSG_REASON_REQUIRED)
        if cleaned.get("reinstate") and not session.is_cancelled:
            self.add_error("reinstate", MSG_NOT_CANCELLED)
        if self._moved(cleaned):
            if session.is_cancelled and not cleaned.get("reinstate"):
                self.add_error(None, _("Een afgelaste bijeenkomst kan niet worden verplaatst."))
            elif cleaned["end_time"] <= cleaned["start_time"]:
                self.add_error("end_time", MSG_END_BEFORE_START)
            elif aware(cleaned["date"], cleaned["start_time"]) <= timezone.now():
                self.add_error("date", MSG_MOVE_TO_PAST)
        if cleaned.get("invite_now") and (session.is_cancelled or cleaned.get("cancel")):
            self.add_error(
                "invite_now", _("Voor een afgelaste bijeenkomst gaan geen uitnodigingen uit.")
            )
        return cleaned

    def save(self, commit=True):
        session = self.instance
        data = self.cleaned_data
        if not commit:
            return session
        if data.get("reinstate"):
            session = reinstate_session(session=session)
        if self._moved(data) and not session.is_cancelled:
            session = move_session(
                session=session,
                date=data["date"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                venue=data.get("new_venue", ""),
            )
        if data.get("cancel"):
            session = cancel_session(session=session, reason=data["cancel_reason_text"])
        if data.get("invite_now"):
            invite_members(session=session)
        self.instance = session
        return session


class SessionRecordPanel(Panel):
    """Read only: the group, the answers, and (for the branch's coordinators) the notes."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "intervision/admin/session_record_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            session = self.instance
            request = self.request
            answers = {
                row["answer"]: row["n"]
                for row in session.rsvps.values("answer").annotate(n=Count("id"))
            }
            notes_visible = can_view_notes(request.user, session)
            context.update(
                {
                    "session": session,
                    "yes": answers.get("yes", 0),
                    "no": answers.get("no", 0),
                    "members": session.group.members.count(),
                    "notes_visible": notes_visible,
                    "notes": session.notes.select_related("author") if notes_visible else [],
                    "attendance_url": reverse("intervision_session:attendance", args=[session.pk]),
                }
            )
            return context


class SessionFilterSet(WagtailFilterSet):
    group = django_filters.ModelChoiceFilter(label=_("Groep"), queryset=_groups_of_request)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SessionStatus.choices)
    upcoming = django_filters.BooleanFilter(label=_("Alleen komende"), method="filter_upcoming")

    class Meta:
        model = IntervisionSession
        fields = ["group", "status", "upcoming"]

    def filter_upcoming(self, queryset, name, value):
        if value is None:
            return queryset
        now = timezone.now()
        return queryset.filter(end__gte=now) if value else queryset.filter(end__lt=now)


def _session_moment(session) -> str:
    return date_format(timezone.localtime(session.start), "D j b Y, G:i")


class SessionIndexView(IndexView):
    default_ordering = "start"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("group", "group__branch")
            .annotate(
                yes=Count("rsvps", filter=Q(rsvps__answer="yes"), distinct=True),
                no=Count("rsvps", filter=Q(rsvps__answer="no"), distinct=True),
            )
        )

    @cached_property
    def columns(self):
        columns = super().columns
        # The moment opens the session and carries the row's action menu.
        title_column_class = self._get_title_column_class(TitleColumn)
        columns[0] = title_column_class(
            "start",
            label=_("Bijeenkomst"),
            accessor=_session_moment,
            get_url=self.get_edit_url,
            sort_key="start",
        )
        return columns

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if self.user_has_permission("change"):
            buttons.append(
                MenuItem(
                    _("Aanwezigheid"),
                    url=reverse("intervision_session:attendance", args=[instance.pk]),
                    icon_name="tasks",
                    priority=15,
                )
            )
        return buttons


class SessionCreateView(CreateView):
    """Sessions come from a group's series; there is no adding them one by one."""

    def dispatch(self, request, *args, **kwargs):
        raise PermissionDenied


class SessionEditView(EditView):
    def get_page_subtitle(self):
        return str(self.object)


class AttendanceView(View):
    """Tick who was there; everyone not ticked is recorded as absent."""

    viewset = None
    template_name = "intervision/admin/attendance.html"

    def _session(self, request, pk):
        policy = self.viewset.permission_policy
        if not policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        session = (
            policy.filter_visible(request.user, IntervisionSession.objects.all())
            .select_related("group", "group__branch")
            .filter(pk=pk)
            .first()
        )
        if session is None:
            raise Http404
        return session

    def _render(self, request, session, *, error=None, status=200, checked=None):
        members = list(
            Volunteer.objects.filter(
                Q(intervision_groups=session.group) | Q(intervision_attendance__session=session)
            )
            .select_related("user")
            .distinct()
            .order_by("user__first_name", "user__last_name")
        )
        recorded = dict(session.attendance.values_list("volunteer_id", "present"))
        if checked is None:
            checked = {vid for vid, present in recorded.items() if present}
        return TemplateResponse(
            request,
            self.template_name,
            {
                "session": session,
                "rows": [(m, m.pk in checked, m.pk in recorded) for m in members],
                "error": error,
                "edit_url": reverse("intervision_session:edit", args=[session.pk]),
                "page_title": _("Aanwezigheid"),
            },
            status=status,
        )

    def get(self, request, pk):
        return self._render(request, self._session(request, pk))

    def post(self, request, pk):
        session = self._session(request, pk)
        raw = request.POST.getlist("present")
        try:
            present = {int(value) for value in raw}
        except (TypeError, ValueError):
            return self._render(
                request, session, error=_("Ongeldige keuze."), status=400, checked=set()
            )
        try:
            record_attendance(session=session, present_ids=present, by=request.user)
        except ServiceError as refusal:
            return self._render(
                request, session, error=refusal.message, status=400, checked=present
            )
        messages.success(request, _("De aanwezigheid is opgeslagen."))
        return redirect("intervision_session:attendance", pk=session.pk)


class IntervisionSessionViewSet(BranchScopedModelViewSet):
    model = IntervisionSession
    icon = "date"
    menu_label = _("Intervisiebijeenkomsten")
    menu_order = 121
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = SessionIndexView
    add_view_class = SessionCreateView
    edit_view_class = SessionEditView
    filterset_class = SessionFilterSet
    search_fields = ["group__name"]
    search_backend_name = None
    list_display = [
        PlainColumn("start", label=_("Bijeenkomst")),  # replaced by the index view's title column
        PlainColumn("group", label=_("Groep")),
        ChoiceColumn("status", label=_("Status")),
        YesNoColumn("moved", label=_("Verplaatst")),
        PlainColumn("yes", label=_("Komen"), accessor="yes"),
        PlainColumn("no", label=_("Komen niet"), accessor="no"),
        PlainColumn("venue", label=_("Locatie")),
    ]
    list_export = ["group", "start", "end", "venue", "get_status_display", "cancel_reason"]
    export_filename = "intervisiebijeenkomsten"
    edit_handler = ObjectList(
        [
            SessionRecordPanel(heading=_("Bijeenkomst")),
            MultiFieldPanel(
                [
                    FieldPanel("date"),
                    FieldRowPanel([FieldPanel("start_time"), FieldPanel("end_time")]),
                    FieldPanel("new_venue"),
                ],
                heading=_("Verplaatsen"),
            ),
            MultiFieldPanel(
                [FieldPanel("cancel"), FieldPanel("cancel_reason_text"), FieldPanel("reinstate")],
                heading=_("Afgelasten"),
            ),
            FieldPanel("invite_now"),
        ],
        base_form_class=SessionAdminForm,
    )

    @property
    def attendance_view(self):
        return AttendanceView.as_view(viewset=self)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("attendance/<int:pk>/", self.attendance_view, name="attendance"),
        ]


# --- Theme meetings ---------------------------------------------------------------


class ThemeMeetingPermissionPolicy(BranchScopedPermissionPolicy):
    """Coordinators: their branches' meetings. National staff: all, national ones too."""

    def filter_visible(self, user, queryset):
        if is_national_staff(user):
            return queryset
        return super().filter_visible(user, queryset)


class ThemeMeetingAdminForm(WagtailAdminModelForm):
    cancel = forms.BooleanField(label=_("Themabijeenkomst afgelasten"), required=False)
    cancel_reason = forms.CharField(
        label=_("Reden van afgelasten"),
        max_length=500,
        required=False,
        help_text=_("Iedereen die is ingeschreven of op de wachtlijst staat krijgt een e-mail."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "branch" in self.fields:
            self.fields["branch"].queryset = Branch.objects.coordinated_by(self.for_user)
            self.fields["branch"].required = not is_national_staff(self.for_user)
        if self.instance.pk is None:
            self.fields.pop("cancel", None)
            self.fields.pop("cancel_reason", None)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("open_to_all_branches") and not cleaned.get("open_to_branches"):
            self.add_error(
                "open_to_branches",
                _("Kies de afdelingen waarvan de vrijwilligers welkom zijn, of alle afdelingen."),
            )
        if self.instance.pk and "capacity" in cleaned:
            try:
                check_capacity(offering=self.instance, capacity=cleaned.get("capacity"))
            except ServiceError as error:
                self.add_error("capacity", error.message)
        if cleaned.get("cancel"):
            if self.instance.is_cancelled:
                self.add_error("cancel", _("Deze themabijeenkomst is al afgelast."))
            elif not (cleaned.get("cancel_reason") or "").strip():
                self.add_error("cancel_reason", MSG_THEME_REASON_REQUIRED)
        return cleaned

    def save(self, commit=True):
        meeting = super().save(commit=commit)
        if commit:
            promote_from_waitlist(offering=meeting)
            if self.cleaned_data.get("cancel"):
                meeting = cancel_theme_meeting(
                    meeting=meeting, by=self.for_user, reason=self.cleaned_data["cancel_reason"]
                )
            agenda_changed()
        return meeting


class ThemeMeetingEnrolmentsPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "intervision/admin/theme_meeting_enrolments_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            meeting = self.instance
            rows = (
                meeting.enrolments.active().select_related("volunteer__user", "volunteer__branch")
                if meeting.pk
                else []
            )
            enrolled = [e for e in rows if e.is_enrolled]
            context.update(
                {
                    "meeting": meeting,
                    "enrolled": enrolled,
                    "waitlisted": sorted(
                        (e for e in rows if e.is_waitlisted), key=lambda e: e.waitlist_number
                    ),
                }
            )
            return context


class ThemeMeetingIndexView(IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("branch")
            .annotate(
                taken=Count("enrolments", filter=Q(enrolments__status="enrolled"), distinct=True)
            )
        )


class ThemeMeetingViewSet(BranchScopedModelViewSet):
    model = ThemeMeeting
    icon = "calendar-alt"
    menu_label = _("Themabijeenkomsten")
    menu_order = 122
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = ThemeMeetingIndexView
    search_fields = ["title"]
    search_backend_name = None
    list_display = [
        "title",
        AbsoluteDateColumn("starts_at", label=_("Begin"), sort_key="starts_at", with_time=True),
        PlainColumn("branch", label=_("Georganiseerd door")),
        PlainColumn("taken", label=_("Ingeschreven"), accessor="taken"),
        PlainColumn("capacity", label=_("Plaatsen")),
    ]
    list_export = ["title", "starts_at", "ends_at", "venue", "branch", "capacity"]
    export_filename = "themabijeenkomsten"
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("title"),
                    FieldPanel("description"),
                    FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                    FieldPanel("venue"),
                ],
                heading=_("Bijeenkomst"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("branch", widget=forms.Select),
                    FieldPanel("open_to_all_branches"),
                    FieldPanel("open_to_branches", widget=PlainCheckboxSelectMultiple),
                ],
                heading=_("Voor wie"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("capacity"),
                    FieldRowPanel([FieldPanel("signup_opens_on"), FieldPanel("signup_closes_on")]),
                ],
                heading=_("Aanmelden"),
            ),
            ThemeMeetingEnrolmentsPanel(heading=_("Aanmeldingen")),
            MultiFieldPanel(
                [FieldPanel("cancel"), FieldPanel("cancel_reason")], heading=_("Afgelasten")
            ),
        ],
        base_form_class=ThemeMeetingAdminForm,
    )
