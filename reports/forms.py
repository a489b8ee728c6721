"""The report's choices: a year or a period of whole months, a branch (or all, for
national staff), and optionally one municipality of the branch's working area."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Municipality
from reports.period import Period, last_day

FIRST_YEAR = 2000
LAST_YEAR = 2100
LONGEST_PERIOD = 60  # months
ALL_BRANCHES = "alle"
MONTH = re.compile(r"(\d{4})-(\d{1,2})")
DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


class MonthField(forms.Field):
    """A month as 'jjjj-mm' (what <input type="month"> sends). A whole date is taken
    too (links from before), but only the first day of a month for the start and the
    last day of a month for the end: the report never counts part of a month."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "jjjj-mm"})

    def __init__(self, *, edge: str, **kwargs):
        self.edge = edge  # "start" or "end"
        super().__init__(**kwargs)

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        try:
            if found := MONTH.fullmatch(value):
                year, month = int(found[1]), int(found[2])
                first = datetime.date(year, month, 1)
                return first if self.edge == "start" else last_day(year, month)
            if found := DAY.fullmatch(value):
                day = datetime.date(int(found[1]), int(found[2]), int(found[3]))
            else:
                day = None
        except ValueError:
            day = None
        if day is None:
            raise forms.ValidationError(
                _("Vul een maand in als jjjj-mm, bijvoorbeeld 2025-03."), code="month"
            )
        if self.edge == "start" and day.day != 1:
            raise forms.ValidationError(
                _(
                    "Het verslag telt alleen hele maanden: de periode begint op de eerste "
                    "dag van een maand. Kies een maand."
                ),
                code="whole_months",
            )
        if self.edge == "end" and day != last_day(day.year, day.month):
            raise forms.ValidationError(
                _(
                    "Het verslag telt alleen hele maanden: de periode eindigt op de laatste "
                    "dag van een maand. Kies een maand."
                ),
                code="whole_months",
            )
        return day


class ReportForm(forms.Form):
    """Read from the query string (GET): the report is a read, its address can be kept.
    A year, or a period of whole months (from the first day of the month `van` to the
    last day of the month `tot`)."""

    jaar = forms.IntegerField(
        label=_("Jaar"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    van = MonthField(
        edge="start",
        label=_("Of een periode van hele maanden: van"),
        required=False,
        help_text=_("Maand (jjjj-mm)"),
    )
    tot = MonthField(
        edge="end",
        label=_("tot en met"),
        required=False,
        help_text=_("Maand (jjjj-mm)"),
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
                    _("Vul bij een periode zowel de begin- als de eindmaand in."), code="period"
                )
            if end < start:
                raise forms.ValidationError(
                    _("De eindmaand ligt vóór de beginmaand."), code="period_order"
                )
            months = (end.year - start.year) * 12 + end.month - start.month + 1
            if months > LONGEST_PERIOD:
                raise forms.ValidationError(
                    _("Kies een periode van hoogstens vijf jaar."), code="period_length"
                )
            if start.year < FIRST_YEAR or end.year > LAST_YEAR:
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
