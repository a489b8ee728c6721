"""Matches in the Wagtail admin, scoped to the coordinator's own branches.

- The list shows per match the volunteer, status, weeks running, last visit and hours;
  its export holds figures only (reference, dates, programme, hours, end reason), never
  the family's details. The search box looks for the reference only.
- The edit screen shows the match's record (open concerns at the top) and takes each
  step of the route through the services: introduction, start, check-ins, ending with
  the evaluation, or withdrawing a proposal. A refusal is shown on the form; nothing
  is written then.
- New matches are made from "Vrijwilliger zoeken" (support/admin_views.py).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, Panel
from wagtail.admin.views.generic import CreateView, EditView, IndexView

from portal.admin_tables import AbsoluteDateColumn, ChoiceColumn, PlainColumn
from portal.errors import ServiceError
from portal.filters import BranchFilter
from portal.models import Branch
from portal.scoping import BranchScopedModelViewSet
from support import services
from support.forms import DURATION_CHOICES
from support.models import (
    EndReason,
    Match,
    MatchStatus,
    Outcome,
    Programme,
    Visit,
    VisitKind,
    VisitSource,
)
from support.permissions import can_see_concerns
from support.referrals.models import SUPPORT_QUESTION_CHOICES

S = MatchStatus
YES_NO = [("", "—"), ("yes", _("ja")), ("no", _("nee"))]


class MatchFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=MatchStatus.choices)
    programme = django_filters.ChoiceFilter(label=_("Programma"), choices=Programme.choices)
    branch = BranchFilter(scope=Branch.objects.with_families_visible_to)

    class Meta:
        model = Match
        fields = ["status", "programme", "branch"]


def _date_field(label, help_text=""):
    return forms.DateField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class MatchAdminForm(WagtailAdminModelForm):
    """The family's details for the volunteer and the programme are edited here; every
    step of the route goes through the services."""

    introduced_on_input = _date_field(
        _("Kennismaking vastleggen op"),
        _("De datum waarop vrijwilliger en gezin kennismaakten."),
    )
    start_on = _date_field(
        _("Koppeling starten op"),
        _("De verwijzer krijgt bericht dat de ondersteuning is gestart."),
    )
    withdraw = forms.BooleanField(
        label=_("Voorstel intrekken"),
        required=False,
        help_text=_("De koppeling gaat niet door; de vrijwilliger is weer vrij."),
    )
    check_in_done_on = _date_field(_("Contactmoment gedaan op"))
    next_check_in_on = _date_field(_("Volgend contactmoment verzetten naar"))
    end_on = _date_field(
        _("Afsluiten op"),
        _("De verwijzer krijgt bericht; de vrijwilliger ziet de gegevens van het gezin niet meer."),
    )
    end_reason_input = forms.ChoiceField(
        label=_("Reden van afsluiten"), choices=[("", "—"), *EndReason.choices], required=False
    )
    closing_talk_on_input = _date_field(_("Afsluitend gesprek op"))
    network_grew_input = forms.ChoiceField(
        label=_("Is het eigen netwerk van het gezin gegroeid?"), choices=YES_NO, required=False
    )

    visit_on = _date_field(
        _("Bezoek vastleggen op"),
        _("Voor de vrijwilliger, als die het bezoek zelf niet kan vastleggen."),
    )
    visit_kind = forms.ChoiceField(
        label=_("Hoe ging het bezoek?"),
        # Shorter than the volunteer's labels, so the list fits on a phone.
        choices=[
            ("", "—"),
            (VisitKind.DONE, _("bezoek gedaan")),
            (VisitKind.CANCELLED_BY_FAMILY, _("niet door (gezin)")),
            (VisitKind.CANCELLED_BY_VOLUNTEER, _("niet door (vrijwilliger)")),
        ],
        required=False,
        help_text=_("Leeg: bezoek gedaan."),
    )
    visit_minutes = forms.TypedChoiceField(
        label=_("Tijd bij het gezin"),
        choices=[("", "—"), *DURATION_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Leeg: een dagdeel (3 uur). Alleen bij een bezoek dat doorging."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One outcome field per support question of this family; the others go.
        asked = set(self.instance.referral.support_questions) if self.instance.pk else set()
        self.question_fields = []
        for code, _label in SUPPORT_QUESTION_CHOICES:
            name = f"outcome_{code}"
            if code in asked:
                self.question_fields.append((code, name))
            else:
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        steps = [
            bool(cleaned.get("introduced_on_input")),
            bool(cleaned.get("start_on")),
            bool(cleaned.get("withdraw")),
            bool(cleaned.get("end_on")),
            bool(cleaned.get("visit_on")),
        ]
        if sum(steps) > 1:
            raise forms.ValidationError(_("Zet één stap tegelijk."))
        if not cleaned.get("visit_on") and (
            cleaned.get("visit_kind") or cleaned.get("visit_minutes") is not None
        ):
            self.add_error("visit_on", _("Vul de datum van het bezoek in."))
        return cleaned

    @transaction.atomic
    def save(self, commit=True):
        match = super().save(commit=commit)
        if not commit:
            return match
        data, by = self.cleaned_data, self.for_user
        if data.get("introduced_on_input"):
            services.record_introduction(match=match, on=data["introduced_on_input"], by=by)
        if data.get("start_on"):
            services.start_match(match=match, on=data["start_on"], by=by)
        if data.get("withdraw"):
            services.withdraw_match(match=match, by=by)
        open_check_in = match.check_ins.filter(done_on__isnull=True).order_by("due_on").first()
        if data.get("check_in_done_on"):
            if open_check_in is None:
                raise ServiceError(_("Er is geen contactmoment gepland."), code="no_check_in")
            services.complete_check_in(check_in=open_check_in, on=data["check_in_done_on"], by=by)
            open_check_in = match.check_ins.filter(done_on__isnull=True).order_by("due_on").first()
        if data.get("next_check_in_on"):
            if open_check_in is None:
                raise ServiceError(_("Er is geen contactmoment gepland."), code="no_check_in")
            services.reschedule_check_in(check_in=open_check_in, due_on=data["next_check_in_on"])
        if data.get("visit_on"):
            self._log_visit(match, data, by)
        if data.get("end_on"):
            grew = {"yes": True, "no": False}.get(data.get("network_grew_input", ""))
            services.end_match(
                match=match,
                on=data["end_on"],
                reason=data.get("end_reason_input", ""),
                closing_talk_on=data.get("closing_talk_on_input"),
                outcomes={
                    code: data[name] for code, name in self.question_fields if data.get(name)
                },
                network_grew=grew,
                by=by,
            )
        match.refresh_from_db()
        return match

    @staticmethod
    def _log_visit(match, data, by):
        """The coordinator logs a visit for the volunteer, through the same rules."""
        try:
            services.log_visit(
                match=match,
                by=by,
                on=data["visit_on"],
                kind=data.get("visit_kind") or VisitKind.DONE,
                minutes=data.get("visit_minutes"),
                source=VisitSource.ADMIN,
            )
        except ServiceError as refusal:
            field = {"date": "visit_on", "kind": "visit_kind", "minutes": "visit_minutes"}
            raise ServiceError(
                refusal.message, code=refusal.code, field=field.get(refusal.field)
            ) from refusal


for _code, _label in SUPPORT_QUESTION_CHOICES:
    MatchAdminForm.base_fields[f"outcome_{_code}"] = forms.ChoiceField(
        label=capfirst(_label), choices=[("", "—"), *Outcome.choices], required=False
    )
    MatchAdminForm.declared_fields[f"outcome_{_code}"] = MatchAdminForm.base_fields[
        f"outcome_{_code}"
    ]


class MatchRecordPanel(Panel):
    """Read only: open concerns first, the family, the route so far, visits, check-ins."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "support/admin/match_record_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            match = self.instance
            request = self.request
            visits = match.visits.all()
            totals = visits.aggregate(
                minutes=Sum("minutes", filter=Q(kind=VisitKind.DONE)), last=Max("date")
            )
            context.update(
                {
                    "match": match,
                    "referral": match.referral,
                    "concerns": match.concerns.order_by("closed_at", "-raised_at")
                    if can_see_concerns(request.user, match)
                    else None,
                    "hours": (totals["minutes"] or 0) / 60,
                    "last_visit": totals["last"],
                    "visits": visits[:12],
                    "check_ins": match.check_ins.all(),
                    "history": match.status_changes.select_related("changed_by")[:20],
                    "outcomes": match.outcomes.all(),
                    "today": timezone.localdate(),
                }
            )
            return context


class MatchIndexView(IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("branch", "volunteer__user")
            .annotate(
                # Subqueries, not a join with GROUP BY: PostgreSQL then works them out
                # for the rows of the page only, and the paginator's count leaves them
                # out (a join made it add up 100,000 visits to count 10,000 matches).
                done_minutes=Subquery(
                    Visit.objects.filter(match=OuterRef("pk"), kind=VisitKind.DONE)
                    .order_by()
                    .values("match")
                    .annotate(total=Sum("minutes"))
                    .values("total")
                ),
                last_visit=Subquery(
                    Visit.objects.filter(match=OuterRef("pk")).order_by("-date").values("date")[:1]
                ),
            )
        )


class MatchCreateView(CreateView):
    """Matches are proposed from "Vrijwilliger zoeken" only."""

    def dispatch(self, request, *args, **kwargs):
        raise PermissionDenied


class MatchEditView(EditView):
    def get_page_subtitle(self):
        return self.object.reference

    def get_success_url(self):
        # A step (introduction, start, check-in, visit, concern) is one of several on
        # the same match: the coordinator stays on it and sees the result there.
        return self.get_edit_url()

    def get_success_buttons(self):
        return []  # the default "Edit" button would lead to this same screen

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ServiceError as error:
            field = {
                "date": None,
                "reason": "end_reason_input",
                "network_grew": "network_grew_input",
            }.get(error.field, error.field)
            form.add_error(field if field in form.fields else None, error.message)
            self.produced_error_message = str(error.message)
            return self.form_invalid(form)


def _hours(match) -> str:
    return f"{(getattr(match, 'done_minutes', None) or 0) / 60:g}"


def _weeks_running(match) -> str:
    if match.started_on is None:
        return "–"
    end = match.ended_on or timezone.localdate()
    return str((end - match.started_on).days // 7)


Match.admin_hours = property(_hours)
Match.admin_weeks_running = property(_weeks_running)


class MatchViewSet(BranchScopedModelViewSet):
    model = Match
    icon = "group"
    menu_label = _("Koppelingen")
    menu_order = 106
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = MatchIndexView
    add_view_class = MatchCreateView
    edit_view_class = MatchEditView
    filterset_class = MatchFilterSet
    search_fields = ["reference"]
    search_backend_name = None
    list_display = [
        "reference",
        PlainColumn("volunteer", label=_("Vrijwilliger"), accessor="volunteer_label"),
        ChoiceColumn("status", label=_("Status")),
        ChoiceColumn("programme", label=_("Programma"), sort_key=None),
        AbsoluteDateColumn("started_on", label=_("Gestart"), sort_key="started_on"),
        PlainColumn("weeks", label=_("Weken"), accessor="admin_weeks_running"),
        AbsoluteDateColumn("last_visit", label=_("Laatste bezoek")),
        PlainColumn("hours", label=_("Uren"), accessor="admin_hours"),
        PlainColumn("branch", label=_("Afdeling")),
    ]
    # Figures only; the family's details never go into an export.
    list_export = [
        "reference",
        "branch",
        "get_programme_display",
        "get_status_display",
        "proposed_on",
        "started_on",
        "ended_on",
        "get_end_reason_display",
        "admin_hours",
    ]
    export_headings = {
        "reference": _("Kenmerk"),
        "branch": _("Afdeling"),
        "get_programme_display": _("Programma"),
        "get_status_display": _("Status"),
        "proposed_on": _("Voorgesteld"),
        "started_on": _("Gestart"),
        "ended_on": _("Afgesloten"),
        "get_end_reason_display": _("Reden van afsluiten"),
        "admin_hours": _("Uren"),
    }
    export_filename = "koppelingen"
    edit_handler = ObjectList(
        [
            MatchRecordPanel(heading=_("Koppeling")),
            MultiFieldPanel(
                [
                    FieldPanel("programme"),
                    FieldPanel("family_first_name"),
                    FieldPanel("family_address"),
                ],
                heading=_("Voor de vrijwilliger"),
                help_text=_(
                    "De vrijwilliger ziet de voornaam, het adres en het telefoonnummer van "
                    "het gezin zolang de koppeling loopt, en daarna niet meer."
                ),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("introduced_on_input"),
                    FieldPanel("start_on"),
                    FieldPanel("withdraw"),
                ],
                heading=_("Kennismaking en start"),
            ),
            MultiFieldPanel(
                [FieldPanel("visit_on"), FieldPanel("visit_kind"), FieldPanel("visit_minutes")],
                heading=_("Bezoek vastleggen"),
            ),
            MultiFieldPanel(
                [FieldPanel("check_in_done_on"), FieldPanel("next_check_in_on")],
                heading=_("Contactmomenten"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("end_on"),
                    FieldPanel("end_reason_input"),
                    FieldPanel("closing_talk_on_input"),
                    FieldPanel("network_grew_input"),
                    *(FieldPanel(f"outcome_{code}") for code, _label in SUPPORT_QUESTION_CHOICES),
                ],
                heading=_("Afsluiten en evalueren"),
                help_text=_("Vul hieronder per hulpvraag in of die bereikt is."),
            ),
        ],
        base_form_class=MatchAdminForm,
    )
