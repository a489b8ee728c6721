"""No published figure of a report gives a hidden one back, across its tables.

The audit here reads what a reader gets (the service's `Report`, the HTML page, the XLSX
read back with openpyxl), names each figure the way the report's tables share it (the
families per programme are the families table's first row, the referrers' total row and
the bases of the percentages), writes down every sum a reader can see (a total column,
a total row, the national totals) and every base a shown percentage of a shown count
gives away, and asks exact linear algebra whether any hidden figure is pinned down. It
does not use the code under test (`reports.suppression.Ledger`) to decide.
"""

from __future__ import annotations

import datetime
import io
from fractions import Fraction
from html.parser import HTMLParser

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.period import Period
from reports.services import ReportScope, build_report
from support.models import Match, Programme
from support.referrals.models import Referral, ReferrerCategory
from tests.portal.factories import VolunteerFactory
from tests.reports.factories import at, referral
from tests.reports.test_services import match

pytestmark = pytest.mark.django_db

YEAR = Period.year(2025)
HIDDEN = "x"
TOTAL_LABELS = {"Totaal", "Landelijk totaal"}

# A published table: caption, columns, and rows of (label, [(count, percent)]) where a
# count is an int or HIDDEN and a percent a float or None (not shown).
Published = list[tuple[str, list[str], list[tuple[str, list[tuple[object, float | None]]]]]]


# --- What a reader gets, three ways ----------------------------------------------------


def from_report(report) -> Published:
    return [
        (
            table.caption,
            list(table.columns),
            [
                (
                    row.label,
                    [(HIDDEN if cell.hidden else cell.count, cell.percent) for cell in row.cells],
                )
                for row in table.rows
            ],
        )
        for section in report.sections
        for table in section.tables
    ]


def from_xlsx(content: bytes, shape: Published) -> Published:
    """The workbook's tables, found by caption; `shape` only says where to look (how
    many rows and whether a table has percentage columns)."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    lines = [list(line) for sheet in book.worksheets for line in sheet.iter_rows(values_only=True)]
    found: Published = []
    used = set()
    for caption, columns, rows in shape:
        start = next(
            n
            for n, line in enumerate(lines[:-1])
            if n not in used and line and line[0] == caption and _header(lines[n + 1], columns)
        )
        used.add(start)
        with_percent = _header(lines[start + 1], columns) == 2
        step = 2 if with_percent else 1
        parsed = []
        for offset in range(len(rows)):
            line = lines[start + 2 + offset]
            cells = []
            for index in range(len(columns)):
                count = line[1 + index * step]
                percent = None
                if with_percent:
                    value = line[2 + index * step]
                    percent = None if value == "–" else round(value * 100, 1)
                cells.append((count, percent))
            parsed.append((line[0], cells))
        found.append((caption, columns, parsed))
    return found


def _header(line, columns) -> int:
    """1 or 2 (the columns, without or with percentages) when `line` heads a table of
    `columns`, else 0 (a title line that happens to read like the caption)."""
    header = [value for value in line if value is not None][1:]
    if header == columns:
        return 1
    if header[::2] == columns and all(str(value).endswith("(%)") for value in header[1::2]):
        return 2
    return 0


class _Tables(HTMLParser):
    """The report's <table class="report-table"> elements, as text."""

    def __init__(self):
        super().__init__()
        self.tables: list[dict] = []
        self.text: list[str] | None = None
        self.row: list[str] | None = None
        self.in_table = False

    def handle_starttag(self, tag, attrs):
        if tag == "table" and ("class", "report-table") in attrs:
            self.in_table = True
            self.tables.append({"caption": "", "rows": []})
        elif self.in_table and tag == "tr":
            self.row = []
        elif self.in_table and tag in {"th", "td", "caption"}:
            self.text = []

    def handle_endtag(self, tag):
        if not self.in_table:
            return
        if tag == "caption":
            self.tables[-1]["caption"] = "".join(self.text).strip()
            self.text = None
        elif tag in {"th", "td"} and self.row is not None:
            self.row.append("".join(self.text).strip())
            self.text = None
        elif tag == "tr":
            self.tables[-1]["rows"].append(self.row)
            self.row = None
        elif tag == "table":
            self.in_table = False

    def handle_data(self, data):
        if self.text is not None:
            self.text.append(data)


def _number(text: str):
    return HIDDEN if text == HIDDEN else int(text)


def _percent(text: str) -> float | None:
    return None if text == "–" else float(text.rstrip("%").replace(",", "."))


def from_html(html: str) -> Published:
    parser = _Tables()
    parser.feed(html)
    found: Published = []
    for table in parser.tables:
        header, *body = table["rows"]
        with_percent = any(text.endswith("(%)") for text in header)
        step = 2 if with_percent else 1
        columns = header[1::step]
        rows = []
        for label, *texts in body:
            cells = []
            for index in range(len(columns)):
                count = _number(texts[index * step])
                percent = _percent(texts[index * step + 1]) if with_percent else None
                cells.append((count, percent))
            rows.append((label, cells))
        found.append((table["caption"], columns, rows))
    return found


# --- The audit -------------------------------------------------------------------------

FAMILIES_TABLE = "Gezinnen en kinderen ondersteund"
SHARED_ROWS = {"Gezinnen": "families", "Kinderen": "children"}
BRANCH_TOTALS = {
    "Gezinnen": ("families", "Totaal"),
    "Kinderen": ("children", "Totaal"),
    "Nieuwe aanmeldingen": ("new",),
}
PERCENT_TABLES = {"Soorten hulpvraag", "Risicofactoren"}


def figure(caption: str, label: str, column: str) -> tuple:
    """The name of a figure, the same wherever the report prints it."""
    if caption == FAMILIES_TABLE and label in SHARED_ROWS:
        return (SHARED_ROWS[label], column)
    if caption == FAMILIES_TABLE:
        return ("perinatal", column)
    if caption == "Aandeel perinatale ondersteuning":
        return ("perinatal", "Totaal")
    if caption == "Verwijzers" and label == "Totaal":
        return ("families", column)
    if caption == "Afdelingen naast elkaar" and label == "Landelijk totaal":
        return BRANCH_TOTALS[column]
    if caption == "Aanmeldingen in de periode" and label == "Nieuwe aanmeldingen":
        return ("new",)
    return (caption, label, column)


def percent_base(caption: str, column: str) -> tuple | None:
    if caption in PERCENT_TABLES:
        return ("families", column)
    if caption == "Aandeel perinatale ondersteuning":
        return ("families", "Totaal")
    if caption == "Opkomst bij intervisie":
        return ("attendance recorded",)
    return None


def audit(published: Published) -> set[tuple]:
    """The hidden figures a reader can compute from what is shown (empty: none)."""
    shown: dict[tuple, int] = {}
    hidden: set[tuple] = set()
    sums: list[tuple[tuple, list[tuple]]] = []
    known_bases: set[tuple] = set()
    for caption, columns, rows in published:
        names = [[figure(caption, label, column) for column in columns] for label, _ in rows]
        for (_label, cells), row_names in zip(rows, names, strict=True):
            for column, (count, percent), name in zip(columns, cells, row_names, strict=True):
                if count == HIDDEN:
                    hidden.add(name)
                    assert percent is None, f"a percentage of a hidden count: {name}"
                else:
                    assert shown.setdefault(name, count) == count, name
                    base = percent_base(caption, column)
                    if percent is not None and base is not None:
                        known_bases.add(base)  # count / percent gives the base back
        if columns and columns[-1] == "Totaal":
            sums += [(row_names[-1], row_names[:-1]) for row_names in names]
        if rows and rows[-1][0] in TOTAL_LABELS:
            sums += [(column[-1], list(column[:-1])) for column in zip(*names, strict=True)]
    both = hidden & set(shown)
    assert not both, f"hidden in one table, shown in another: {both}"
    unknowns = sorted(hidden - known_bases, key=repr)
    leaked = hidden & known_bases
    index = {name: n for n, name in enumerate(unknowns)}
    matrix = []
    for total, parts in sums:
        row = [Fraction(0)] * len(unknowns)
        for name, sign in ((total, 1), *((part, -1) for part in parts)):
            if name in index:
                row[index[name]] += sign
        if any(row):
            matrix.append(row)
    base_rank = rank(matrix)
    for name, n in index.items():
        unit = [Fraction(int(m == n)) for m in range(len(unknowns))]
        if rank([*matrix, unit]) == base_rank:
            leaked.add(name)
    return leaked


def rank(rows: list[list[Fraction]]) -> int:
    rows = [list(row) for row in rows]
    found = 0
    width = len(rows[0]) if rows else 0
    for column in range(width):
        pivot = next((r for r in range(found, len(rows)) if rows[r][column]), None)
        if pivot is None:
            continue
        rows[found], rows[pivot] = rows[pivot], rows[found]
        for r in range(len(rows)):
            if r != found and rows[r][column]:
                factor = rows[r][column] / rows[found][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[found], strict=True)]
        found += 1
    return found


def test_the_audit_finds_the_leak_of_a_table_suppressed_on_its_own():
    """The audit itself: the gap the report had (hidden in the families table, shown
    as a base in the support questions) is found."""
    published = [
        (
            FAMILIES_TABLE,
            ["Home-Start", "Home-Start+", "Totaal"],
            [("Gezinnen", [(HIDDEN, None), (HIDDEN, None), (23, None)])],
        ),
        (
            "Soorten hulpvraag",
            ["Home-Start", "Home-Start+", "Totaal"],
            [("een luisterend oor", [(20, 100.0), (0, None), (20, 87.0)])],
        ),
    ]
    assert audit(published) == {("families", "Home-Start"), ("families", "Home-Start+")}
    published[1][2][0] = ("een luisterend oor", [(20, None), (0, None), (20, 87.0)])
    assert audit(published) == set()


# --- The example of the audit: Home-Start 20, Home-Start+ 3 ----------------------------


def build_twenty_and_three(branch, volunteer) -> None:
    """20 families in Home-Start, all with 'een luisterend oor', 3 in Home-Start+; each
    referred by the youth health care, with 2 children."""
    for programme, number in ((Programme.HOME_START, 20), (Programme.HOME_START_PLUS, 3)):
        for _ in range(number):
            item = referral(
                branch,
                received=at(2025, 1, 10),
                started=at(2025, 2, 1),
                category=ReferrerCategory.YOUTH_HEALTH_CARE,
                children=2,
                questions=["listening_ear"] if programme == Programme.HOME_START else [],
                risks=["financial"],
            )
            match(item, volunteer, programme=programme, started=datetime.date(2025, 2, 1))


def test_twenty_and_three_the_three_cannot_be_computed_from_any_output(
    client_for, branch, volunteer
):
    build_twenty_and_three(branch, volunteer)
    report = build_report(ReportScope(period=YEAR, branch_ids=(branch.pk,)), scope_label="x")
    published = from_report(report)
    tables = {caption: dict(rows) for caption, _columns, rows in published}
    # The families table hides the 3 and, so that 23 - 20 does not give it, the 20.
    assert tables[FAMILIES_TABLE]["Gezinnen"] == [(HIDDEN, None), (HIDDEN, None), (23, None)]
    # 20 families with the question is shown, but not as 100% of the (hidden) 20.
    assert tables["Soorten hulpvraag"]["een luisterend oor"][0] == (20, None)
    assert tables["Soorten hulpvraag"]["een luisterend oor"][2] == (20, 87.0)
    # Every percentage of a hidden base is gone, in both tables of percentages.
    for caption in PERCENT_TABLES:
        for cells in tables[caption].values():
            assert cells[0][1] is None and cells[1][1] is None, caption
    # The referrers' total row is the families row: hidden the same way.
    assert tables["Verwijzers"]["Totaal"][:2] == [(HIDDEN, None), (HIDDEN, None)]
    assert audit(published) == set()

    client = client_for("coordinator")
    query = f"afdeling={branch.pk}&jaar=2025"
    for path in ("/admin/jaarverslag/", "/admin/jaarverslag/afdrukken/"):
        html = client.get(f"{path}?{query}").content.decode()
        from_page = from_html(html)
        assert from_page == [
            (caption, columns, [(label, [(c, p) for c, p in cells]) for label, cells in rows])
            for caption, columns, rows in published
        ]
        assert audit(from_page) == set()
        # The chart draws the total column: its labels are the table's.
        assert ">87,0%</text>" in html
    content = client.get(f"/admin/jaarverslag/download.xlsx?{query}").content
    from_book = from_xlsx(content, published)
    assert from_book == published
    assert audit(from_book) == set()
    book = openpyxl.load_workbook(io.BytesIO(content))
    numbers = [
        value
        for sheet in book.worksheets
        for line in sheet.iter_rows(values_only=True)
        for value in line
        if isinstance(value, int | float)
    ]
    assert 3 not in numbers


# --- Any small report ------------------------------------------------------------------

CATEGORIES = [
    ReferrerCategory.MUNICIPALITY,
    ReferrerCategory.YOUTH_HEALTH_CARE,
    ReferrerCategory.FAMILY,
]
QUESTIONS = ["listening_ear", "parenting", "relief"]
RISKS = ["financial", "parent"]

family = st.fixed_dictionaries(
    {
        # None: support from the referral's status, before matches (counts as Home-Start)
        "programme": st.sampled_from([Programme.HOME_START, Programme.HOME_START_PLUS, None]),
        "branch": st.sampled_from([0, 1, None]),
        "category": st.sampled_from(CATEGORIES),
        "children": st.integers(min_value=0, max_value=3),
        "expecting": st.booleans(),
        "questions": st.lists(st.sampled_from(QUESTIONS), unique=True, max_size=2),
        "risks": st.lists(st.sampled_from(RISKS), unique=True, max_size=2),
    }
)


def test_no_hidden_cell_of_any_small_report_can_be_computed(branch, other_branch):
    branches = [branch, other_branch]
    volunteers = [VolunteerFactory(branch=item) for item in branches]

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        families=st.lists(family, max_size=24),
        waiting=st.lists(st.sampled_from([0, 1, None]), max_size=6),
        national=st.booleans(),
    )
    def check(families, waiting, national):
        Match.objects.all().delete()
        Referral.objects.all().delete()
        for item in families:
            where = item["branch"]
            if item["programme"] is not None and where is None:
                where = 0  # a match belongs to a branch
            made = referral(
                None if where is None else branches[where],
                received=at(2025, 1, 10),
                started=at(2025, 2, 1),
                category=item["category"],
                children=item["children"],
                expecting=item["expecting"],
                questions=item["questions"],
                risks=item["risks"],
            )
            if item["programme"] is not None:
                match(
                    made,
                    volunteers[where],
                    programme=item["programme"],
                    started=datetime.date(2025, 2, 1),
                )
        for where in waiting:  # received in the year, not supported (yet)
            referral(None if where is None else branches[where], received=at(2025, 6, 1))
        scope = ReportScope(period=YEAR, branch_ids=None if national else (branch.pk,))
        published = from_report(build_report(scope, scope_label="x"))
        assert audit(published) == set(), published

    check()
