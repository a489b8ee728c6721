"""Listing columns for the Wagtail admin that speak Dutch: a boolean as "ja"/"nee"
(Wagtail's BooleanColumn names its icons True and False), a date as "5 dec 2026"
(Wagtail's DateColumn says "5 minuten geleden")."""

from __future__ import annotations

from wagtail.admin.ui.tables import Column


class YesNoColumn(Column):
    cell_template_name = "portal/admin/tables/yes_no_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["value"] = bool(self.get_value(instance))
        return context


class AbsoluteDateColumn(Column):
    """A date, or a moment with `with_time`, in the reader's language and time zone."""

    cell_template_name = "portal/admin/tables/date_cell.html"

    def __init__(self, name, *, with_time: bool = False, **kwargs):
        super().__init__(name, **kwargs)
        self.with_time = with_time

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["value"] = self.get_value(instance)
        context["with_time"] = self.with_time
        return context
