"""PlainSelect writes exactly what Django's select templates write."""

from __future__ import annotations

import datetime
import decimal

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from portal.models import Branch
from portal.viewsets import VolunteerFilterSet
from portal.widgets import PlainSelect

CHOICES = [
    ("", "–"),
    ("present", gettext_lazy("Aanwezig")),
    ("a<b", 'quote " & <tag>'),
    ("safe", mark_safe("<b>vet</b>")),
    (3, 1234567),
    (decimal.Decimal("1.5"), datetime.date(2026, 12, 5)),
    ("Groep <1>", [("x", "X"), ("y", "Y & Z")]),
    ("", [("z", "zonder groep")]),
]

ATTRS = [
    None,
    {"id": "id_a-1-2"},
    {"id": "id_f", "class": 'a "b"', "required": True, "disabled": False, "data-n": 1200},
    {"aria-describedby": mark_safe("x&amp;y"), "multiple": True},
]


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", [None, "", "present", "a<b", 3, "1.5", "y", ["x", "z"]])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_same_html_as_djangos_select(attrs, value, language):
    with override(language):
        expected = forms.Select(choices=CHOICES, attrs={"title": "t"}).render("a-1-2", value, attrs)
        written = PlainSelect(choices=CHOICES, attrs={"title": "t"}).render("a-1-2", value, attrs)
    assert written == expected


@pytest.mark.parametrize("value", [None, ["x"], ["x", "y", "present"]])
def test_the_same_html_for_a_multiple_select(value):
    class PlainSelectMultiple(PlainSelect, forms.SelectMultiple):
        pass

    expected = forms.SelectMultiple(choices=CHOICES).render("m", value, {"id": "id_m"})
    written = PlainSelectMultiple(choices=CHOICES).render("m", value, {"id": "id_m"})
    assert written == expected


def test_an_empty_select():
    assert PlainSelect().render("e", None) == forms.Select().render("e", None)


def test_a_widget_with_templates_of_its_own_goes_through_them():
    class DjangoOwn(forms.Select):
        option_template_name = "django/forms/widgets/attrs.html"

    class Own(PlainSelect):
        option_template_name = "django/forms/widgets/attrs.html"

    assert Own(choices=CHOICES).render("o", "x") == DjangoOwn(choices=CHOICES).render("o", "x")
    assert "<option" not in Own(choices=CHOICES).render("o", "x")


@pytest.mark.django_db
def test_the_branch_filter_uses_it(rf, admin_user):
    Branch.objects.create(name="Zeist & <omstreken>", slug="zeist")
    request = rf.get("/admin/portal_volunteer/")
    request.user = admin_user
    field = VolunteerFilterSet(request.GET, request=request).form["branch"]
    assert isinstance(field.field.widget, PlainSelect)
    expected = forms.Select(choices=field.field.choices).render(
        field.html_name, field.value(), {"id": field.auto_id}
    )
    assert str(field.as_widget()) == expected
    assert "Zeist &amp; &lt;omstreken&gt;" in expected


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", [None, "", "present", 3, ["x", "z"], ["a<b", "safe", "1.5"]])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_same_html_as_djangos_checkboxes(attrs, value, language):
    from portal.widgets import PlainCheckboxSelectMultiple

    with override(language):
        expected = forms.CheckboxSelectMultiple(choices=CHOICES, attrs={"title": "t"}).render(
            "m", value, attrs
        )
        written = PlainCheckboxSelectMultiple(choices=CHOICES, attrs={"title": "t"}).render(
            "m", value, attrs
        )
    assert written == expected


def test_checkboxes_with_templates_of_their_own_go_through_them():
    from portal.widgets import PlainCheckboxSelectMultiple

    class Own(PlainCheckboxSelectMultiple):
        option_template_name = "django/forms/widgets/attrs.html"

    class DjangoOwn(forms.CheckboxSelectMultiple):
        option_template_name = "django/forms/widgets/attrs.html"

    assert Own(choices=CHOICES).render("o", ["x"]) == DjangoOwn(choices=CHOICES).render("o", ["x"])
    assert PlainCheckboxSelectMultiple().render("e", None) == forms.CheckboxSelectMultiple().render(
        "e", None
    )
