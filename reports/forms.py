"""The report's choices: a year or any period, a branch (or all, for national staff),
and optionally one municipality of the branch's working area."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Municipality
from reports.period import Period

FIRST_YEAR = 2000
LONGEST_PERIOD = datetime.timedelta(days=5 * 366)
ALL_BRANCHES = "alle"


class ReportForm(forms.Form):
    """Read from the query string (GET): the report is a read, its address can be kept."""

    jaar = forms.IntegerField(label=_("Jaar"), required=False, min_value=FIRST_YEAR, max_value=2100)
    van = forms.DateField(
        label=_("Of een periode: van"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    tot = forms.DateField(
        label=_("tot en met"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    afdeling = forms.ChoiceField(label=_("Afdeling"))
    gemeente = forms.ModelChoiceField(
        label=_("Gemeente"),
        queryset=Municipality.objects.all(),
        required=False,
        empty_label=_("Alle gemeenten van het werkgebied"),
    )

    def __init__(self, *args, branches, national: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.branches = {str(branch.pk): branch for branch in branches}
        choices = [(pk, branch.name) for pk, branch in self.branches.items()]
        if national:
            choices.insert(0, (ALL_BRANCHES, _("Alle afdelingen (landelijk)")))
        self.fields["afdeling"].choices = choices
        self.fields["gemeente"].queryset = (
            Municipality.objects.all()
            if national
            else Municipality.objects.filter(branches__in=list(self.branches.values())).distinct()
        )

    def clean(self):
        data = super().clean()
        start, end, year = data.get("van"), data.get("tot"), data.get("jaar")
        if self.errors:
            return data
        if start or end:
            if not (start and end):
                raise forms.ValidationError(
                    _("Vul bij een periode zowel de begin- als de einddatum in."), code="period"
                )
            if end < start:
                raise forms.ValidationError(
                    _("De einddatum ligt vóór de begindatum."), code="period_order"
                )
            if end - start > LONGEST_PERIOD:
                raise forms.ValidationError(
                    _("Kies een periode van hoogstens vijf jaar."), code="period_length"
                )
            if start.year < FIRST_YEAR or end.year > 2100:
                raise forms.ValidationError(
                    _("Kies een periode tussen 2000 en 2100."), code="period_range"
                )
            data["period"] = Period(start, end)
        else:
            data["period"] = Period.year(year or timezone.localdate().year)
        branch_id = data.get("afdeling")
        data["branch"] = None if branch_id == ALL_BRANCHES else self.branches[branch_id]
        municipality = data.get("gemeente")
        if (
            municipality is not None
            and data["branch"] is not None
            and not data["branch"].working_area.filter(pk=municipality.pk).exists()
        ):
            self.add_error(
                "gemeente",
                _("Deze gemeente hoort niet bij het werkgebied van de afdeling."),
            )
        return data
