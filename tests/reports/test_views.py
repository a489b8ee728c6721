"""The report's screens and downloads: who may open them, bad input, the same numbers
in the screen, the XLSX and the print view, and a query count that does not grow."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from portal.models import Municipality
from support.referrals.models import Referral
from tests.matrix import DENIED, LOGIN, ROLES, assert_access
from tests.reports.factories import at, referral, volunteer_with_history
from tests.reports.test_services import build_families

pytestmark = pytest.mark.django_db

A, V, C, O, S = ROLES  # noqa: E741
OWN = {A: LOGIN, V: 403, C: 200, O: 404, S: 200}
ANY = {A: LOGIN, V: 403, C: 200, O: 200, S: 200}

MATRIX = [
    ("report_default", "/admin/jaarverslag/", ANY),
    ("report", "/admin/jaarverslag/?afdeling={branch}&jaar=2025", OWN),
    ("report_period", "/admin/jaarverslag/?afdeling={branch}&van=2025-03&tot=2025-08", OWN),
    ("report_all", "/admin/jaarverslag/?afdeling=alle&jaar=2025", {**ANY, C: 400, O: 400}),
    ("print", "/admin/jaarverslag/afdrukken/?afdeling={branch}&jaar=2025", OWN),
    ("print_default", "/admin/jaarverslag/afdrukken/", ANY),
    ("xlsx", "/admin/jaarverslag/download.xlsx?afdeling={branch}&jaar=2025", OWN),
    ("xlsx_default", "/admin/jaarverslag/download.xlsx", ANY),
    ("report_missing_branch", "/admin/jaarverslag/?afdeling=999999", {**OWN, C: 404, S: 404}),
]


@pytest.mark.parametrize(("name", "url", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(name, url, expected, role, client_for, branch):
    assert_access(client_for(role), url.format(branch=branch.pk), expected[role], role=role)


def test_editors_see_no_report_and_no_menu_item(client, editor, coordinator):
    client.force_login(editor)
    assert_access(client, "/admin/jaarverslag/", DENIED, role="editor")
    assert_access(client, "/admin/jaarverslag/download.xlsx", DENIED, role="editor")
    assert "Jaarverslag" not in client.get("/admin/").content.decode()
    client.force_login(coordinator)
    assert "/admin/jaarverslag/" in client.get("/admin/").content.decode()


def test_a_coordinator_reports_on_their_own_branch_only(client_for, branch, other_branch):
    build_families(branch)
    response = client_for("other_coordinator").get("/admin/jaarverslag/?jaar=2025")
    assert response.status_code == 200
    assert response.context["report"].scope_label == other_branch.name
    families = response.context["report"].sections[0].tables[0]
    assert families.rows[0].cells[-1].count == 0


def test_national_staff_see_branches_side_by_side_and_the_national_line(client_for, branch):
    build_families(branch)
    response = client_for("staff").get("/admin/jaarverslag/?afdeling=alle&jaar=2025")
    assert response.status_code == 200
    html = response.content.decode()
    assert "14 gezinnen en 30 kinderen" in html
    assert "Landelijk totaal" in html


def test_a_municipality_outside_the_working_area_is_refused_in_dutch(client_for, branch):
    amsterdam = Municipality.objects.get(cbs_code="GM0363")
    response = client_for("staff").get(
        f"/admin/jaarverslag/?afdeling={branch.pk}&jaar=2025&gemeente={amsterdam.pk}"
    )
    assert response.status_code == 400
    assert "hoort niet bij het werkgebied" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("van=2025-05", "zowel de begin- als de eindmaand"),
        ("van=2025-05&tot=2025-04", "vóór de beginmaand"),
        ("van=2010-01&tot=2025-12", "hoogstens vijf jaar"),
        ("jaar=1850", "minstens 2000"),
        ("van=31-02-2025&tot=2025-04", "als jjjj-mm"),
        ("van=2025-13&tot=2025-12", "als jjjj-mm"),
        ("afdeling=abc", "geldige keuze"),
        # No date finer than a month: one day, or a range that cuts a month, is refused.
        ("van=2025-05-01&tot=2025-05-01", "eindigt op de laatste dag van een maand"),
        ("van=2025-05-02&tot=2025-05-31", "begint op de eerste dag van een maand"),
        ("van=2025-03-01&tot=2025-08-30", "alleen hele maanden"),
        ("van=2025-02-29&tot=2025-03-31", "als jjjj-mm"),
    ],
)
def test_bad_periods_get_a_dutch_message_and_a_400(client_for, branch, query, message):
    client = client_for("staff")
    response = client.get(f"/admin/jaarverslag/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["report"] is None
    for path in ("/admin/jaarverslag/afdrukken/", "/admin/jaarverslag/download.xlsx"):
        assert client.get(f"{path}?{query}").status_code == 400


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("van=2025-03&tot=2025-08", "maart 2025 – augustus 2025"),
        ("van=2025-03-01&tot=2025-08-31", "maart 2025 – augustus 2025"),  # links from before
        ("van=2024-02&tot=2024-02", "februari 2024"),
        ("van=2024-02-01&tot=2024-02-29", "februari 2024"),
        ("van=2025-01&tot=2025-12", "2025"),
        ("jaar=2025", "2025"),
    ],
)
def test_whole_months_make_a_report(client_for, branch, query, label):
    response = client_for("coordinator").get(f"/admin/jaarverslag/?afdeling={branch.pk}&{query}")
    assert response.status_code == 200
    assert response.context["report"].period_label == label
    period = response.context["form"].cleaned_data["period"]
    assert period.start.day == 1
    assert (period.end + datetime.timedelta(days=1)).day == 1


text = st.text(max_size=30)


@given(jaar=text, van=text, tot=text, afdeling=text, gemeente=text)
def test_any_input_is_a_report_or_a_4xx_never_a_500(
    client_for, branch, jaar, van, tot, afdeling, gemeente
):
    client = client_for("coordinator")
    params = {"jaar": jaar, "van": van, "tot": tot, "afdeling": afdeling, "gemeente": gemeente}
    for url in ("/admin/jaarverslag/", "/admin/jaarverslag/download.xlsx"):
        response = client.get(url, params)
        assert response.status_code in {200, 400, 404}


def _screen_numbers(report) -> dict[str, list[list[str]]]:
    return {
        section.title[:31]: [
            [row.label, *[str(cell) for cell in row.cells]]
            for table in section.tables
            for row in table.rows
        ]
        for section in report.sections
    }


def test_xlsx_holds_the_numbers_of_the_screen_with_small_cells_hidden(client_for, branch):
    build_families(branch)
    client = client_for("coordinator")
    query = f"afdeling={branch.pk}&jaar=2025"
    report = client.get(f"/admin/jaarverslag/?{query}").context["report"]
    response = client.get(f"/admin/jaarverslag/download.xlsx?{query}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [section.title[:31] for section in report.sections]
    for title, rows in _screen_numbers(report).items():
        sheet = book[title]
        written = {}
        for line in sheet.iter_rows(values_only=True):
            if line and isinstance(line[0], str):
                written.setdefault(line[0], []).append(line)
        for label, *values in rows:
            line = written[label].pop(0)
            step = 2 if len(line) > 1 and title in {"Soorten hulpvraag", "Risicofactoren"} else 1
            cells = [line[1 + index * step] for index in range(len(values))]
            assert [str(value) for value in cells] == values, (title, label)
    assert sheet._charts or any(book[name]._charts for name in book.sheetnames)
    families = book[report.sections[0].title[:31]]
    texts = [str(v) for line in families.iter_rows(values_only=True) for v in line if v is not None]
    assert "x" in texts  # a hidden cell, as text
    assert "<5" not in texts


def test_print_view_has_one_section_per_page_with_branch_and_period(client_for, branch):
    build_families(branch)
    response = client_for("coordinator").get(
        f"/admin/jaarverslag/afdrukken/?afdeling={branch.pk}&jaar=2025"
    )
    html = response.content.decode()
    assert "size: A4" in html
    assert html.count('class="print-header"') == len(response.context["report"].sections)
    assert html.count(branch.name) >= len(response.context["report"].sections)
    assert ">x</abbr>" in html and "&lt;5" not in html
    assert "Gezinnen met perinatale ondersteuning" in html


def test_the_screen_shows_hidden_cells_as_x_and_dutch_dates(client_for, branch):
    build_families(branch)
    response = client_for("coordinator").get(
        f"/admin/jaarverslag/?afdeling={branch.pk}&van=2025-03&tot=2025-08"
    )
    html = response.content.decode()
    assert "maart 2025 – augustus 2025" in html
    assert 'type="month"' in html
    assert ">x</abbr>" in html and "&lt;5" not in html
    assert "<svg" in html and 'role="img"' in html


def _grow(branch, size: int) -> None:
    for number in range(size):
        referral(
            branch,
            received=at(2025, 1 + number % 12, 1),
            started=at(2025, 1 + number % 12, 2),
            questions=["relief"],
        )
        volunteer_with_history(branch, ("active", at(2024, 1, 1)))


@pytest.mark.parametrize("role", ["coordinator", "staff"])
def test_the_report_runs_the_same_number_of_queries_at_two_sizes(
    client_for, branch, other_branch, role
):
    client = client_for(role)
    url = "/admin/jaarverslag/?jaar=2025"
    client.get(url)  # warm the user's caches
    _grow(branch, 3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(branch, 30)
    _grow(other_branch, 10)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)
    assert len(large) <= 40


def test_families_without_a_municipality_are_named_with_a_way_to_fix_them(client_for, branch):
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    build_families(branch)
    referral(branch, received=at(2025, 1, 1), started=at(2025, 1, 2), municipality=utrecht)
    client = client_for("coordinator")
    html = client.get(f"/admin/jaarverslag/?afdeling={branch.pk}&jaar=2025").content.decode()
    assert "14 ondersteunde gezinnen in deze periode hebben nog geen gemeente" in html
    assert "?without_municipality=true" in html
    listed = client.get("/admin/referrals/?without_municipality=true").content.decode()
    assert listed.count("T-") >= 14
    linked = next(item for item in Referral.objects.filter(cbs_municipality=utrecht))
    assert linked.reference not in listed
