"""The counting rules of the annual report on a hand-built data set where every figure
is known. The period is the calendar year 2025 in Europe/Amsterdam."""

from __future__ import annotations

import datetime

import pytest

from intervision.models import Attendance
from portal.models import Municipality, VolunteerStatus
from reports import services
from reports.period import Period
from reports.services import ReportScope
from support.models import Match, MatchStatus, Programme, SupportQuestionOutcome, Visit
from support.referrals.models import ReferralKind, ReferralStatus, ReferrerCategory
from tests.intervision.factories import IntervisionGroupFactory, SessionFactory
from tests.reports.factories import at, referral, volunteer_with_history

pytestmark = pytest.mark.django_db

YEAR = Period.year(2025)


def scope(branch, **kwargs) -> ReportScope:
    return ReportScope(period=YEAR, branch_ids=(branch.pk,), **kwargs)


def table_values(table) -> dict[str, list[str]]:
    return {row.label: [str(cell) for cell in row.cells] for row in table.rows}


def test_a_family_counts_when_its_support_ran_one_day_in_the_period(branch, other_branch):
    counted = {
        # started before the period, ended inside it
        referral(branch, received=at(2024, 9, 1), started=at(2024, 10, 1), ended=at(2025, 3, 15)),
        # started on the last evening of the period, still running
        referral(branch, received=at(2025, 12, 1), started=at(2025, 12, 31, 23, 30)),
        # ended at the first moment of the period
        referral(
            branch, received=at(2024, 1, 5), started=at(2024, 2, 1), ended=at(2025, 1, 1, 0, 0)
        ),
        # started before the period and still running after it
        referral(branch, received=at(2023, 5, 1), started=at(2023, 6, 1)),
    }
    not_counted = {
        # started at the first moment after the period
        referral(branch, received=at(2025, 12, 20), started=at(2026, 1, 1, 0, 0)),
        # ended on the last evening before the period
        referral(
            branch, received=at(2024, 1, 1), started=at(2024, 2, 1), ended=at(2024, 12, 31, 23, 59)
        ),
        # never supported
        referral(branch, received=at(2025, 4, 1), status=ReferralStatus.NOT_SUITABLE),
        # another branch's family
        referral(other_branch, received=at(2025, 2, 1), started=at(2025, 3, 1)),
    }
    found = set(services.supported_families(scope(branch)))
    assert found == counted
    assert not (found & not_counted)


def test_a_family_referred_twice_is_two_new_referrals_and_one_family_supported(branch):
    referral(branch, received=at(2025, 2, 1), status=ReferralStatus.NOT_SUITABLE)
    referral(branch, received=at(2025, 5, 1), started=at(2025, 6, 1))
    assert services.supported_families(scope(branch)).count() == 1
    received = services.referrals_in_scope(scope(branch)).filter(services.received_in(YEAR))
    assert received.count() == 2


def build_families(branch, municipality=None):
    """14 families supported in 2025: 6 + 3 + 5, with known questions, referrers and
    risks; 4 referrals of 2024 that were not supported in 2025."""
    for _ in range(6):
        referral(
            branch,
            received=at(2025, 3, 1),
            started=at(2025, 3, 20),
            category=ReferrerCategory.YOUTH_HEALTH_CARE,
            children=2,
            questions=["listening_ear"],
            risks=["financial"],
            municipality=municipality,
        )
    for _ in range(3):
        referral(
            branch,
            received=at(2025, 3, 1),
            started=at(2025, 4, 1),
            ended=at(2025, 10, 1),
            category=ReferrerCategory.MUNICIPALITY,
            children=1,
            expecting=True,
            questions=["listening_ear", "parenting"],
        )
    for _ in range(5):
        referral(
            branch,
            received=at(2025, 3, 1),
            started=at(2025, 5, 1),
            kind=ReferralKind.PARENTS,
            category=ReferrerCategory.FAMILY,
            children=3,
            questions=["relief"],
            risks=["parent", "financial"],
        )
    for _ in range(4):
        referral(branch, received=at(2024, 3, 1), started=at(2024, 4, 1), ended=at(2024, 11, 1))


def test_families_section_counts_families_children_and_referrals(branch):
    build_families(branch)
    section = services.families_section(scope(branch))
    supported, perinatal, received = section.tables
    assert table_values(supported) == {
        "Gezinnen": ["14", "0", "14"],
        "Kinderen": ["30", "0", "30"],
        "Gezinnen met perinatale ondersteuning": ["x", "0", "x"],
    }
    assert perinatal.rows[0].cells[0].percent is None  # 3 of 14: the count is hidden
    assert table_values(received) == {
        "Nieuwe aanmeldingen": ["14"],
        "Door de ouders zelf aangemeld": ["5"],
    }
    assert section.note


def test_support_questions_in_percentages_with_small_cells_hidden(branch):
    build_families(branch)
    (table,) = services.support_questions_section(scope(branch)).tables
    assert table.columns == ("Home-Start", "Home-Start+", "Totaal")
    rows = {row.label: row.cells[-1] for row in table.rows}
    assert str(rows["een luisterend oor"]) == "9"
    assert rows["een luisterend oor"].percent == 64.3
    assert str(rows["steun bij de opvoeding"]) == "x"
    assert rows["steun bij de opvoeding"].percent is None
    assert rows["ontlasting van de ouders"].percent == 35.7
    assert str(rows["steun bij de Nederlandse taal"]) == "0"


def test_referrers_hide_the_next_smallest_cell_when_the_total_is_shown(branch):
    build_families(branch)
    (table,) = services.referrers_section(scope(branch)).tables
    values = table_values(table)
    assert values["jeugdgezondheidszorg (consultatiebureau)"] == ["6", "0", "6"]
    assert values["gemeente of wijkteam"] == ["x", "0", "x"]
    # 5 would give the 3 back from the column total of 14: hidden too, and so is the
    # row total that would give the 5 back.
    assert values["het gezin zelf"] == ["x", "0", "x"]
    assert values["Totaal"] == ["14", "0", "14"]


def test_risk_factors(branch):
    build_families(branch)
    (table,) = services.risk_factors_section(scope(branch)).tables
    values = table_values(table)
    assert values["financieel"] == ["11", "0", "11"]
    assert values["bij de ouder"] == ["5", "0", "5"]
    assert values["bij het kind"] == ["0", "0", "0"]


def test_a_municipality_narrows_the_families_to_it(branch):
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    build_families(branch, municipality=utrecht)
    narrowed = services.families_section(scope(branch, municipality_id=utrecht.pk))
    assert table_values(narrowed.tables[0])["Gezinnen"] == ["6", "0", "6"]
    assert table_values(narrowed.tables[0])["Kinderen"] == ["12", "0", "12"]


def test_volunteers_active_new_stopped_and_intervision(branch, other_branch):
    active = VolunteerStatus.ACTIVE
    for _ in range(6):
        volunteer_with_history(branch, (active, at(2024, 6, 1)))
    for _ in range(5):
        volunteer_with_history(
            branch, (active, at(2024, 6, 1)), (VolunteerStatus.STOPPED, at(2025, 5, 1))
        )
    for _ in range(7):
        volunteer_with_history(branch, (active, at(2025, 4, 1)))
    # active after the period: not at its end
    volunteer_with_history(branch, (active, at(2026, 1, 1, 0, 0)))
    volunteer_with_history(other_branch, (active, at(2024, 6, 1)))
    group = IntervisionGroupFactory(branch=branch)
    sessions = [
        SessionFactory(group=group, start=at(2025, month, 10, 9, 30)) for month in range(1, 7)
    ]
    SessionFactory(group=group, start=at(2025, 7, 10), status="cancelled")
    SessionFactory(group=group, start=at(2024, 12, 10))
    present = list(group.branch.volunteers.all()[:8])
    for person in present:
        Attendance.objects.create(session=sessions[0], volunteer=person, present=True)
    for person in present[:2]:
        Attendance.objects.create(session=sessions[1], volunteer=person, present=False)

    section = services.volunteers_section(scope(branch))
    people, _hours, meetings, attendance = section.tables
    assert table_values(people) == {
        "Actief aan het begin van de periode": ["11"],
        "Actief aan het einde van de periode": ["13"],
        "Nieuw actief geworden": ["7"],
        "Gestopt": ["5"],
        "Introductiecursus of training afgerond": ["0"],
    }
    assert table_values(meetings)["Intervisiebijeenkomsten gehouden"] == ["6"]
    assert attendance.rows[0].cells[0].count == 8
    assert attendance.rows[0].cells[0].percent == 80.0


def test_branches_side_by_side_with_national_totals(branch, other_branch):
    build_families(branch)
    for _ in range(5):
        referral(other_branch, received=at(2025, 1, 1), started=at(2025, 2, 1), children=2)
    section = services.branches_section(ReportScope(period=YEAR, branch_ids=None))
    values = table_values(section.tables[0])
    assert values["Home-Start Utrecht"] == ["14", "30", "14"]
    assert values["Home-Start Zwolle"] == ["5", "10", "5"]
    assert values["Landelijk totaal"] == ["19", "40", "19"]
    assert services.national_totals_line(section) == "19 gezinnen en 40 kinderen"


def test_a_period_that_is_not_a_year(branch):
    build_families(branch)
    spring = ReportScope(
        period=Period(datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)),
        branch_ids=(branch.pk,),
    )
    assert services.supported_families(spring).count() == 6
    assert spring.period.label == "maart 2025"


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime.date(2025, 3, 1), datetime.date(2025, 3, 1)),  # one day
        (datetime.date(2025, 3, 2), datetime.date(2025, 3, 31)),
        (datetime.date(2025, 3, 1), datetime.date(2025, 4, 30 - 1)),
        (datetime.date(2025, 4, 1), datetime.date(2025, 3, 31)),  # ends before it starts
    ],
)
def test_a_period_is_whole_months_only(start, end):
    with pytest.raises(ValueError):
        Period(start, end)
    assert Period.months((2024, 2), (2024, 2)).end == datetime.date(2024, 2, 29)


def match(referral_, volunteer, *, programme, started, ended=None, reason=""):
    return Match.objects.create(
        # 12 characters at most (the field), whatever the id PostgreSQL hands out.
        reference=f"K{started:%y%m%d}{referral_.pk % 100000:05d}",
        referral=referral_,
        volunteer=volunteer,
        branch=referral_.branch,
        programme=programme,
        status=MatchStatus.ENDED if ended else MatchStatus.ACTIVE,
        started_on=started,
        ended_on=ended,
        end_reason=reason or ("goals_reached" if ended else ""),
    )


def test_matches_decide_programme_and_period_and_visits_give_the_hours(branch, volunteer):
    d = datetime.date
    plus, home = Programme.HOME_START_PLUS, Programme.HOME_START
    # Two matches in the period: one family, the programme of the later match.
    twice = referral(branch, received=at(2024, 11, 1), started=at(2024, 12, 1), children=2)
    match(twice, volunteer, programme=home, started=d(2024, 12, 1), ended=d(2025, 1, 15))
    running = match(twice, volunteer, programme=plus, started=d(2025, 2, 1))
    # Ended on the last day before the period: not counted.
    before = referral(branch, received=at(2024, 3, 1), started=at(2024, 5, 1))
    match(before, volunteer, programme=home, started=d(2024, 5, 1), ended=d(2024, 12, 31))
    # Started on the last day of the period: counted.
    late = referral(branch, received=at(2025, 12, 1), started=at(2025, 12, 31), children=1)
    match(late, volunteer, programme=home, started=d(2025, 12, 31))
    # Its status says support started in 2025, but its only match starts in 2026.
    future = referral(branch, received=at(2025, 5, 1), started=at(2025, 6, 1))
    match(future, volunteer, programme=home, started=d(2026, 1, 1))

    found = {item.pk: item.programme for item in services.supported_families(scope(branch))}
    assert found == {twice.pk: plus, late.pk: home}

    for week in range(6):
        Visit.objects.create(
            match=running,
            date=d(2025, 3, 3) + datetime.timedelta(weeks=week),
            kind="done",
            minutes=180,
        )
    Visit.objects.create(match=running, date=d(2025, 5, 1), kind="cancelled_by_family")
    Visit.objects.create(match=running, date=d(2024, 12, 30), kind="done", minutes=120)
    hours = services.volunteers_section(scope(branch)).tables[1]
    assert table_values(hours) == {
        "Uren bij de gezinnen": ["18"],
        "Bezoeken": ["6"],
        "Vrijwilligers die bezoeken noteerden": ["x"],
    }


def test_outcomes_count_matches_ended_in_the_period(branch, volunteer):
    d = datetime.date
    for number in range(7):
        family = referral(branch, received=at(2024, 1, 1), started=at(2024, 2, 1))
        ended = match(
            family,
            volunteer,
            programme=Programme.HOME_START,
            started=d(2024, 2, 1),
            ended=d(2025, 6, 1),
            reason="goals_reached" if number < 5 else "moved",
        )
        SupportQuestionOutcome.objects.create(
            match=ended, question="listening_ear", outcome="reached"
        )
    reasons, outcomes = services.outcomes_section(scope(branch)).tables
    values = table_values(reasons)
    assert values["doelen bereikt"] == ["x"]  # 5, hidden with the 2 against the total
    assert values["het gezin is verhuisd"] == ["x"]
    assert values["Totaal"] == ["7"]
    assert table_values(outcomes)["een luisterend oor"] == ["7", "0", "0", "7"]
