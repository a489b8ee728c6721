"""Form widgets shared by the admin and the site."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from portal.models.volunteers import AVAILABILITY_CHOICES, DAY_PARTS, WEEKDAYS


class AvailabilityGridWidget(forms.CheckboxSelectMultiple):
    """Availability as a table: a row per weekday, a column per part of the day, one
    checkbox per dagdeel (values "mon_morning", ...), each with its own hidden label."""

    template_name = "portal/widgets/availability_grid.html"

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=AVAILABILITY_CHOICES)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = {str(item) for item in (value or [])}
        labels = dict(AVAILABILITY_CHOICES)
        base_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["parts"] = [label for _code, label in DAY_PARTS]
        context["grid"] = [
            (
                day_label,
                [
                    {
                        "value": code,
                        "label": labels[code],
                        "checked": code in chosen,
                        "id": f"{base_id}_{code}",
                    }
                    for code in (f"{day}_{part}" for part, _label in DAY_PARTS)
                ],
            )
            for day, day_label in WEEKDAYS
        ]
        return context

    def _render(self, template_name, context, renderer=None):
        # The project's templates (templates/), which Django's form renderer does not read.
        return mark_safe(render_to_string(template_name, context))

    def id_for_label(self, id_, index=None):
        # The grid has no single input for the field's own label to point at.
        return ""
