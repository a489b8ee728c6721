"""The admin home: what each role sees, that a coordinator sees only their own branches,
that every panel links to where the work is done, and that the page and every panel
provider keep to a query budget that does not grow with branches, people or sessions."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from portal import registry as registry_module
from portal.admin_home import build_panels, dashboard_scope
from portal.dashboard import stuck_volunteers
from portal.models import VolunteerStatus
from portal.registry import (
    AdminHomePanel,
    DashboardPanelContent,
    DashboardRow,
    register_admin_home_panel,
    registry,
)
from portal.services.roles import make_coordinator
from support.referrals.models import Referral
from tests.matrix import LOGIN, assert_access
from tests.portal.admin_home_data import fill_branch
from tests.portal.factories import BranchFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=AMS)  # a Wednesday
HOME = "/admin/"
# Queries of the whole admin home (Wagtail's own share included: session, user,
# permissions, menu, site), per role. The same for one branch or many.
# support adds one shared query for its three panels (support/dashboard.py::_counts).
HOME_BUDGET = {"coordinator": 41, "staff": 41, "editor": 18}


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def load_home(client) -> tuple[int, str]:
    """Queries and content of a warm request (the first fills Wagtail's caches)."""
    client.get(HOME)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(HOME)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def scope_for(user):
    user.has_perm("wagtailadmin.access_admin")  # permissions are loaded once per request
    return dashboard_scope(SimpleNamespace(user=user))


# --- Who sees what -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", LOGIN),
        ("volunteer", 403),
        ("coordinator", 200),
        ("other_coordinator", 200),
        ("staff", 200),
    ],
)
def test_home_permission_matrix(client_for, role, expected):
    assert_access(client_for(role), HOME, expected, role=role)


def test_coordinator_sees_the_own_branchs_work_and_nothing_of_another(
    client_for, branch, other_branch
):
    mine, theirs = fill_branch(branch), fill_branch(other_branch)
    _queries, content = load_home(client_for("coordinator"))
    assert "Home-Start beheer" in content
    assert mine["referrals"][0].reference in content
    assert escape(mine["applied"][0].full_name) in content
    assert escape(mine["group"].name) in content
    for hidden in (
        theirs["referrals"][0].reference,
        theirs["applied"][0].full_name,
        theirs["group"].name,
        theirs["coming_courses"][0].title,
        theirs["sends"][0].subject,
    ):
        assert escape(hidden) not in content
    # Family data stays in the referral itself.
    assert "Familie Geheim" not in content
    assert "Per afdeling" not in content  # national staff's table
    # Another branch's theme meeting open to all: its public page, not its admin form.
    assert reverse("theme_meeting:edit", args=[theirs["meeting"].pk]) not in content
    assert reverse("intervision:theme_meeting", args=[theirs["meeting"].pk]) in content


def test_every_panel_links_to_the_screen_where_the_work_is_done(client_for, branch):
    made = fill_branch(branch)
    _queries, content = load_home(client_for("coordinator"))
    expected = [
        reverse("referrals:edit", args=[made["referrals"][0].pk]),
        reverse("portal_volunteer:edit", args=[made["applied"][0].pk]),
        reverse("portal_volunteer:edit", args=[made["stuck"][0].pk]),
        reverse("portal_volunteer:edit", args=[made["absentee"].pk]),
        reverse("courses_admin:attendance", args=[made["running_courses"][0].pk]),
        reverse("courses_admin:participants", args=[made["coming_courses"][0].pk]),
        reverse("intervision_session:attendance", args=[made["unrecorded"][0].pk]),
        reverse("intervision_session:edit", args=[made["session_this_week"].pk]),
        reverse("theme_meeting:edit", args=[made["meeting"].pk]),
        reverse("newsletter_admin:progress", args=[made["sends"][0].pk]),
        reverse("intervision_group:add"),
        reverse("theme_meeting:add"),
        reverse("portal:agenda"),
    ]
    for url in expected:
        assert f'href="{url}"' in content, url


def test_panels_show_counts_the_oldest_age_and_answers(client_for, branch):
    fill_branch(branch)
    _queries, content = load_home(client_for("coordinator"))
    # The referral came in four days ago.
    assert "Oudste wacht 4 dagen, sinds 28 nov 2026" in content
    # Three members, one comes, one does not, one has not answered.
    assert "1 komen, 1 niet, 1 geen antwoord" in content
    assert "ma 7 dec, 9:30" in content
    assert "True" not in content and "False" not in content


def test_national_staff_see_every_branch_and_a_table_per_branch(client_for, branch, other_branch):
    fill_branch(branch)
    fill_branch(other_branch)
    Referral.objects.create(
        reference="HS-NOBRANCH", kind="parents", referrer_category="family", branch=None
    )
    _queries, content = load_home(client_for("staff"))
    assert "Per afdeling" in content
    for name in (branch.name, other_branch.name, "Zonder afdeling", "HS-NOBRANCH"):
        assert name in content


def test_editors_get_wagtails_panels_without_the_dashboard(client, editor, branch):
    fill_branch(branch)
    client.force_login(editor)
    _queries, content = load_home(client)
    assert "<title>Overzicht - Home-Start beheer</title>" in content
    assert "hs-dashboard" not in content
    assert "Doorzoek alle pagina" not in content  # Wagtail's page search is gone


def test_editors_find_the_pages_awaiting_their_review_first(client, editor):
    from django.contrib.auth.models import Group
    from wagtail.models import Workflow

    from tests.pages.factories import home_page

    # Wagtail's own workflow sends pages to its moderators group (Dutch names since
    # portal migration 0003) for review.
    editor.groups.add(Group.objects.get(name="Moderatoren"))
    page = home_page()
    page.title = "Over Home-Start (nieuwe tekst)"
    revision = page.save_revision(user=editor)
    Workflow.objects.get(name="Goedkeuring door moderatoren").start(page, editor)
    assert revision.pk
    client.force_login(editor)
    content = client.get(HOME).content.decode()
    assert "awaiting-review" in content
    assert content.index("awaiting-review") < content.index("Over Home-Start (nieuwe tekst)")


def test_vog_counts_as_stuck_after_four_weeks(coordinator, branch):
    today = NOW.date()
    waiting = VolunteerFactory(
        branch=branch,
        status=VolunteerStatus.VOG_REQUESTED,
        vog_requested_on=today - datetime.timedelta(weeks=4, days=1),
    )
    VolunteerFactory(
        branch=branch,
        status=VolunteerStatus.VOG_REQUESTED,
        vog_requested_on=today - datetime.timedelta(weeks=3),
    )
    content = stuck_volunteers(scope_for(coordinator))
    assert content.count == 1
    assert [row.text for row in content.rows] == [waiting.full_name]


def test_three_absences_count_on_the_home_for_a_year(coordinator, branch):
    from intervision.dashboard import missed_three_in_a_row
    from intervision.models import Attendance, IntervisionSession
    from tests.intervision.factories import IntervisionGroupFactory

    recent, old = VolunteerFactory(branch=branch), VolunteerFactory(branch=branch)
    group = IntervisionGroupFactory(branch=branch, members=[recent, old])
    absences = [(4, recent), (8, recent), (12, recent), (60, old), (64, old), (68, old)]
    for weeks, volunteer in absences:
        start = NOW - datetime.timedelta(weeks=weeks)
        session = IntervisionSession.objects.create(
            group=group, start=start, end=start + datetime.timedelta(hours=2)
        )
        Attendance.objects.create(session=session, volunteer=volunteer, present=False)
    content = missed_three_in_a_row(scope_for(coordinator))
    assert [row.text for row in content.rows] == [recent.full_name]


# --- The registry ------------------------------------------------------------------------


def test_providers_of_one_panel_are_merged_in_time_order(monkeypatch, coordinator, branch):
    monkeypatch.setattr(registry, "admin_home_panels", [])
    panel = AdminHomePanel(name="test", title="Test", max_rows=2)
    early = datetime.datetime(2026, 12, 3, 9, 0, tzinfo=AMS)

    def first(scope):
        return DashboardPanelContent(
            count=2,
            rows=(
                DashboardRow("Later", "/b/", when=early + datetime.timedelta(hours=2)),
                DashboardRow("Laatst", "/c/", when=early + datetime.timedelta(hours=3)),
            ),
            by_branch={branch.pk: 2},
        )

    def second(scope):
        return DashboardPanelContent(
            count=1, rows=(DashboardRow("Eerst", "/a/", when=early),), by_branch={branch.pk: 1}
        )

    register_admin_home_panel(panel, first, query_budget=0)
    register_admin_home_panel(panel, second, query_budget=0)
    register_admin_home_panel(panel, second, query_budget=0)  # once is enough
    [built] = build_panels(scope_for(coordinator))
    assert [row.text for row in built.rows] == ["Eerst", "Later"]
    assert (built.count, built.more, built.by_branch) == (3, 1, {branch.pk: 3})


def test_a_provider_may_not_ask_for_more_than_the_largest_budget():
    with pytest.raises(ValueError):
        register_admin_home_panel(
            AdminHomePanel(name="x", title="X"),
            lambda scope: None,
            query_budget=registry_module.ADMIN_HOME_PROVIDER_MAX_BUDGET + 1,
        )


# --- Query budgets ------------------------------------------------------------------------


def provider_queries(user) -> dict[str, int]:
    scope = scope_for(user)
    counts = {}
    for _panel, provider, budget in registry.admin_home_panels:
        with CaptureQueriesContext(connection) as queries:
            provider(scope)
        name = f"{provider.__module__}.{provider.__name__}"
        assert len(queries) <= budget, f"{name}: {len(queries)} queries, budget {budget}"
        counts[name] = len(queries)
    return counts


@pytest.mark.parametrize("role", ["coordinator", "staff"])
def test_every_provider_keeps_to_its_budget_at_two_sizes(role, branch, coordinator, staff):
    user = {"coordinator": coordinator, "staff": staff}[role]
    fill_branch(branch)
    small = provider_queries(user)
    more = BranchFactory(name="Home-Start Amersfoort", slug="amersfoort")
    make_coordinator(user=coordinator, branches=[more])
    fill_branch(branch, size=2)
    fill_branch(more, size=2)
    assert provider_queries(user) == small


@pytest.mark.parametrize("role", ["coordinator", "staff", "editor"])
def test_home_query_count_does_not_grow_with_branches_people_or_sessions(
    role, client, branch, coordinator, staff, editor
):
    user = {"coordinator": coordinator, "staff": staff, "editor": editor}[role]
    fill_branch(branch)
    client.force_login(user)
    small, _content = load_home(client)
    more = BranchFactory(name="Home-Start Amersfoort", slug="amersfoort")
    make_coordinator(user=coordinator, branches=[more])
    fill_branch(more, size=2)
    fill_branch(branch, size=2)
    large, _content = load_home(client)
    assert large == small
    assert small <= HOME_BUDGET[role]
