"""A listing's row buttons rendered once per kind of row (portal.admin_tables.
RowButtonsOnceMixin) must give the HTML Wagtail's templates give for every row."""

from __future__ import annotations

import re

import pytest

from portal.admin_tables import _RowButtons
from tests.intervision.factories import IntervisionGroupFactory
from tests.portal.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

# Names that test the escaping: quotes (the toggle's aria-label), markup, an ampersand,
# and the markers the skeleton uses, which a name must not be able to fill in.
NAMES = [
    ("Anna", "O'Brien"),
    ("<b>Bo</b>", "de Vries & Zn"),
    ('Chris "CJ"', "Jansen"),
    ("\ue0001\ue001", "\ue0000\ue001"),
]


def _rows(html: str) -> str:
    body = re.search(r"<tbody>.*?</tbody>", html, re.S)
    assert body, "the listing has no rows"
    return body.group(0)


@pytest.fixture
def listings(branch):
    for first, last in NAMES:
        VolunteerFactory(branch=branch, user__first_name=first, user__last_name=last)
    for name in ("Dinsdag", "Woensdag <avond>"):
        IntervisionGroupFactory(branch=branch, name=name)
    return ["/admin/portal_volunteer/", "/admin/intervision_group/"]


@pytest.mark.parametrize("who", ["coordinator", "staff"])
def test_rows_are_the_html_wagtail_renders_for_each_row(client_for, listings, who, monkeypatch):
    client = client_for(who)
    skeletons = []
    render_skeleton = _RowButtons._skeleton
    monkeypatch.setattr(
        _RowButtons,
        "_skeleton",
        staticmethod(lambda *args: skeletons.append(1) or render_skeleton(*args)),
    )
    once = {path: client.get(path).content.decode() for path in listings}
    # One rendering per kind of row and listing, not one per row.
    assert len(skeletons) == len(listings)
    monkeypatch.setattr(_RowButtons, "wrap", lambda self, button: button)
    for path in listings:
        every_row = client.get(path).content.decode()
        assert _rows(once[path]) == _rows(every_row), path
        assert "Meer opties voor" in _rows(every_row)


def test_the_markers_in_a_name_stay_text(client_for, listings):
    rows = _rows(client_for("coordinator").get("/admin/portal_volunteer/").content.decode())
    assert "\ue0001\ue001 \ue0000\ue001" in rows
    assert "&lt;b&gt;Bo&lt;/b&gt;" in rows
    assert "O&#x27;Brien" in rows


def test_a_button_it_does_not_know_is_left_to_wagtail():
    from wagtail.admin.widgets.button import HeaderButton

    button = HeaderButton("Nieuw", url="/admin/x/")
    assert _RowButtons().wrap(button) is button


def test_a_value_a_template_changes_is_rendered_by_wagtail(monkeypatch):
    """When a marker does not come back from the rendering (a template that, say,
    shortened the label), every row of that kind is rendered by Wagtail itself."""
    from wagtail.admin.widgets.button import Button

    rows = _RowButtons()
    first = rows.wrap(Button("Wijzig", url="/admin/a/1/"))
    monkeypatch.setattr(Button, "render_html", lambda self, context=None: "<a>kort</a>")
    assert first.render_html({}) == "<a>kort</a>"
    assert next(iter(rows.skeletons.values())) is None


def test_a_rows_buttons_keep_wagtails_order_among_themselves_and_unwrapped_ones():
    """Wagtail sorts a row's buttons by priority and label (ButtonsColumnMixin)."""
    from wagtail.admin.widgets.button import Button, HeaderButton

    rows = _RowButtons()
    late, early = Button("Later", url="/b/", priority=30), Button("Eerst", url="/a/", priority=10)
    left_to_wagtail = HeaderButton("Midden", url="/m/", priority=20)
    buttons = [rows.wrap(late), left_to_wagtail, rows.wrap(early)]
    assert [button.label for button in sorted(buttons)] == ["Eerst", "Midden", "Later"]
