"""The annual report's counting: one function per section, each over querysets.

Every section is computed with aggregate queries (a fixed number, whatever the number
of referrals, volunteers or sessions) and carries a short "zo tellen we" note. Its
tables are drafts on the report's `Ledger` (`reports.suppression`): `build_report`
registers every table of every section first, decides once for the whole report what
is hidden (a figure printed in several tables, such as the families per programme, is
hidden in all of them or in none, a percentage is hidden with its base, and no printed
sum gives a hidden figure back), and only then turns the drafts into tables.
The screen, the XLSX and the print view all render the `Report` that `build_report`
returns: they never see a count from 1 to 4, a name, a reference or a date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from courses.models import CourseEnrolment
from intervision.models import IntervisionSession, ThemeMeeting
from portal.models import Branch, Municipality, Volunteer, VolunteerStatus, VolunteerStatusChange
from reports.period import Period
from reports.suppression import HIDDEN_LABEL, Key, Ledger, with_totals
from support.models import (
    EndReason,
    Match,
    Outcome,
    Programme,
    SupportQuestionOutcome,
    Visit,
    VisitKind,
)
from support.referrals.models import (
    RISK_FACTOR_CHOICES,
    SUPPORT_QUESTION_CHOICES,
    Referral,
    ReferralKind,
    ReferralStatus,
    ReferralStatusChange,
    ReferrerCategory,
)

# --- The result: plain data, already suppressed --------------------------------------


@dataclass(frozen=True)
class Cell:
    count: int | None  # None: hidden (a count from 1 to 4, or hidden to protect one)
    percent: float | None = None  # None: not shown (base under 5, or the count hidden)

    @property
    def hidden(self) -> bool:
        return self.count is None

    def __str__(self) -> str:
        return HIDDEN_LABEL if self.count is None else str(self.count)

    @property
    def percent_display(self) -> str:
        if self.percent is None:
            return "–"
        return f"{self.percent:.1f}".replace(".", ",") + "%"


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    caption: str
    row_header: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    with_percent: bool = False  # cells carry a share of their column's families

    @property
    def chart_column(self) -> int:
        """The column the chart draws: the last one (the total)."""
        return len(self.columns) - 1


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    note: str  # "zo tellen we"
    tables: tuple[Table, ...]  # drafts (`TableDraft`) until the report's ledger decides


@dataclass(frozen=True)
class ReportScope:
    period: Period
    branch_ids: tuple[int, ...] | None  # None: every branch (national staff)
    municipality_id: int | None = None


@dataclass(frozen=True)
class Report:
    scope_label: str
    period_label: str
    municipality_label: str
    sections: tuple[Section, ...] = field(default_factory=tuple)
    # Families supported in the period whose municipality is not chosen yet (a Cell:
    # small counts hidden like every other figure). Shown on the screen only.
    without_municipality: Cell = field(default_factory=lambda: Cell(0))


# --- Building suppressed tables ------------------------------------------------------

TOTAL = "*"  # the key part of a total over programmes


@dataclass(frozen=True)
class TableDraft:
    """A table before the report decides what to hide: every cell as a key of the
    report's `Ledger`. `resolve` turns it into a `Table` of shown figures only."""

    caption: str
    row_header: str
    columns: tuple[str, ...]
    labels: tuple[str, ...]
    keys: tuple[tuple[Key, ...], ...]
    percent_bases: tuple[Key, ...] | None = None

    def resolve(self, ledger: Ledger) -> Table:
        rows = []
        for label, keys in zip(self.labels, self.keys, strict=True):
            cells = []
            for index, key in enumerate(keys):
                share = None
                if self.percent_bases is not None:
                    share = ledger.percent(key, self.percent_bases[index])
                cells.append(Cell(None if ledger.hidden(key) else ledger.values[key], share))
            rows.append(Row(label, tuple(cells)))
        return Table(
            caption=self.caption,
            row_header=self.row_header,
            columns=self.columns,
            rows=tuple(rows),
            with_percent=self.percent_bases is not None,
        )


def draft_table(
    ledger: Ledger,
    *,
    caption: str,
    row_header: str,
    columns: Sequence[str],
    labels: Sequence[str],
    counts: list[list[int]],
    keys: list[list[Key]],
    row_totals: bool = False,
    column_totals: bool = False,
    total_label: str = "",
    percent_bases: Sequence[Key] | None = None,
) -> TableDraft:
    """Register a table's figures and sums in `ledger`. `keys` names every cell of the
    table with its totals (the shape `with_totals` gives): the same figure in two tables
    has the same key, so it is hidden in both or in neither. `percent_bases` (one key
    per column, the total column included) gives each cell a share of that figure."""
    full = with_totals(counts, row_totals=row_totals, column_totals=column_totals)
    if [len(row) for row in full] != [len(row) for row in keys]:
        raise ValueError("one key per cell, totals included")
    for values, names in zip(full, keys, strict=True):
        for value, key in zip(values, names, strict=True):
            ledger.add(key, value)
    if row_totals:
        for names in keys:
            ledger.relate(names[-1], names[:-1])
    if column_totals and keys:
        for column in zip(*keys, strict=True):
            ledger.relate(column[-1], column[:-1])
    columns = list(columns)
    labels = list(labels)
    if row_totals:
        columns.append(total_label or _("Totaal"))
    if column_totals:
        labels.append(total_label or _("Totaal"))
    return TableDraft(
        caption=caption,
        row_header=row_header,
        columns=tuple(columns),
        labels=tuple(labels),
        keys=tuple(tuple(names) for names in keys),
        percent_bases=None if percent_bases is None else tuple(percent_bases),
    )


def build_table(
    *,
    caption: str,
    row_header: str,
    columns: Sequence[str],
    labels: Sequence[str],
    counts: list[list[int]],
    row_totals: bool = False,
    column_totals: bool = False,
    total_label: str = "",
    percent_bases: Sequence[int] | None = None,
) -> Table:
    """One table on its own, every cell through the small-cell rule (a report builds
    its tables with `draft_table` on one ledger instead, see `build_report`).

    `row_totals` adds a total column (the sum of each row), `column_totals` a total row.
    `percent_bases` (one per column, the total column included when there is one) gives
    each cell a percentage of that base.
    """
    ledger = Ledger()
    full = with_totals(counts, row_totals=row_totals, column_totals=column_totals)
    keys = [[("cell", r, c) for c in range(len(row))] for r, row in enumerate(full)]
    base_keys = None
    if percent_bases is not None:
        base_keys = [("base", index) for index in range(len(percent_bases))]
        for key, value in zip(base_keys, percent_bases, strict=True):
            ledger.add(key, value)
    draft = draft_table(
        ledger,
        caption=caption,
        row_header=row_header,
        columns=columns,
        labels=labels,
        counts=counts,
        keys=keys,
        row_totals=row_totals,
        column_totals=column_totals,
        total_label=total_label,
        percent_bases=base_keys,
    )
    ledger.solve()
    return draft.resolve(ledger)


def resolve_section(section: Section, ledger: Ledger) -> Section:
    return replace(
        section,
        tables=tuple(
            table.resolve(ledger) if isinstance(table, TableDraft) else table
            for table in section.tables
        ),
    )


def _finish(section: Section, ledger: Ledger | None, own: Ledger) -> Section:
    """A section built on its own ledger is decided and resolved at once; one built on
    the report's ledger stays a draft until the whole report is registered."""
    if ledger is not None:
        return section
    own.solve()
    return resolve_section(section, own)


# --- Programmes ------------------------------------------------------------------------


def programmes() -> list[tuple[str, str]]:
    """(code, label) of the programmes counted apart (the programme of the match)."""
    return list(Programme.choices)


# --- Querysets -------------------------------------------------------------------------


def referrals_in_scope(scope: ReportScope) -> QuerySet[Referral]:
    referrals = Referral.objects.all()
    if scope.branch_ids is not None:
        referrals = referrals.filter(branch_id__in=scope.branch_ids)
    if scope.municipality_id is not None:
        referrals = referrals.filter(cbs_municipality_id=scope.municipality_id)
    return referrals


def with_support_window(referrals: QuerySet[Referral], period: Period) -> QuerySet[Referral]:
    """Annotate what `supported_in` needs: `match_programme`, the programme of the
    family's latest match that ran in the period; `has_matches`; and for families from
    before matches existed, `support_start` (the first move to "support started") and
    `support_end` (closed after support). `programme` is the match's, else Home-Start."""
    ran = (
        Match.objects.filter(
            referral=OuterRef("pk"), started_on__isnull=False, started_on__lte=period.end
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=period.start))
        .order_by("-started_on", "-id")
    )
    started = (
        ReferralStatusChange.objects.filter(
            referral=OuterRef("pk"), to_status=ReferralStatus.SUPPORT_STARTED
        )
        .order_by("changed_at")
        .values("changed_at")[:1]
    )
    return referrals.annotate(
        match_programme=Subquery(ran.values("programme")[:1]),
        has_matches=Exists(Match.objects.filter(referral=OuterRef("pk"), started_on__isnull=False)),
        support_start=Subquery(started, output_field=DateTimeField()),
        support_end=Case(
            When(status=ReferralStatus.SUPPORT_ENDED, then=F("closed_at")),
            default=None,
            output_field=DateTimeField(),
        ),
        programme=Coalesce("match_programme", Value(Programme.HOME_START)),
    )


def supported_in(period: Period) -> Q:
    """Support ran for at least one day of the period: a match started on or before
    its last day and not ended before its first; for a family without any started
    match, the referral's own "support started" and closing moments decide the same."""
    by_status = Q(support_start__lt=period.ends_before) & (
        Q(support_end__isnull=True) | Q(support_end__gte=period.starts_at)
    )
    return Q(match_programme__isnull=False) | (Q(has_matches=False) & by_status)


def supported_families(scope: ReportScope) -> QuerySet[Referral]:
    return with_support_window(referrals_in_scope(scope), scope.period).filter(
        supported_in(scope.period)
    )


def received_in(period: Period) -> Q:
    return Q(received_at__gte=period.starts_at, received_at__lt=period.ends_before)


def _programme_columns() -> tuple[list[str], list[str]]:
    codes = [code for code, _label in programmes()]
    return codes, [str(label) for _code, label in programmes()]


def _by_programme(rows: list[dict], codes: list[str], key: str) -> list[int]:
    """One count per programme, in `codes` order, from grouped rows."""
    found = {row["programme"]: row[key] or 0 for row in rows}
    return [found.get(code, 0) for code in codes]


def _multi_choice_count(field_name: str, code: str) -> Count:
    # A JSON list holds each code once, in quotes; no code is part of another.
    return Count("pk", filter=Q(**{f"{field_name}__icontains": f'"{code}"'}))


# --- The one query over the families supported -----------------------------------------


def family_counts(scope: ReportScope) -> list[dict]:
    """Every per-family figure of the report in one aggregate query, grouped by branch,
    programme and referrer category (a few hundred rows at most, whatever the number of
    families): the sections sum it their own way."""
    return list(
        supported_families(scope)
        .values("branch", "programme", "referrer_category")
        .annotate(
            families=Count("pk"),
            children=Coalesce(Sum("children_count"), 0),
            perinatal=Count("pk", filter=Q(expecting=True)),
            unlinked=Count("pk", filter=Q(cbs_municipality__isnull=True)),
            **{
                f"q_{code}": _multi_choice_count("support_questions", code)
                for code, _label in SUPPORT_QUESTION_CHOICES
            },
            **{
                f"r_{code}": _multi_choice_count("risk_factors", code)
                for code, _label in RISK_FACTOR_CHOICES
            },
        )
        .order_by()
    )


def _group(rows: list[dict], *by: str) -> list[dict]:
    """`rows` summed per value of the `by` fields (every other numeric field added)."""
    grouped: dict[tuple, dict] = {}
    for row in rows:
        key = tuple(row[name] for name in by)
        target = grouped.setdefault(key, dict(zip(by, key, strict=True)))
        for name, value in row.items():
            if name not in {"branch", "programme", "referrer_category"}:
                target[name] = target.get(name, 0) + (value or 0)
    return list(grouped.values())


# --- The sections ----------------------------------------------------------------------


def _programme_keys(name: str, codes: list[str]) -> list[Key]:
    """The keys of one figure per programme and its total: the same in every table."""
    return [(name, code) for code in codes] + [(name, TOTAL)] if codes else [(name, TOTAL)]


def families_section(
    scope: ReportScope, counts_rows: list[dict] | None = None, ledger: Ledger | None = None
) -> Section:
    """Families and children supported, perinatal support, new referrals and
    self-referrals. Two queries (one when `counts_rows`, `family_counts`, is given)."""
    own = Ledger()
    book = ledger or own
    codes, labels = _programme_columns()
    if counts_rows is None:
        counts_rows = family_counts(scope)
    grouped = _group(counts_rows, "programme")
    totals = {
        key: sum(row[key] for row in grouped) for key in ("families", "children", "perinatal")
    }
    if codes:
        counts = [
            _by_programme(grouped, codes, key) for key in ("families", "children", "perinatal")
        ]
    else:
        counts = [[totals["families"]], [totals["children"]], [totals["perinatal"]]]
    supported = draft_table(
        book,
        caption=_("Gezinnen en kinderen ondersteund"),
        row_header=_("Telling"),
        columns=labels,
        labels=[
            _("Gezinnen"),
            _("Kinderen"),
            _("Gezinnen met perinatale ondersteuning"),
        ],
        counts=counts,
        keys=[_programme_keys(name, codes) for name in ("families", "children", "perinatal")],
        row_totals=bool(codes),
    )
    received = referrals_in_scope(scope).aggregate(
        new=Count("pk", filter=received_in(scope.period)),
        by_parents=Count("pk", filter=received_in(scope.period) & Q(kind=ReferralKind.PARENTS)),
    )
    referrals_table = draft_table(
        book,
        caption=_("Aanmeldingen in de periode"),
        row_header=_("Telling"),
        columns=[_("Aantal")],
        labels=[_("Nieuwe aanmeldingen"), _("Door de ouders zelf aangemeld")],
        counts=[[received["new"]], [received["by_parents"]]],
        keys=[[("new", TOTAL)], [("new_by_parents", TOTAL)]],
    )
    perinatal_share = draft_table(
        book,
        caption=_("Aandeel perinatale ondersteuning"),
        row_header=_("Telling"),
        columns=[_("Gezinnen")],
        labels=[_("Perinataal (vanaf 28 weken zwangerschap)")],
        counts=[[totals["perinatal"]]],
        keys=[[("perinatal", TOTAL)]],
        percent_bases=[("families", TOTAL)],
    )
    section = Section(
        key="gezinnen",
        title=_("Gezinnen en kinderen"),
        note=_(
            "Een gezin telt mee als de ondersteuning minstens één dag in de periode liep: "
            "een koppeling gestart op of vóór de laatste dag en niet afgesloten vóór de "
            "eerste dag. Het programma is dat van de laatste koppeling in de periode; een "
            "gezin met twee koppelingen telt één keer. Voor gezinnen van vóór de "
            "koppelingen beslist de status van de aanmelding (ondersteuning gestart en "
            "afgesloten) en tellen ze als Home-Start. Een gezin dat twee keer is "
            "aangemeld en twee keer ondersteund, telt twee keer. Kinderen: het aantal "
            "kinderen op die aanmeldingen. Perinataal: de moeder was bij de aanmelding "
            "zwanger (vanaf 28 weken). Nieuwe aanmeldingen: ontvangen in de periode, ook "
            "als er (nog) geen ondersteuning volgde."
        ),
        tables=(supported, perinatal_share, referrals_table),
    )
    return _finish(section, ledger, own)


def _multi_choice_section(
    scope: ReportScope,
    counts_rows: list[dict] | None,
    *,
    key: str,
    prefix: str,
    choices: list[tuple[str, str]],
    title: str,
    row_header: str,
    note: str,
    ledger: Ledger | None = None,
) -> Section:
    own = Ledger()
    book = ledger or own
    codes, labels = _programme_columns()
    if counts_rows is None:
        counts_rows = family_counts(scope)
    grouped = _group(counts_rows, "programme")
    families = sum(row["families"] for row in grouped)
    if codes:
        counts = [_by_programme(grouped, codes, prefix + code) for code, _label in choices]
        bases = [*_by_programme(grouped, codes, "families"), families]
    else:
        counts = [[sum(row[prefix + code] for row in grouped)] for code, _label in choices]
        bases = [families]
    # The bases are the families table's figures: registered under the same keys, so a
    # base hidden there hides every percentage of it here (count and percentage would
    # give it back).
    for base_key, value in zip(_programme_keys("families", codes), bases, strict=True):
        book.add(base_key, value)
    table = draft_table(
        book,
        caption=title,
        row_header=row_header,
        columns=labels or [_("Gezinnen")],
        labels=[str(label) for _code, label in choices],
        counts=counts,
        keys=[_programme_keys(f"{prefix}{code}", codes) for code, _label in choices],
        row_totals=bool(codes),
        percent_bases=_programme_keys("families", codes),
    )
    return _finish(Section(key=key, title=title, note=note, tables=(table,)), ledger, own)


def support_questions_section(
    scope: ReportScope, counts_rows: list[dict] | None = None, ledger: Ledger | None = None
) -> Section:
    """The eight kinds of support question, as a share of the families supported."""
    return _multi_choice_section(
        scope,
        counts_rows,
        ledger=ledger,
        key="hulpvragen",
        prefix="q_",
        choices=SUPPORT_QUESTION_CHOICES,
        title=_("Soorten hulpvraag"),
        row_header=_("Hulpvraag"),
        note=_(
            "Van de gezinnen die in de periode ondersteund werden: hoeveel deze hulpvraag "
            "hadden, en welk deel dat is. Een gezin kan meer hulpvragen hebben, dus de "
            "percentages tellen niet op tot 100. Een percentage op minder dan 5 gezinnen "
            "tonen we niet."
        ),
    )


def risk_factors_section(
    scope: ReportScope, counts_rows: list[dict] | None = None, ledger: Ledger | None = None
) -> Section:
    return _multi_choice_section(
        scope,
        counts_rows,
        ledger=ledger,
        key="risicofactoren",
        prefix="r_",
        choices=RISK_FACTOR_CHOICES,
        title=_("Risicofactoren"),
        row_header=_("Risicofactor"),
        note=_(
            "Van de gezinnen die in de periode ondersteund werden: bij hoeveel de "
            "coördinator deze risicofactor zag. Een gezin kan meer risicofactoren hebben."
        ),
    )


def referrers_section(
    scope: ReportScope, counts_rows: list[dict] | None = None, ledger: Ledger | None = None
) -> Section:
    """Who referred the families supported in the period. One query (none when
    `counts_rows` is given). Its total row is the families table's first row."""
    own = Ledger()
    book = ledger or own
    codes, labels = _programme_columns()
    if counts_rows is None:
        counts_rows = family_counts(scope)
    grouped = _group(counts_rows, "programme", "referrer_category")
    counts = []
    for category in ReferrerCategory.values:
        rows = [row for row in grouped if row["referrer_category"] == category]
        if codes:
            counts.append(_by_programme(rows, codes, "families"))
        else:
            counts.append([sum(row["families"] for row in rows)])
    bases = None
    if not codes:
        bases = [("families", TOTAL)]
    keys = [_programme_keys(f"referrer_{category}", codes) for category in ReferrerCategory.values]
    keys.append(_programme_keys("families", codes))
    table = draft_table(
        book,
        caption=_("Verwijzers"),
        row_header=_("Verwezen door"),
        columns=labels or [_("Gezinnen")],
        labels=[str(label) for label in ReferrerCategory.labels],
        counts=counts,
        keys=keys,
        row_totals=bool(codes),
        column_totals=True,
        total_label=_("Totaal"),
        percent_bases=bases,
    )
    section = Section(
        key="verwijzers",
        title=_("Verwijzers"),
        note=_(
            "Wie de gezinnen aanmeldde die in de periode ondersteund werden. Elk gezin "
            "heeft één soort verwijzer; 'het gezin zelf' zijn de ouders die zichzelf "
            "aanmeldden."
        ),
        tables=(table,),
    )
    return _finish(section, ledger, own)


def _status_at(moment) -> Subquery:
    return Subquery(
        VolunteerStatusChange.objects.filter(volunteer=OuterRef("pk"), changed_at__lt=moment)
        .order_by("-changed_at", "-id")
        .values("to_status")[:1]
    )


def volunteers_section(scope: ReportScope, ledger: Ledger | None = None) -> Section:
    """Volunteers, hours, courses, intervision and theme meetings of the branches. Five
    queries. A municipality narrows the visits and hours only: volunteers work for the
    branch, not for one municipality."""
    own = Ledger()
    book = ledger or own
    period = scope.period
    volunteers = Volunteer.objects.all()
    sessions = IntervisionSession.objects.held().filter(
        start__gte=period.starts_at, start__lt=period.ends_before
    )
    completions = CourseEnrolment.objects.filter(
        completed_on__gte=period.start, completed_on__lte=period.end
    )
    meetings = ThemeMeeting.objects.filter(
        starts_at__gte=period.starts_at, starts_at__lt=period.ends_before, cancelled_at__isnull=True
    )
    if scope.branch_ids is not None:
        volunteers = volunteers.filter(branch_id__in=scope.branch_ids)
        sessions = sessions.filter(group__branch_id__in=scope.branch_ids)
        completions = completions.filter(offering__branch_id__in=scope.branch_ids)
        meetings = meetings.filter(branch_id__in=scope.branch_ids)
    first_active = Subquery(
        VolunteerStatusChange.objects.filter(
            volunteer=OuterRef("pk"), to_status=VolunteerStatus.ACTIVE
        )
        .order_by("changed_at")
        .values("changed_at")[:1],
        output_field=DateTimeField(),
    )
    stopped = VolunteerStatusChange.objects.filter(
        volunteer=OuterRef("pk"),
        to_status=VolunteerStatus.STOPPED,
        changed_at__gte=period.starts_at,
        changed_at__lt=period.ends_before,
    )
    people = volunteers.annotate(
        at_start=_status_at(period.starts_at),
        at_end=_status_at(period.ends_before),
        first_active=first_active,
        stopped_in_period=Exists(stopped),
    ).aggregate(
        active_start=Count("pk", filter=Q(at_start=VolunteerStatus.ACTIVE)),
        active_end=Count("pk", filter=Q(at_end=VolunteerStatus.ACTIVE)),
        new=Count(
            "pk",
            filter=Q(first_active__gte=period.starts_at, first_active__lt=period.ends_before),
        ),
        stopped=Count("pk", filter=Q(stopped_in_period=True)),
    )
    held = sessions.aggregate(
        sessions=Count("pk", distinct=True),
        present=Count("attendance", filter=Q(attendance__present=True)),
        recorded=Count("attendance"),
    )
    course_count = completions.count()
    meeting_count = meetings.count()
    visits = Visit.objects.filter(kind=VisitKind.DONE, date__gte=period.start, date__lte=period.end)
    if scope.branch_ids is not None:
        visits = visits.filter(match__branch_id__in=scope.branch_ids)
    if scope.municipality_id is not None:
        visits = visits.filter(match__referral__cbs_municipality_id=scope.municipality_id)
    logged = visits.aggregate(
        minutes=Coalesce(Sum("minutes"), 0),
        visits=Count("pk"),
        volunteers=Count("match__volunteer", distinct=True),
    )
    people_table = draft_table(
        book,
        caption=_("Vrijwilligers"),
        row_header=_("Telling"),
        columns=[_("Vrijwilligers")],
        labels=[
            _("Actief aan het begin van de periode"),
            _("Actief aan het einde van de periode"),
            _("Nieuw actief geworden"),
            _("Gestopt"),
            _("Introductiecursus of training afgerond"),
        ],
        counts=[
            [people["active_start"]],
            [people["active_end"]],
            [people["new"]],
            [people["stopped"]],
            [course_count],
        ],
        keys=[
            [("volunteers", name)]
            for name in ("active_start", "active_end", "new", "stopped", "courses")
        ],
    )
    hours_table = draft_table(
        book,
        caption=_("Bezoeken en uren bij de gezinnen"),
        row_header=_("Telling"),
        columns=[_("Aantal")],
        labels=[
            _("Uren bij de gezinnen"),
            _("Bezoeken"),
            _("Vrijwilligers die bezoeken noteerden"),
        ],
        counts=[[round(logged["minutes"] / 60)], [logged["visits"]], [logged["volunteers"]]],
        keys=[[("visits", "hours")], [("visits", "visits")], [("visits", "volunteers")]],
    )
    meetings_table = draft_table(
        book,
        caption=_("Intervisie en themabijeenkomsten"),
        row_header=_("Telling"),
        columns=[_("Aantal")],
        labels=[_("Intervisiebijeenkomsten gehouden"), _("Themabijeenkomsten gehouden")],
        counts=[[held["sessions"]], [meeting_count]],
        keys=[[("meetings", "intervision")], [("meetings", "theme")]],
    )
    book.add(("attendance", "recorded"), held["recorded"])
    attendance = draft_table(
        book,
        caption=_("Opkomst bij intervisie"),
        row_header=_("Telling"),
        columns=[_("Aanwezigheden")],
        labels=[_("Aanwezig (van alle vastgelegde aanwezigheden)")],
        counts=[[held["present"]]],
        keys=[[("attendance", "present")]],
        percent_bases=[("attendance", "recorded")],
    )
    section = Section(
        key="vrijwilligers",
        title=_("Vrijwilligers, cursussen en intervisie"),
        note=_(
            "Actief: de status 'actief' op de eerste dag van de periode en op de dag na de "
            "laatste. Nieuw: voor het eerst actief geworden in de periode. Gestopt: in de "
            "periode op 'gestopt' gezet. Cursussen: deelnemers met een afrondingsdatum in "
            "de periode. Intervisie: bijeenkomsten die niet zijn afgelast; de opkomst is "
            "het deel van de vastgelegde aanwezigheden waarbij de vrijwilliger er was. "
            "Themabijeenkomsten: georganiseerd door de afdeling en niet geannuleerd. Uren: "
            "de genoteerde bezoeken die doorgingen, met een datum in de periode, afgerond "
            "op hele uren. Een gekozen gemeente verandert alleen de bezoeken en uren."
        ),
        tables=(people_table, hours_table, meetings_table, attendance),
    )
    return _finish(section, ledger, own)


def outcomes_section(scope: ReportScope, ledger: Ledger | None = None) -> Section:
    """How support ended: the end reasons of the matches closed in the period and the
    evaluated support questions. Two queries."""
    own = Ledger()
    book = ledger or own
    period = scope.period
    ended = Match.objects.filter(ended_on__gte=period.start, ended_on__lte=period.end)
    if scope.branch_ids is not None:
        ended = ended.filter(branch_id__in=scope.branch_ids)
    if scope.municipality_id is not None:
        ended = ended.filter(referral__cbs_municipality_id=scope.municipality_id)
    reasons = dict(
        ended.exclude(end_reason="")
        .values("end_reason")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("end_reason", "n")
    )
    outcomes = list(
        SupportQuestionOutcome.objects.filter(match__in=ended)
        .values("question", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    reasons_table = draft_table(
        book,
        caption=_("Reden van afsluiten"),
        row_header=_("Reden"),
        columns=[_("Koppelingen")],
        labels=[str(label) for label in EndReason.labels],
        counts=[[reasons.get(code, 0)] for code in EndReason.values],
        keys=[[("end_reason", code)] for code in [*EndReason.values, TOTAL]],
        column_totals=True,
    )
    found = {(row["question"], row["outcome"]): row["n"] for row in outcomes}
    outcomes_table = draft_table(
        book,
        caption=_("Hulpvragen bij de evaluatie"),
        row_header=_("Hulpvraag"),
        columns=[str(label) for label in Outcome.labels],
        labels=[str(label) for _code, label in SUPPORT_QUESTION_CHOICES],
        counts=[
            [found.get((code, outcome), 0) for outcome in Outcome.values]
            for code, _label in SUPPORT_QUESTION_CHOICES
        ],
        keys=[
            [("outcome", code, outcome) for outcome in [*Outcome.values, TOTAL]]
            for code, _label in SUPPORT_QUESTION_CHOICES
        ],
        row_totals=True,
    )
    section = Section(
        key="afsluiting",
        title=_("Afsluiting en resultaat"),
        note=_(
            "Koppelingen die in de periode zijn afgesloten: de reden van afsluiten, en per "
            "hulpvraag of die bij de evaluatie bereikt, deels bereikt of niet bereikt was."
        ),
        tables=(reasons_table, outcomes_table),
    )
    return _finish(section, ledger, own)


def branches_section(
    scope: ReportScope, counts_rows: list[dict] | None = None, ledger: Ledger | None = None
) -> Section:
    """All branches side by side, with the national totals. Three queries (two when
    `counts_rows` is given). The totals are the families table's: referrals without a
    branch get a row of their own, so that no difference between the two gives them
    back."""
    own = Ledger()
    book = ledger or own
    branches = list(Branch.objects.order_by("name").values_list("pk", "name"))
    if scope.branch_ids is not None:
        branches = [(pk, name) for pk, name in branches if pk in scope.branch_ids]
    if counts_rows is None:
        counts_rows = family_counts(scope)
    supported = {row["branch"]: row for row in _group(counts_rows, "branch")}
    new = {
        row["branch"]: row["new"]
        for row in referrals_in_scope(scope)
        .filter(received_in(scope.period))
        .values("branch")
        .annotate(new=Count("pk"))
        .order_by()
    }
    counts = [
        [
            supported.get(pk, {}).get("families", 0),
            supported.get(pk, {}).get("children", 0),
            new.get(pk, 0),
        ]
        for pk, _name in branches
    ]
    names = ("families", "children", "new")
    keys = [[("branch", pk, name) for name in names] for pk, _name in branches]
    labels = [name for _pk, name in branches]
    unrouted = [
        supported.get(None, {}).get("families", 0),
        supported.get(None, {}).get("children", 0),
        new.get(None, 0),
    ]
    if scope.branch_ids is None and any(unrouted):
        counts.append(unrouted)
        keys.append([("branch", None, name) for name in names])
        labels.append(_("Nog zonder afdeling"))
    keys.append([(name, TOTAL) for name in names])
    table = draft_table(
        book,
        caption=_("Afdelingen naast elkaar"),
        row_header=_("Afdeling"),
        columns=[_("Gezinnen"), _("Kinderen"), _("Nieuwe aanmeldingen")],
        labels=labels,
        counts=counts,
        keys=keys,
        column_totals=True,
        total_label=_("Landelijk totaal"),
    )
    section = Section(
        key="afdelingen",
        title=_("Afdelingen"),
        note=_(
            "Dezelfde telling als 'Gezinnen en kinderen', per afdeling. De laatste regel is "
            "het landelijk totaal. Aanmeldingen die (nog) geen afdeling hebben, tellen "
            "niet mee in een afdeling, maar wel in het landelijk totaal (de regel 'Nog "
            "zonder afdeling')."
        ),
        tables=(table,),
    )
    return _finish(section, ledger, own)


def national_totals_line(section: Section) -> str:
    """'3790 gezinnen en 7190 kinderen', the line the national report prints."""
    total = section.tables[0].rows[-1]
    families, children = total.cells[0], total.cells[1]
    return _("%(families)s gezinnen en %(children)s kinderen") % {
        "families": families,
        "children": children,
    }


def build_report(scope: ReportScope, *, scope_label: str) -> Report:
    """The whole report, every table registered on one `Ledger` before anything is
    hidden: a figure that appears in more than one table (the families per programme,
    the totals of the branches) is hidden everywhere or nowhere, a percentage is hidden
    with its base, and no sum across the tables gives a hidden figure back."""
    counts_rows = family_counts(scope)
    ledger = Ledger()
    sections = [
        families_section(scope, counts_rows, ledger),
        support_questions_section(scope, counts_rows, ledger),
        referrers_section(scope, counts_rows, ledger),
        risk_factors_section(scope, counts_rows, ledger),
        outcomes_section(scope, ledger),
        volunteers_section(scope, ledger),
    ]
    if scope.branch_ids is None:
        sections.append(branches_section(scope, counts_rows, ledger))
    unlinked = 0
    if scope.municipality_id is None:
        unlinked = sum(row["unlinked"] for row in counts_rows)
    ledger.add(("families_without_municipality", TOTAL), unlinked)
    ledger.solve()
    sections = [resolve_section(section, ledger) for section in sections]
    municipality = ""
    if scope.municipality_id is not None:
        municipality = (
            Municipality.objects.filter(pk=scope.municipality_id)
            .values_list("name", flat=True)
            .first()
            or ""
        )
    return Report(
        scope_label=scope_label,
        period_label=scope.period.label,
        municipality_label=municipality,
        sections=tuple(sections),
        without_municipality=Cell(
            None if ledger.hidden(("families_without_municipality", TOTAL)) else unlinked
        ),
    )
