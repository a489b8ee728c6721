"""The referral inbox in the Wagtail admin, scoped to the coordinator's own branches.

- The list and its filters reach only the branches the user coordinates themselves.
  National staff see the referrals no branch covers, to pass them on, and no routed
  referral: a family's details are its branch's (DESIGN.md's tiers); their figures
  are in the annual report (reports/). Another branch's referral is a 404.
- The search box looks for the reference only: what is typed into it ends up in an
  address, and family data never goes into an address.
- No export: one row per family is not a figure. The annual report counts.
- Status changes, moving to another branch and erasing go through the services.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, Panel
from wagtail.admin.views.generic import CreateView, EditView, IndexView

from portal.admin_tables import AbsoluteDateColumn, ChoiceColumn, PlainColumn
from portal.errors import ServiceError
from portal.filters import BranchFilter
from portal.models import Branch
from portal.permissions import is_national_staff
from portal.scoping import BranchScopedModelViewSet, FamilyDataPermissionPolicy
from support.referrals.models import (
    RISK_FACTOR_CHOICES,
    SUPPORT_QUESTION_CHOICES,
    NotSuitableReason,
    Referral,
    ReferralKind,
    ReferralStatus,
)
from support.referrals.services import (
    assign_referral_to_branch,
    change_referral_status,
    check_status_change,
    erase_referral,
)

NEW_STATUS_CHOICES = [("", _("— status niet wijzigen —")), *ReferralStatus.choices]
REASON_CHOICES = [("", "—"), *NotSuitableReason.choices]


class ReferralPermissionPolicy(FamilyDataPermissionPolicy):
    """The branches the user coordinates themselves, plus, for national staff, the
    referrals no branch covers yet (someone has to pass those on)."""

    def filter_visible(self, user, queryset):
        # The ids as a list, not a subquery: with "or no branch" beside it a subquery
        # made PostgreSQL walk the whole inbox by date (9 ms at 20,000 referrals for
        # national staff, who coordinate none); a list lets it use the branch index.
        branch_ids = list(
            Branch.objects.with_families_visible_to(user).values_list("pk", flat=True)
        )
        mine = Q(branch__in=branch_ids)
        if is_national_staff(user):
            mine |= Q(branch__isnull=True)
        return queryset.filter(mine)


class ReferralFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReferralStatus.choices)
    branch = BranchFilter(scope=Branch.objects.with_families_visible_to)
    kind = django_filters.ChoiceFilter(label=_("Aangemeld"), choices=ReferralKind.choices)
    unrouted = django_filters.BooleanFilter(
        label=_("Zonder afdeling"), field_name="branch", lookup_expr="isnull"
    )
    # The annual report counts by municipality: these still need one chosen.
    without_municipality = django_filters.BooleanFilter(
        label=_("Zonder gemeente (CBS)"), field_name="cbs_municipality", lookup_expr="isnull"
    )

    class Meta:
        model = Referral
        fields = ["status", "branch", "kind", "unrouted", "without_municipality"]


class ReferralAdminForm(WagtailAdminModelForm):
    """The annual report's figures are edited here; status, branch and erasure go
    through the services."""

    new_status = forms.ChoiceField(
        label=_("Nieuwe status"), choices=NEW_STATUS_CHOICES, required=False
    )
    reason = forms.ChoiceField(
        label=_("Reden (bij niet passend)"), choices=REASON_CHOICES, required=False
    )
    status_note = forms.CharField(
        label=_("Toelichting bij de statuswijziging"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Wordt met de persoonsgegevens gewist."),
    )
    move_to_branch = forms.ModelChoiceField(
        label=_("Doorzetten naar afdeling"),
        queryset=Branch.objects.all(),
        required=False,
        help_text=_(
            "De coördinatoren van die afdeling krijgen bericht dat er een aanmelding wacht."
        ),
    )
    erase_now = forms.BooleanField(
        label=_("Persoonsgegevens nu wissen"),
        required=False,
        help_text=_(
            "Bijvoorbeeld op verzoek van het gezin. Kan alleen bij een afgesloten aanmelding; "
            "de cijfers voor het jaarverslag blijven."
        ),
    )
    support_questions = forms.MultipleChoiceField(
        label=_("Soorten hulpvraag"),
        choices=SUPPORT_QUESTION_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    risk_factors = forms.MultipleChoiceField(
        label=_("Risicofactoren"),
        choices=RISK_FACTOR_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            if cleaned.get("new_status"):
                check_status_change(
                    referral=Referral.objects.get(pk=self.instance.pk),
                    to_status=cleaned["new_status"],
                    reason=cleaned.get("reason", ""),
                )
            elif cleaned.get("reason"):
                self.add_error("reason", _("Kies ook de status „niet passend”."))
            move_to = cleaned.get("move_to_branch")
            if move_to is not None and move_to.pk == self.instance.branch_id:
                self.add_error("move_to_branch", _("De aanmelding hoort al bij deze afdeling."))
            if cleaned.get("erase_now") and not (
                self.instance.is_closed
                or cleaned.get("new_status") in {"support_ended", "not_suitable"}
            ):
                self.add_error(
                    "erase_now",
                    _("Alleen van een afgesloten aanmelding kunnen de gegevens worden gewist."),
                )
        except ServiceError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        return cleaned

    def save(self, commit=True):
        referral = super().save(commit=commit)
        if not commit:
            return referral
        data = self.cleaned_data
        if data.get("new_status"):
            change_referral_status(
                referral=referral,
                to_status=data["new_status"],
                by=self.for_user,
                reason=data.get("reason", ""),
                note=data.get("status_note", ""),
            )
        if data.get("move_to_branch") is not None:
            assign_referral_to_branch(
                referral=referral, branch=data["move_to_branch"], by=self.for_user
            )
        if data.get("erase_now"):
            erase_referral(referral=referral, by=self.for_user)
        return referral


class ReferralRecordPanel(Panel):
    """Read only: who referred, the family, the question, and the history."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "referrals/admin/referral_record_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["referral"] = self.instance
            context["history"] = self.instance.status_changes.select_related("changed_by")[:50]
            return context


class ReferralIndexView(IndexView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # No export (see above): `?export=csv` shows the list, not an empty spreadsheet.
        self.is_export = False

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("branch")


class ReferralCreateView(CreateView):
    """Referrals come in through the public form only."""

    def dispatch(self, request, *args, **kwargs):
        raise PermissionDenied


class ReferralEditView(EditView):
    def get_page_subtitle(self):
        return self.object.reference

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        # Any branch: a family may live outside the area of the branch it reached.
        # Once passed on, the referral is that branch's (and out of sight here).
        form.fields["move_to_branch"].queryset = Branch.objects.exclude(pk=self.object.branch_id)
        return form


class ReferralViewSet(BranchScopedModelViewSet):
    model = Referral
    icon = "mail"
    menu_label = _("Aanmeldingen gezinnen")
    menu_order = 105
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = ReferralIndexView
    add_view_class = ReferralCreateView
    edit_view_class = ReferralEditView
    filterset_class = ReferralFilterSet
    search_fields = ["reference"]
    search_backend_name = None
    list_display = [
        "reference",  # a plain name first: Wagtail links it to the referral
        AbsoluteDateColumn(
            "received_at", label=_("Ontvangen"), sort_key="received_at", with_time=True
        ),
        ChoiceColumn("status", label=_("Status")),
        PlainColumn("branch", label=_("Afdeling")),
        PlainColumn("family_label", label=_("Gezin"), accessor="family_label"),
        PlainColumn("municipality", label=_("Gemeente"), sort_key="municipality"),
        ChoiceColumn("kind", label=_("Aangemeld"), sort_key=None),
    ]
    edit_handler = ObjectList(
        [
            ReferralRecordPanel(heading=_("Aanmelding")),
            MultiFieldPanel(
                [FieldPanel("new_status"), FieldPanel("reason"), FieldPanel("status_note")],
                heading=_("Status wijzigen"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("referrer_category"),
                    FieldPanel("municipality"),
                    FieldPanel("cbs_municipality"),
                    FieldPanel("children_count"),
                    FieldPanel("family_language"),
                    FieldPanel("support_questions"),
                    FieldPanel("risk_factors"),
                ],
                heading=_("Voor het jaarverslag"),
                help_text=_("Deze gegevens blijven bewaard als de persoonsgegevens zijn gewist."),
            ),
            MultiFieldPanel(
                [FieldPanel("move_to_branch"), FieldPanel("erase_now")],
                heading=_("Doorzetten of wissen"),
            ),
        ],
        base_form_class=ReferralAdminForm,
    )
