"""Listing columns for the Wagtail admin that speak Dutch: a boolean as "ja"/"nee"
(Wagtail's BooleanColumn names its icons True and False), a date as "5 dec 2026"
(Wagtail's DateColumn says "5 minuten geleden").

Their cells, and a plain value's (`PlainColumn`), are written in Python with the HTML
Wagtail's cell templates give: a template rendered per cell cost about 0.1 ms, a hundred
cells on a page of twenty rows (bench/bench_scale.py, docs/scale.md), like the selects
of `portal.widgets.PlainSelect`.
"""

from __future__ import annotations

import copy
import datetime
import functools
import re

from django.template.defaultfilters import date as date_filter
from django.utils.encoding import force_str
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext
from wagtail.admin.ui.tables import Column, TitleColumn

from portal.widgets import attrs_html


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


class ChoiceColumn(PlainColumn):
    """A field with choices, shown by its label as `get_<field>_display()` shows it,
    sorted by the field. The labels are translated once per model and language, not on
    every row: `get_<field>_display()` builds the choices and looks the label up in the
    translation catalogues each time, about 0.1 ms a row (docs/scale.md)."""

    def __init__(self, name, **kwargs):
        kwargs.setdefault("sort_key", name)
        super().__init__(name, **kwargs)
        self._labels: dict[tuple, dict] = {}

    def get_value(self, instance):
        value = getattr(instance, self.name)
        key = (type(instance), get_language())
        labels = self._labels.get(key)
        if labels is None:
            field = instance._meta.get_field(self.name)
            labels = {
                choice: force_str(label, strings_only=True) for choice, label in field.flatchoices
            }
            self._labels[key] = labels
        return labels.get(value, value)


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
        # The machine-readable form is ISO 8601, what the filter's "c" and "Y-m-d" give,
        # without a second pass through the date filter on every row.
        if self.with_time:
            machine, shown = value.isoformat(), date_filter(value, "j b Y, G:i")
        else:
            day = value.date() if isinstance(value, datetime.datetime) else value
            machine, shown = day.isoformat(), date_filter(value, "j b Y")
        return _cell(self, format_html('<time datetime="{}">{}</time>', machine, shown))


class PlainTitleColumn(TitleColumn):
    """Wagtail's TitleColumn (the name linked to its record, the row's buttons beside
    it), its cell written without `wagtailadmin/tables/title_cell.html`: that template
    took about 0.3 ms a row beyond the buttons, 6 ms of a page of twenty (docs/scale.md).
    The test compares it with the template for links, labels, ids and buttons."""

    def render_cell_html(self, instance, parent_context):
        context = self.get_cell_context_data(instance, parent_context)
        title = conditional_escape(context["value"])
        if context["title_id"]:
            title = format_html('<span id="{}">{}</span>', context["title_id"], title)
        if context["link_url"]:
            title = format_html("<a{}>{}</a>", mark_safe(attrs_html(context["link_attrs"])), title)
        elif context["label_id"]:
            title = format_html('<label for="{}">{}</label>', context["label_id"], title)
        buttons = ""
        if context.get("buttons"):
            # `{% component button %}` in the cell's context, as wagtailadmin/shared/buttons.html.
            shown = ((button.render_html(context),) for button in context["buttons"] if button.show)
            buttons = format_html(
                '<ul class="actions">{}</ul>', format_html_join("", "<li>{}</li>", shown)
            )
        classname = f"{self.classname} title" if self.classname else "title"
        return format_html(
            '<td class="{}"><div class="title-wrapper">{}</div>{}</td>', classname, title, buttons
        )


class RowButtonsOnceMixin:
    """For a listing's index view: each row's buttons rendered from one rendering per
    kind of row, not through Wagtail's templates on every row.

    A row's "more options" dropdown took 0.28 ms to render, a fifth of a page of 20
    rows (bench/bench_scale.py, docs/scale.md), while rows differ only in their
    addresses and the name in the toggle's label. So the first row of a kind is rendered
    by Wagtail itself with markers in place of those values, and every row of that kind
    gets the markers replaced by its own values, escaped as Wagtail's templates escape
    them. Anything that does not fit (another kind of button, a value a template
    changes rather than prints, a marker that does not come back) is rendered by
    Wagtail as before. The test compares whole listings both ways."""

    def get_edit_url(self, instance):
        # Asked twice a row (the name's link and the edit button): reversed once.
        urls = self.__dict__.setdefault("_edit_urls", {})
        if instance.pk not in urls:
            urls[instance.pk] = super().get_edit_url(instance)
        return urls[instance.pk]

    def get_list_buttons(self, instance):
        buttons = super().get_list_buttons(instance)
        if not hasattr(self, "_row_buttons"):
            self._row_buttons = _RowButtons()
        return [self._row_buttons.wrap(button) for button in buttons]

    def _get_title_column_class(self, column_class):
        # Wagtail's own title column, and only that: a subclass may have its own template.
        if column_class is TitleColumn:
            column_class = PlainTitleColumn
        return super()._get_title_column_class(column_class)


_MARK = "\ue000{}\ue001"
_MARKS = re.compile("\ue000([0-9]+)\ue001")


class _RowButtons:
    def __init__(self):
        self.skeletons: dict[tuple, str | None] = {}

    def wrap(self, button):
        try:
            shape = _shape(button)
        except _Unfit:
            return button
        return _RenderedButton(self, button, shape)

    def render(self, button, shape, parent_context) -> str:
        if shape not in self.skeletons:
            self.skeletons[shape] = self._skeleton(button, parent_context)
        skeleton = self.skeletons[shape]
        if skeleton is None:
            return button.render_html(parent_context)
        escaped = [str(conditional_escape(value)) for value in _values(button)]
        # One pass over the skeleton: a value is never searched for markers itself.
        # Wagtail's own HTML, with every value escaped as its templates escape them.
        return mark_safe(_MARKS.sub(lambda found: escaped[int(found[1])], skeleton))

    @staticmethod
    def _skeleton(button, parent_context) -> str | None:
        counter = iter(range(10_000))
        marked = _marked(button, counter)
        html = str(marked.render_html(parent_context))
        used = next(counter)
        if any(html.count(_MARK.format(number)) == 0 for number in range(used)):
            return None  # a template changed a value instead of printing it
        if html.count("\ue000") != sum(html.count(_MARK.format(n)) for n in range(used)):
            return None
        return html


@functools.total_ordering
class _RenderedButton:
    """What Wagtail's listing needs of a row button: `show`, `render_html` for
    `{% component %}`, and its order among the row's buttons (`ButtonsColumnMixin`
    sorts them by priority and label, as `BaseButton` compares)."""

    def __init__(self, rows: _RowButtons, button, shape):
        self.rows, self.button, self.shape = rows, button, shape
        self.priority, self.label = button.priority, button.label

    @property
    def show(self):
        return self.button.show

    def __eq__(self, other):
        return self is other

    __hash__ = object.__hash__

    def __lt__(self, other):
        if not hasattr(other, "priority") or not hasattr(other, "label"):
            return NotImplemented
        return (self.priority, self.label) < (other.priority, other.label)

    def render_html(self, parent_context=None):
        return self.rows.render(self.button, self.shape, parent_context or {})


class _Unfit(Exception):
    pass


def _shape(button) -> tuple:
    """Everything about a button but its address and its string attribute values."""
    from wagtail.admin.widgets.button import Button, ButtonWithDropdown

    kind = type(button)
    if kind not in (Button, ButtonWithDropdown):
        raise _Unfit
    attrs = tuple(
        (key, None if isinstance(value, str) else value)
        for key, value in sorted(button.attrs.items())
    )
    try:
        hash(attrs)
    except TypeError:
        raise _Unfit from None
    children = ()
    if kind is ButtonWithDropdown:
        children = tuple(_shape(child) for child in button.dropdown_buttons)
    has_url = bool(button.url)
    return (
        kind,
        str(button.label),
        button.icon_name,
        button.classname,
        button.priority,
        attrs,
        has_url,
        children,
    )


def _values(button) -> list:
    """The strings a row puts into its kind's skeleton, in the order they were marked."""
    values = [button.url] if button.url else []
    values += [value for _, value in sorted(button.attrs.items()) if isinstance(value, str)]
    if _is_dropdown(button):
        for child in button.dropdown_buttons:
            values += _values(child)
    return values


def _is_dropdown(button) -> bool:
    from wagtail.admin.widgets.button import ButtonWithDropdown

    return type(button) is ButtonWithDropdown


def _marked(button, counter):
    """A copy of the button with markers for its values (`_values`' order)."""
    marked = copy.copy(button)
    if button.url:
        marked.url = _MARK.format(next(counter))
    marked.attrs = {
        key: _MARK.format(next(counter)) if isinstance(value, str) else value
        for key, value in sorted(button.attrs.items())
    }
    if _is_dropdown(button):
        marked.dropdown_buttons = [_marked(child, counter) for child in button.dropdown_buttons]
    return marked
