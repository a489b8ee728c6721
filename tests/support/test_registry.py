"""What the support route adds through portal's registries: admin home panels (scoped,
within their query budget at two sizes), the digest, the coordinators' agenda, the
volunteer's data download, and the demo content."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.registry import registry
from support import dashboard, registry_hooks, services
from support.models import CheckIn, Concern, Match, Visit
from tests.portal.factories import BranchFactory
from tests.portal.test_admin_home import scope_for
from tests.support.conftest import (
    FAMILY_SECRETS,
    active_volunteer_of,
    ready_referral,
    start_new_match,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def fill(branch, size: int) -> None:
    """Per size: a waiting family, a proposal, a late match with a check-in due."""
    for _ in range(size):
        ready_referral(postcode=f"{branch.postcode_ranges.first().first} AB")
        services.propose_match(
            referral=ready_referral(postcode=f"{branch.postcode_ranges.first().first} AB"),
            volunteer=active_volunteer_of(branch),
            by=None,
        )
        late = start_new_match(
            ready_referral(postcode=f"{branch.postcode_ranges.first().first} AB"),
            active_volunteer_of(branch),
            started_days_ago=70,
        )
        CheckIn.objects.filter(match=late).update(due_on=TODAY() - datetime.timedelta(days=1))


PROVIDERS = [
    dashboard.waiting_families,
    dashboard.matches_to_start,
    dashboard.check_ins_due,
    dashboard.matches_without_visits,
]


def _queries(user) -> dict:
    scope = scope_for(user)
    found = {}
    for provider in PROVIDERS:
        with CaptureQueriesContext(connection) as queries:
            content = provider(scope)
        found[provider.__name__] = (len(queries), content.count)
    return found


def test_panels_are_registered_and_keep_their_budget_at_two_sizes(branch, coordinator):
    registered = {provider for _panel, provider, _budget in registry.admin_home_panels}
    # The waiting families have their own screen (menu "Vrijwilliger zoeken"), not a panel.
    assert set(PROVIDERS) - {dashboard.waiting_families} <= registered
    fill(branch, 1)
    small = _queries(coordinator)
    assert {name: count for name, (_q, count) in small.items()} == {
        "waiting_families": 1,
        "matches_to_start": 1,
        "check_ins_due": 1,
        "matches_without_visits": 1,
    }
    fill(branch, 3)
    large = _queries(coordinator)
    assert {name: q for name, (q, _c) in large.items()} == {
        name: q for name, (q, _c) in small.items()
    }
    assert all(q <= 2 for q, _c in large.values())
    assert large["matches_without_visits"][1] == 4


def test_panels_are_scoped_to_the_coordinators_branches(
    branch, other_branch, other_branch_coordinator
):
    other_branch.postcode_ranges.all()  # (Zwolle, 8000-8049)
    fill(branch, 1)
    assert all(count == 0 for _q, count in _queries(other_branch_coordinator).values())


def test_national_staff_count_every_branchs_matches_but_see_none_of_them(client_for, branch, staff):
    """DESIGN.md's tiers: family data is for the branch's coordinators. National staff
    get each panel's count per branch, and no reference, volunteer or link."""
    fill(branch, 2)
    found = _queries(staff)
    assert {name: count for name, (_q, count) in found.items()} == {
        "waiting_families": 2,
        "matches_to_start": 2,
        "check_ins_due": 2,
        "matches_without_visits": 2,
    }
    scope = scope_for(staff)
    for provider in PROVIDERS:
        content = provider(scope)
        assert content.rows == () and content.links == (), provider.__name__
        assert content.by_branch == {branch.pk: 2}, provider.__name__
    page = client_for("staff").get("/admin/", {"vernieuwen": "1"}).content.decode()
    assert "Wie dit zijn, zien alleen de coördinatoren van de afdeling." in page
    assert "/admin/support_match/" not in page and "/admin/koppelingen/" not in page
    for match in Match.objects.all():
        assert match.reference not in page and match.volunteer_label not in page
    for secret in FAMILY_SECRETS:
        assert secret not in page


def test_national_staff_who_coordinate_a_branch_see_that_branchs_matches(
    branch, other_branch, staff
):
    from portal.services.roles import make_coordinator

    fill(branch, 1)
    make_coordinator(user=staff, branches=[other_branch])
    staff = type(staff).objects.get(pk=staff.pk)  # permissions as on the next request
    content = dashboard.matches_to_start(scope_for(staff))
    assert content.count == 1 and content.rows == ()  # counted, but not their branch
    make_coordinator(user=staff, branches=[branch])
    staff = type(staff).objects.get(pk=staff.pk)
    content = dashboard.matches_to_start(scope_for(staff))
    assert [row.branch_id for row in content.rows] == [branch.pk]
    assert content.links


def test_digest_names_matches_and_volunteers_never_the_family(branch, other_branch):
    fill(branch, 1)
    long = start_new_match(
        ready_referral(postcode="3531 AB"), active_volunteer_of(branch), started_days_ago=0
    )
    Match.objects.filter(pk=long.pk).update(started_on=services.add_months(TODAY(), -18))
    services.log_visit(match=long, by=long.volunteer.user, on=TODAY())
    sections = registry_hooks.digest_sections(
        branch_ids=[branch.pk, other_branch.pk], today=TODAY()
    )
    assert set(sections) == {branch.pk}
    texts = [row.text for row in sections[branch.pk].rows]
    assert any("drie weken geen bezoek" in text for text in texts)
    assert any("contactmoment gepland op" in text for text in texts)
    assert any(long.reference in text and "18 maanden" in text for text in texts)
    for secret in FAMILY_SECRETS:
        assert all(secret not in text for text in texts)


def test_check_ins_in_the_coordinators_agenda_without_family(running_match, branch):
    check_in = running_match.check_ins.get()
    start = timezone.make_aware(datetime.datetime.combine(check_in.due_on, datetime.time(0)))
    items = registry_hooks.check_in_agenda(
        branch_ids=[branch.pk], start=start, end=start + datetime.timedelta(days=1)
    )
    assert [item.name for item in items] == [running_match.reference]
    assert (
        registry_hooks.check_in_agenda(
            volunteer_id=running_match.volunteer_id,
            start=start,
            end=start + datetime.timedelta(days=1),
        )
        == []
    )
    text = json.dumps([item.__dict__ for item in items], default=str)
    for secret in FAMILY_SECRETS:
        assert secret not in text


def test_national_staff_agenda_has_no_check_ins_of_other_branches(client_for, running_match, staff):
    """Check-ins name a match: only the branch's own coordinators get them."""
    from portal.registry import registry as portal_registry

    assert registry_hooks.check_in_agenda in portal_registry.own_branch_agenda_providers
    check_in = running_match.check_ins.get()
    CheckIn.objects.filter(pk=check_in.pk).update(due_on=TODAY() + datetime.timedelta(days=2))
    national = client_for("staff").get("/mijn/agenda/").content.decode()
    assert running_match.reference not in national
    own = client_for("coordinator").get("/mijn/agenda/").content.decode()
    assert running_match.reference in own


def test_data_download_holds_matches_and_own_visits_not_the_family(running_match):
    volunteer = running_match.volunteer
    services.log_visit(match=running_match, by=volunteer.user, on=TODAY(), minutes=195)
    data = registry_hooks.export_support_data(volunteer)
    [match] = data["support"]["matches"]
    assert match["reference"] == running_match.reference
    assert match["visits"] == [{"date": TODAY().isoformat(), "kind": "done", "minutes": 195}]
    text = json.dumps(data)
    for secret in FAMILY_SECRETS:
        assert secret not in text
    section = registry_hooks.volunteer_record_section(volunteer)
    assert (running_match.reference, "loopt") in section["rows"]


def test_demo_content_has_running_matches_visits_one_long_and_a_concern(settings):
    settings.DEMO_MODE = True
    call_command("demo_content")
    assert Match.objects.filter(status="active").count() >= 3
    assert Match.objects.filter(status="proposed").exists()
    assert Visit.objects.filter(kind="done").count() > 20
    assert services.matches_reaching_months(
        branch_ids=list(Match.objects.values_list("branch_id", flat=True)), months=15
    ).exists()
    assert Concern.objects.filter(closed_at__isnull=True).exists()
    count = Match.objects.count()
    call_command("demo_content")
    assert Match.objects.count() == count


def test_more_branches_do_not_add_queries(branch, coordinator):
    from portal.services.roles import make_coordinator

    fill(branch, 1)
    small = _queries(coordinator)
    more = BranchFactory(name="Home-Start Amersfoort", slug="amersfoort", ranges=[(3800, 3829)])
    make_coordinator(user=coordinator, branches=[more])
    fill(more, 2)
    assert {n: q for n, (q, _c) in _queries(coordinator).items()} == {
        n: q for n, (q, _c) in small.items()
    }
