"""Listing columns for the Wagtail admin that speak Dutch: a boolean as "ja"/"nee"
(Wagtail's BooleanColumn names its icons True and False), a date as "5 dec 2026"
(Wagtail's DateColumn says "5 minuten geleden").

Their cells, and a plain value's (`PlainColumn`), are written in Python with the HTML
Wagtail's cell templates give: a template rendered per cell cost about 0.1 ms, a hundred
cells on a page of twenty rows (bench/bench_scale.py, docs/scale.md), like the selects
of `portal.widgets.PlainSelect`.
"""

from __future__ import annotations

from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from django.utils.translation import gettext
from wagtail.admin.ui.tables import Column


def _cell(column: Column, content) -> SafeString:
    """`<td>` with the column's class, as Wagtail's cell templates write it."""
    if column.classname:
        return format_html('<td class="{}">{}</td>', column.classname, content)
    return format_html("<td>{}</td>", content)


class PlainColumn(Column):
    """Wagtail's Column (the same value: unlocalized numbers, "-" for nothing), its cell
    written without a template."""

    def render_cell_html(self, instance, parent_context):
        value = self.get_cell_context_data(instance, parent_context)["value"]
        return _cell(self, "" if value is None else value)


class YesNoColumn(Column):
    def render_cell_html(self, instance, parent_context):
        if self.get_value(instance):
            return _cell(self, gettext("ja"))
        return _cell(self, format_html('<span class="w-text-text-meta">{}</span>', gettext("nee")))


class AbsoluteDateColumn(Column):
    """A date, or a moment with `with_time`, in the reader's language and time zone."""

    def __init__(self, name, *, with_time: bool = False, **kwargs):
        super().__init__(name, **kwargs)
        self.with_time = with_time

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        if not value:
            return _cell(self, "")
        value = template_localtime(value)  # what the template's date filter is given
        if self.with_time:
            machine, shown = date_filter(value, "c"), date_filter(value, "j b Y, G:i")
        else:
            machine, shown = date_filter(value, "Y-m-d"), date_filter(value, "j b Y")
        return _cell(self, format_html('<time datetime="{}">{}</time>', machine, shown))
