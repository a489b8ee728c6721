"""Form widgets shared by the admin and the site."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import template_localtime

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


def _text(value) -> str:
    """`{{ value }}` as Django's template engine writes it (localized, escaped)."""
    if type(value) is str:
        # Most values are: localizing a string leaves it as it is.
        return escape(value)
    value = localize(template_localtime(value))
    if not issubclass(type(value), str):
        value = str(value)
    return conditional_escape(value)


def _stringformat(value) -> str:
    """`{{ value|stringformat:'s' }}`: the filter keeps a safe value safe."""
    if type(value) is str:
        return escape(value)
    text = "%s" % (str(value) if isinstance(value, tuple) else value)
    return conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text)


def attrs_html(attrs: dict) -> str:
    """django/forms/widgets/attrs.html (and Wagtail's wagtailadmin/shared/attrs.html, the
    same template text): ` name="value"`, a bare name for True, nothing for False."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_stringformat(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class PlainSelect(forms.Select):
    """Django's `<select>`, written out in Python instead of through its templates.

    Django renders a select with a template, and every option with a template of its
    own (and its attributes with a third): about 0.4 ms for a select of four options,
    3 to 5 ms for one of sixty. Screens with many selects (the course attendance grid:
    one per participant and session held) or long ones (the branch filter of national
    staff: sixty branches) spent most of their time there (bench/bench_scale.py,
    docs/scale.md). This writes the same HTML, byte for byte, from the same context
    (`get_context`, so choices, the selected options and attributes are Django's); a
    subclass or option with a template of its own goes through the templates as before.
    `tests/portal/test_widgets.py` compares the two.
    """

    def render(self, name, value, attrs=None, renderer=None):
        if self.template_name != forms.Select.template_name:
            return super().render(name, value, attrs, renderer)
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{_text(widget["name"])}"{attrs_html(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_text(group_name)}">')
            for option in group_choices:
                if option["template_name"] != forms.Select.option_template_name:
                    return super().render(name, value, attrs, renderer)
                parts.append(
                    f'\n  <option value="{_stringformat(option["value"])}"'
                    f"{attrs_html(option['attrs'])}>{_text(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


class PlainCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Django's list of checkboxes, written out in Python like `PlainSelect`.

    Each checkbox went through three templates of its own (the option, its input, its
    attributes): about 0.1 ms a checkbox. The intervision group's members are one per
    volunteer of the branch, a hundred at national size (bench/bench_scale.py,
    docs/scale.md). The same HTML, byte for byte, from Django's own context; a subclass
    or option with a template of its own goes through the templates as before.
    `tests/portal/test_widgets.py` compares the two.
    """

    def render(self, name, value, attrs=None, renderer=None):
        django_own = forms.CheckboxSelectMultiple
        if (self.template_name, self.option_template_name) != (
            django_own.template_name,
            django_own.option_template_name,
        ):
            return super().render(name, value, attrs, renderer)
        widget = self.get_context(name, value, attrs)["widget"]
        # django/forms/widgets/multiple_input.html, each option through checkbox_option,
        # input_option and input.html (each file ends in a newline, which stays in).
        own = widget["attrs"]
        parts = ["<div"]
        if own.get("id"):
            parts.append(f' id="{_text(own["id"])}"')
        if own.get("class"):
            parts.append(f' class="{_text(own["class"])}"')
        parts.append(">")
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f"\n  <div><label>{_text(group_name)}</label>")
            for option in group_choices:
                if option["template_name"] != django_own.option_template_name:
                    return super().render(name, value, attrs, renderer)
                parts.append("<div>\n    ")
                parts.append(_checkbox_html(option))
                parts.append("</div>")
            if group_name:
                parts.append("\n  </div>")
        parts.append("\n</div>")
        return mark_safe("".join(parts))


def _checkbox_html(option: dict) -> str:
    """django/forms/widgets/input_option.html with its input.html, and the newlines."""
    html = f'<input type="{_text(option["type"])}" name="{_text(option["name"])}"'
    if option["value"] is not None:
        html += f' value="{_stringformat(option["value"])}"'
    html += f"{attrs_html(option['attrs'])}>\n"
    if option["wrap_label"]:
        label_for = option["attrs"].get("id")
        label_for = f' for="{_text(label_for)}"' if label_for else ""
        html = f"<label{label_for}>{html} {_text(option['label'])}</label>"
    return html + "\n\n"
