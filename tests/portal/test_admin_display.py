"""The admin listings and forms speak Dutch and show what a coordinator reads at a
glance: absolute dates ("5 dec 2026"), never "5 minuten geleden"; availability as a
day × part-of-day grid, one labelled checkbox per dagdeel."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils.safestring import mark_safe

from support.referrals.models import Referral
from tests.portal.test_admin_volunteers import edit_url, form_data

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime.datetime(2026, 12, 5, 14, 3, tzinfo=AMS), tick=False):
        yield


def test_volunteer_list_shows_absolute_dates(client_for, volunteer):
    content = client_for("coordinator").get("/admin/portal_volunteer/").content.decode()
    assert "5 dec 2026" in content
    assert "geleden" not in content


def test_referral_list_shows_the_moment_it_came_in(client_for, branch):
    Referral.objects.create(
        reference="HS-ABSOLUT", kind="parents", referrer_category="family", branch=branch
    )
    content = client_for("coordinator").get("/admin/referrals/").content.decode()
    assert "5 dec 2026, 14:03" in content
    assert "geleden" not in content


def test_availability_is_a_grid_of_days_and_parts_of_the_day(client_for, volunteer):
    volunteer.availability = ["tue_afternoon"]
    volunteer.save()
    client = client_for("coordinator")
    content = client.get(edit_url(volunteer)).content.decode()
    grid = re.search(r'<table class="availability-grid">.*?</table>', content, re.S).group(0)
    assert grid.count('type="checkbox"') == 21
    for heading in ("maandag", "zondag", "ochtend", "middag", "avond"):
        assert heading in grid
    assert re.search(r'value="tue_afternoon"[^>]*checked', grid)
    assert '<label class="w-sr-only" for="id_availability_wed_evening">woensdag avond</label>' in (
        grid
    )
    data = form_data(volunteer) | {"availability": ["mon_morning", "wed_evening"]}
    assert client.post(edit_url(volunteer), data).status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.availability == ["mon_morning", "wed_evening"]


def test_an_unknown_dagdeel_is_refused_in_dutch(client_for, volunteer):
    data = form_data(volunteer) | {"availability": ["mon_midnight"]}
    response = client_for("coordinator").post(edit_url(volunteer), data)
    assert response.status_code == 400
    assert "geldige keuze" in response.content.decode()


def test_no_admin_listing_shows_a_yes_no_field_as_true_or_false():
    """Wagtail shows a BooleanField named in `list_display` as "True"/"False"; every
    listing uses YesNoColumn ("ja"/"nee") instead. Checked over every registered admin
    viewset, so a new listing cannot forget it."""
    from django.db import models
    from django.urls import reverse
    from wagtail.admin.viewsets import viewsets
    from wagtail.snippets.models import get_snippet_models

    reverse("wagtailadmin_home")  # loading the admin's URLs registers its viewsets
    listed = [vs for vs in viewsets.viewsets if getattr(vs, "model", None) is not None]
    listed += [model.snippet_viewset for model in get_snippet_models()]
    assert len(listed) > 5
    offenders = []
    for viewset in listed:
        columns = getattr(viewset, "list_display", None)
        if not isinstance(columns, list | tuple):  # Wagtail's default: the title only
            continue
        for column in columns:
            if not isinstance(column, str):
                continue
            fields = {field.name: field for field in viewset.model._meta.get_fields()}
            # A method or property renders its own text; only a model field is shown raw.
            if isinstance(fields.get(column), models.BooleanField):
                offenders.append(f"{viewset.model.__name__}.{column}")
    assert offenders == []


@pytest.mark.parametrize("value", [None, "", "3512 AB", 1234, "<b>Utrecht</b>", 0])
def test_a_plain_column_writes_the_cell_wagtails_template_writes(value):
    """PlainColumn skips the cell template for speed (bench/bench_scale.py); what it
    writes must not change: the same value, escaped the same, "-" for nothing."""
    from types import SimpleNamespace

    from wagtail.admin.ui.tables import Column

    from portal.admin_tables import PlainColumn

    row = SimpleNamespace(field=value)
    context = {"row": None, "table": None}
    for classname in ("", "w-col"):
        plain = PlainColumn("field", classname=classname).render_cell_html(row, context)
        templated = Column("field", classname=classname).render_cell_html(row, context)
        assert re.sub(r"\s+", "", plain) == re.sub(r"\s+", "", str(templated))


TITLE_CASES = [
    # (value, classname, link url, link attrs, link classname, title id, label id)
    ("Anna de Vries", "", "/admin/portal_volunteer/edit/1/", {}, None, None, None),
    ("<b>Bo</b> & Zn", "w-col", "/admin/x/?a=1&b=2", {"data-x": 'say "hi"'}, "lnk", "t_1", None),
    (mark_safe("<i>Cy</i>"), "", "/c/", {"data-safe": mark_safe("a&amp;b")}, None, None, None),
    ("O'Brien", "", None, {}, None, "snippet_2_title", "row-2"),
    ("", "", None, {}, None, None, None),
    (None, "c", "/a/", {"hidden": True, "data-off": False, "data-n": 3}, None, None, None),
]


@pytest.mark.parametrize("case", TITLE_CASES)
@pytest.mark.parametrize("with_buttons", [False, True])
def test_a_plain_title_column_writes_the_cell_wagtails_template_writes(case, with_buttons):
    """PlainTitleColumn skips title_cell.html for speed (bench/bench_scale.py); the
    cell must be the same HTML: link, label, title id, attributes and buttons."""
    from types import SimpleNamespace

    from django.test.html import parse_html
    from wagtail.admin.ui.tables import ButtonsColumnMixin, TitleColumn
    from wagtail.admin.widgets.button import Button, ButtonWithDropdown

    from portal.admin_tables import PlainTitleColumn

    value, classname, url, attrs, link_classname, title_id, label_id = case
    buttons = []
    if with_buttons:
        buttons = [
            Button("Wijzig <naam>", url="/e/?x=1&y=2", priority=20),
            Button("Verborgen", url="/h/", priority=5, attrs={"hidden": True}),
            ButtonWithDropdown(
                buttons=[Button("Verwijder", url="/d/")],
                label="Meer",
                attrs={"aria-label": 'Meer opties voor "Bo"'},
            ),
        ]
        buttons[1].show = False

    def column(base):
        cls = type("C", (ButtonsColumnMixin, base), {"get_buttons": lambda *a: buttons})
        return cls(
            "name",
            classname=classname,
            get_url=lambda row: url,
            link_attrs=attrs,
            link_classname=link_classname,
            get_title_id=(lambda row: title_id) if title_id else None,
            get_label_id=(lambda row: label_id) if label_id else None,
        )

    row = SimpleNamespace(name=value, pk=1)
    context = {"row": None, "table": None}
    plain = column(PlainTitleColumn).render_cell_html(row, context)
    templated = column(TitleColumn).render_cell_html(row, context)
    assert parse_html(str(plain)) == parse_html(str(templated))


@pytest.mark.parametrize("path", ["/admin/portal_volunteer/", "/admin/intervision_group/"])
def test_the_listings_name_column_is_the_plain_title_column(client_for, volunteer, path):
    from portal.admin_tables import PlainTitleColumn

    response = client_for("coordinator").get(path)
    assert response.status_code == 200
    first = next(iter(response.context["table"].columns.values()))
    assert isinstance(first, PlainTitleColumn)


def test_a_choice_column_shows_what_get_display_shows():
    """ChoiceColumn translates the labels once (bench/bench_scale.py); what a row shows
    must be `get_status_display()`'s, in the reader's language (one column serves both),
    also for a value that is not one of the choices."""
    from django.utils.translation import override

    from portal.admin_tables import ChoiceColumn
    from portal.models import Volunteer, VolunteerStatus

    column = ChoiceColumn("status", label="Status")
    for language in ("nl", "en", "nl"):
        for value in [*VolunteerStatus.values, "onbekend", ""]:
            volunteer = Volunteer(status=value)
            with override(language):
                assert column.get_value(volunteer) == volunteer.get_status_display()
    assert column.get_value(Volunteer(status="active")) in ("actief", "active")
    assert column.sort_key == "status"


SUMMER_TIME_STARTS = datetime.datetime(2026, 3, 29, 1, 30, tzinfo=ZoneInfo("UTC"))
NEW_YEARS_EVE = datetime.datetime(2026, 12, 31, 23, 59, 59, 123456, tzinfo=ZoneInfo("UTC"))


@pytest.mark.parametrize(
    ("value", "with_time"),
    [
        (datetime.date(2026, 12, 5), False),
        (SUMMER_TIME_STARTS, False),
        (SUMMER_TIME_STARTS, True),
        (NEW_YEARS_EVE, False),  # already the next day in Amsterdam
        (NEW_YEARS_EVE, True),
    ],
)
def test_an_absolute_date_says_what_the_date_filter_says(value, with_time):
    """AbsoluteDateColumn writes the machine-readable date without the date filter."""
    from types import SimpleNamespace

    from django.template.defaultfilters import date as date_filter
    from django.utils.timezone import template_localtime

    from portal.admin_tables import AbsoluteDateColumn

    cell = AbsoluteDateColumn("at", with_time=with_time).render_cell_html(
        SimpleNamespace(at=value), {"row": None, "table": None}
    )
    local = template_localtime(value)
    expected = date_filter(local, "c" if with_time else "Y-m-d")
    assert f'datetime="{expected}"' in cell
