"""Wagtail admin screens of `portal`: volunteers (branch-scoped) and branches."""

from __future__ import annotations

import csv

import django_filters
from django import forms
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, Panel
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.views.generic import DeleteView, EditView, IndexView
from wagtail.admin.views.mixins import Echo
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.admin_tables import AbsoluteDateColumn, ChoiceColumn, PlainColumn
from portal.errors import ServiceError
from portal.filters import BranchFilter
from portal.forms import STATUS_CHOICES_WITH_EMPTY, clean_phone, clean_postcode
from portal.models import (
    AVAILABILITY_CHOICES,
    LANGUAGE_CHOICES,
    Branch,
    Municipality,
    User,
    Volunteer,
    VolunteerStatus,
)
from portal.registry import notify_volunteer_event, registry
from portal.scoping import BranchScopedModelViewSet, BranchScopedSnippetViewSet
from portal.services.volunteers import (
    activation_blockers,
    change_volunteer_status,
    check_status_change,
    erase_volunteer,
)
from portal.widgets import AvailabilityGridWidget


class VolunteerFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=VolunteerStatus.choices)
    # National staff choose from every branch: sixty options (portal.filters).
    branch = BranchFilter(scope=Branch.objects.coordinated_by)

    class Meta:
        model = Volunteer
        fields = ["status", "branch"]


class VolunteerAdminForm(WagtailAdminModelForm):
    """The coordinator's form: details, plus a status change that goes through the service."""

    new_status = forms.ChoiceField(
        label=_("Nieuwe status"), choices=STATUS_CHOICES_WITH_EMPTY, required=False
    )
    status_note = forms.CharField(
        label=_("Toelichting bij de statuswijziging"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Verplicht bij stoppen: de reden. Noem geen gezinnen."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Talen"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    availability = forms.MultipleChoiceField(
        label=_("Beschikbaarheid"),
        choices=AVAILABILITY_CHOICES,
        required=False,
        widget=AvailabilityGridWidget,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "branch" in self.fields:
            self.fields["branch"].queryset = Branch.objects.coordinated_by(self.for_user)

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone", ""))

    def clean_postcode(self) -> str:
        return clean_postcode(self.cleaned_data.get("postcode", ""))

    def clean(self):
        cleaned = super().clean()
        new_status = cleaned.get("new_status")
        if new_status and not self.errors:
            # Check against the record as it will be after this save (dates included).
            candidate = Volunteer.objects.get(pk=self.instance.pk)
            for name in ("vog_received_on", "vog_requested_on"):
                if name in cleaned:
                    setattr(candidate, name, cleaned[name])
            try:
                check_status_change(
                    volunteer=candidate,
                    to_status=new_status,
                    note=cleaned.get("status_note", ""),
                    vog_received_on=cleaned.get("vog_received_on"),
                )
            except ServiceError as error:
                self.add_error(error.field if error.field in self.fields else None, error.message)
        return cleaned

    def save(self, commit=True):
        volunteer = super().save(commit=commit)
        new_status = self.cleaned_data.get("new_status")
        if commit:
            # The VOG dates of this form are mirrored into the screening checklist.
            notify_volunteer_event("details_saved", volunteer=volunteer, by=self.for_user)
        if commit and new_status:
            change_volunteer_status(
                volunteer=volunteer,
                to_status=new_status,
                by=self.for_user,
                note=self.cleaned_data.get("status_note", ""),
                vog_received_on=self.cleaned_data.get("vog_received_on"),
            )
        return volunteer


class VolunteerRecordPanel(Panel):
    """Read-only: status, what blocks activation, history, and what the parts add."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "portal/admin/volunteer_record_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            volunteer = self.instance
            context.update(
                {
                    "volunteer": volunteer,
                    "blockers": activation_blockers(volunteer)
                    if volunteer.status != VolunteerStatus.ACTIVE
                    else [],
                    "history": volunteer.status_changes.select_related("changed_by")[:50],
                    "deletion_requests": volunteer.deletion_requests.all(),
                    "sections": [
                        section
                        for provider in registry.volunteer_record_sections
                        if (section := provider(volunteer))
                    ],
                }
            )
            return context


class VolunteerIndexView(IndexView):
    # Rows read per round trip when exporting: a national export (5,000 volunteers)
    # starts at once and holds a chunk in memory, not every row (bench/bench_scale.py).
    export_chunk_size = 500

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user", "branch")

    def search_queryset(self, queryset):
        # Wagtail ORs `icontains` over the join with the accounts, which PostgreSQL can
        # only answer by reading every volunteer with their account. The matching
        # volunteers are found as the union of two lookups instead: by account (the
        # accounts searched on their own) and by their own postcode and city, each
        # served by the trigram indexes of migration 0008 (docs/scale.md). An OR of the
        # two in one WHERE made PostgreSQL read every volunteer and test each condition
        # (and guess half of them match), for the page and again for its count; the
        # union lets it start from the few matches. The same rows come back.
        if not self.is_searching:
            return queryset
        term = self.search_query
        accounts = User.objects.filter(
            Q(first_name__icontains=term) | Q(last_name__icontains=term) | Q(email__icontains=term)
        )
        # `any_of`, not `in`: looked up along the indexes on PostgreSQL (portal.lookups).
        by_account = Volunteer.objects.filter(user__any_of=accounts.values("pk"))
        by_address = Volunteer.objects.filter(Q(postcode__icontains=term) | Q(city__icontains=term))
        matches = by_account.order_by().values("pk").union(by_address.order_by().values("pk"))
        return queryset.filter(pk__any_of=matches)

    def get(self, request, *args, **kwargs):
        if self.is_export:
            # Straight to the rows (scoped, filtered, searched and ordered as listed):
            # Wagtail would build the listing's context first, which reads every row.
            return self.as_spreadsheet(self.get_queryset(), request.GET.get("export"))
        return super().get(request, *args, **kwargs)

    def stream_csv(self, queryset):
        writer = csv.DictWriter(Echo(), fieldnames=self.list_export)
        yield writer.writerow(
            {field: self.get_heading(queryset, field) for field in self.list_export}
        )
        for item in queryset.iterator(chunk_size=self.export_chunk_size):
            yield self.write_csv_row(writer, self.to_row_dict(item))

    @cached_property
    def columns(self):
        columns = super().columns
        # The name links to the record and carries the row's buttons, as Wagtail's own
        # title column does for a plain field name.
        title_column_class = self._get_title_column_class(TitleColumn)
        columns[0] = title_column_class(
            "full_name", label=_("Naam"), accessor="full_name", get_url=self.get_edit_url
        )
        return columns


class VolunteerEditView(EditView):
    def get_page_subtitle(self):
        return self.object.full_name


class VolunteerDeleteView(DeleteView):
    def delete_action(self):
        # The success message names the volunteer; read the name before it is erased.
        self.object.full_name  # noqa: B018
        erase_volunteer(volunteer=self.object, by=self.request.user)


class VolunteerViewSet(BranchScopedModelViewSet):
    model = Volunteer
    icon = "group"
    menu_label = _("Vrijwilligers")
    menu_order = 100
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = VolunteerIndexView
    edit_view_class = VolunteerEditView
    delete_view_class = VolunteerDeleteView
    filterset_class = VolunteerFilterSet
    search_fields = ["user__first_name", "user__last_name", "user__email", "postcode", "city"]
    search_backend_name = None
    list_display = [
        PlainColumn("full_name", label=_("Naam"), accessor="full_name"),
        PlainColumn("branch", label=_("Afdeling")),
        ChoiceColumn("status", label=_("Status")),
        AbsoluteDateColumn("status_changed_at", label=_("Sinds"), sort_key="status_changed_at"),
        PlainColumn("postcode", label=_("Postcode")),
    ]
    list_export = [
        "full_name",
        "email",
        "branch",
        "get_status_display",
        "status_changed_at",
        "phone",
        "postcode",
        "city",
        "get_languages_display",
        "get_availability_display",
        "vog_requested_on",
        "vog_received_on",
        "introduction_course_completed_on",
    ]
    export_headings = {
        "full_name": _("Naam"),
        "email": _("E-mailadres"),
        "branch": _("Afdeling"),
        "get_status_display": _("Status"),
        "status_changed_at": _("Status sinds"),
        "phone": _("Telefoon"),
        "postcode": _("Postcode"),
        "city": _("Woonplaats"),
        "get_languages_display": _("Talen"),
        "get_availability_display": _("Beschikbaarheid"),
        "vog_requested_on": _("VOG aangevraagd"),
        "vog_received_on": _("VOG ontvangen"),
        "introduction_course_completed_on": _("Introductiecursus afgerond"),
    }
    export_filename = "vrijwilligers"
    edit_handler = ObjectList(
        [
            VolunteerRecordPanel(heading=_("Dossier")),
            MultiFieldPanel(
                [
                    FieldPanel("new_status"),
                    FieldPanel("status_note"),
                    FieldRowPanel([FieldPanel("vog_requested_on"), FieldPanel("vog_received_on")]),
                ],
                heading=_("Status wijzigen"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("branch", widget=forms.Select),
                    FieldPanel("phone"),
                    FieldPanel("street_address"),
                    FieldRowPanel([FieldPanel("postcode"), FieldPanel("city")]),
                ],
                heading=_("Contactgegevens"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("languages"),
                    FieldPanel("parenting_experience"),
                    FieldPanel("availability"),
                ],
                heading=_("Over de vrijwilliger"),
            ),
        ],
        base_form_class=VolunteerAdminForm,
    )


class BranchAdminForm(WagtailAdminModelForm):
    """Nobody makes themselves a coordinator: the intervision notes and family data of a
    branch open to its coordinators, and national staff are meant never to read the
    notes. A colleague adds you (or a superuser does)."""

    def clean_coordinators(self):
        chosen = self.cleaned_data.get("coordinators")
        user = self.for_user
        if chosen is None or user is None or user.is_superuser:
            return chosen
        before = (
            set(self.instance.coordinators.values_list("pk", flat=True))
            if (self.instance.pk)
            else set()
        )
        if user.pk in {u.pk for u in chosen} and user.pk not in before:
            raise forms.ValidationError(
                _("Je kunt jezelf niet als coördinator toevoegen; vraag het een collega.")
            )
        return chosen


class BranchViewSet(BranchScopedSnippetViewSet):
    model = Branch
    edit_handler = ObjectList(Branch.panels, base_form_class=BranchAdminForm)
    icon = "site"
    menu_label = _("Afdelingen")
    menu_order = 110
    add_to_admin_menu = True
    copy_view_enabled = False
    search_fields = ["name"]
    search_backend_name = None
    list_display = ["name", "email", "phone"]


class MunicipalityViewSet(SnippetViewSet):
    """Municipalities and their CBS codes: national staff keep the list (the branches'
    working areas and the referrals choose from it)."""

    model = Municipality
    icon = "globe"
    menu_label = _("Gemeenten")
    menu_order = 111
    add_to_admin_menu = True
    copy_view_enabled = False
    search_fields = ["name"]
    search_backend_name = None
    list_display = ["name", "cbs_code"]
