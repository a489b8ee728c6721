"""The referral inbox in the admin: each coordinator sees their own branch's referrals
only (list, search, every object view); national staff see only the referrals no
branch covers, to pass them on, and no family of a branch (DESIGN.md's tiers).
Statuses change through the services."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.services.roles import make_coordinator
from support.referrals.models import Referral, ReferralStatus
from support.referrals.services import change_referral_status, submit_referral
from tests.matrix import DENIED, LOGIN, ROLES, assert_access
from tests.support.referrals.conftest import FAMILY_NAME, REFERRER_EMAIL, family, referrer

pytestmark = pytest.mark.django_db

A, V, C, O, S = ROLES  # noqa: E741
S_ = ReferralStatus

MATRIX = [
    ("inbox", "/admin/referrals/", {A: LOGIN, V: 403, C: 200, O: 200, S: 200}),
    ("inbox_results", "/admin/referrals/results/", {A: LOGIN, V: 403, C: 200, O: 200, S: 200}),
    # A routed family is its branch's: national staff get a 404 like another branch.
    ("edit", "/admin/referrals/edit/{referral}/", {A: LOGIN, V: 403, C: 200, O: 404, S: 404}),
    (
        "edit_unrouted",
        "/admin/referrals/edit/{unrouted}/",
        {A: LOGIN, V: 403, C: 404, O: 404, S: 200},
    ),
    ("edit_missing", "/admin/referrals/edit/999999/", {A: LOGIN, V: 403, C: 404, O: 404, S: 404}),
    ("history", "/admin/referrals/history/{referral}/", {A: LOGIN, V: 403, C: 200, O: 404, S: 404}),
    ("usage", "/admin/referrals/usage/{referral}/", {A: LOGIN, V: 403, C: 200, O: 404, S: 404}),
    ("add", "/admin/referrals/add/", {A: LOGIN, V: 403, C: 404, O: 404, S: 404}),
    (
        "delete",
        "/admin/referrals/delete/{referral}/",
        {A: LOGIN, V: 403, C: DENIED, O: 404, S: 404},
    ),
]


@pytest.fixture
def unrouted(branch):
    return submit_referral(
        family=family(name="Fam. Nergens", postcode="9711 JK"),
        referrer=referrer(),
        parents_consent=True,
    )


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, client_for, referral, unrouted):
    client = client_for(role)
    for name, url, expected in MATRIX:
        address = url.format(referral=referral.pk, unrouted=unrouted.pk)
        assert_access(client, address, expected[role], role=f"{role} ({name})")


def test_every_admin_post_of_another_branch_is_a_404(client_for, referral):
    client = client_for("other_coordinator")
    for url in (f"/admin/referrals/edit/{referral.pk}/", f"/admin/referrals/delete/{referral.pk}/"):
        response = client.post(url, admin_form_data(referral, new_status="contacted"))
        assert response.status_code in {404, 302}
        if response.status_code == 302:  # Wagtail's "no permission" redirect, nothing done
            assert response["Location"] == "/admin/"
    referral.refresh_from_db()
    assert referral.status == S_.NEW


def test_inbox_lists_only_the_own_branch(client_for, referral, other_referral, unrouted):
    own = client_for("coordinator").get("/admin/referrals/").content.decode()
    assert referral.reference in own and FAMILY_NAME in own
    assert other_referral.reference not in own and "Fam. Jansen" not in own
    assert unrouted.reference not in own
    national = client_for("staff").get("/admin/referrals/").content.decode()
    assert unrouted.reference in national and "Fam. Nergens" in national
    for routed in (referral, other_referral):
        assert routed.reference not in national
    assert FAMILY_NAME not in national and "Fam. Jansen" not in national


def test_national_staff_who_coordinate_a_branch_see_its_families(
    client_for, staff, branch, referral, other_referral, unrouted
):
    make_coordinator(user=staff, branches=[branch])
    national = client_for("staff").get("/admin/referrals/").content.decode()
    assert referral.reference in national and unrouted.reference in national
    assert other_referral.reference not in national


def test_inbox_filters_by_status_and_finds_unrouted_ones(client_for, referral, unrouted):
    change_referral_status(referral=referral, to_status="contacted", by=None)
    client = client_for("coordinator")
    contacted = client.get("/admin/referrals/", {"status": "contacted"}).content.decode()
    assert referral.reference in contacted
    new = client.get("/admin/referrals/", {"status": "new"}).content.decode()
    assert f"/admin/referrals/edit/{referral.pk}/" not in new
    lost = client_for("staff").get("/admin/referrals/", {"unrouted": "true"}).content.decode()
    assert unrouted.reference in lost and referral.reference not in lost


def test_search_is_by_reference_never_by_family_data(client_for, referral):
    client = client_for("coordinator")
    edit_link = f"/admin/referrals/edit/{referral.pk}/"
    assert edit_link in client.get("/admin/referrals/", {"q": referral.reference}).content.decode()
    assert edit_link not in client.get("/admin/referrals/", {"q": "Haddouchi"}).content.decode()


def test_search_cannot_reach_another_branch(client_for, other_referral):
    found = client_for("coordinator").get("/admin/referrals/", {"q": other_referral.reference})
    assert f"/admin/referrals/edit/{other_referral.pk}/" not in found.content.decode()


@pytest.mark.parametrize("role", ["coordinator", "staff"])
def test_there_is_no_export_of_referrals(role, client_for, referral, unrouted):
    """One row per family is not a figure: the annual report (reports/) counts."""
    client = client_for(role)
    response = client.get("/admin/referrals/", {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "export=csv" not in client.get("/admin/referrals/").content.decode()


def admin_form_data(referral: Referral, **overrides) -> dict:
    data = {
        "referrer_category": referral.referrer_category,
        "municipality": referral.municipality,
        "children_count": str(referral.children_count),
        "family_language": referral.family_language,
        "support_questions": referral.support_questions,
        "risk_factors": [],
        "new_status": "",
        "reason": "",
        "status_note": "",
        "move_to_branch": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_coordinator_moves_a_referral_along_and_records_the_figures(
    client_for, referral, coordinator
):
    client = client_for("coordinator")
    url = f"/admin/referrals/edit/{referral.pk}/"
    page = client.get(url).content.decode()
    assert FAMILY_NAME in page and "06 98765432" in page  # the coordinator's own family
    response = client.post(
        url,
        admin_form_data(
            referral, new_status="contacted", status_note="Moeder gebeld.", risk_factors=["parent"]
        ),
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "contacted" and referral.risk_factors == ["parent"]
    change = referral.status_changes.first()
    assert change.changed_by == coordinator and change.note == "Moeder gebeld."


def test_not_suitable_without_a_reason_is_refused_in_dutch(client_for, referral):
    response = client_for("coordinator").post(
        f"/admin/referrals/edit/{referral.pk}/",
        admin_form_data(referral, new_status="not_suitable"),
    )
    assert response.status_code == 400
    assert "Kies waarom de aanmelding niet passend is." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == S_.NEW


def test_marking_support_started_mails_the_referrer(
    client_for, referral, mailoutbox, django_capture_on_commit_callbacks
):
    for step in ("contacted", "intake_done"):
        change_referral_status(referral=referral, to_status=step, by=None)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("coordinator").post(
            f"/admin/referrals/edit/{referral.pk}/",
            admin_form_data(referral, new_status="support_started"),
        )
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [[REFERRER_EMAIL]]
    assert FAMILY_NAME not in mailoutbox[0].body


def test_national_staff_route_an_unrouted_referral(
    client_for, unrouted, branch, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("staff").post(
            f"/admin/referrals/edit/{unrouted.pk}/",
            admin_form_data(unrouted, move_to_branch=branch.pk),
        )
    assert response.status_code == 302
    unrouted.refresh_from_db()
    assert unrouted.branch == branch
    assert [m.to for m in mailoutbox] == [[coordinator.email]]
    assert client_for("coordinator").get(f"/admin/referrals/edit/{unrouted.pk}/").status_code == 200


def test_erase_now_only_for_a_closed_referral(client_for, referral):
    client = client_for("coordinator")
    url = f"/admin/referrals/edit/{referral.pk}/"
    refused = client.post(url, admin_form_data(referral, erase_now="on"))
    assert refused.status_code == 400
    assert not Referral.objects.get(pk=referral.pk).is_erased
    done = client.post(
        url,
        admin_form_data(
            referral, new_status="not_suitable", reason="family_declined", erase_now="on"
        ),
    )
    assert done.status_code == 302
    referral.refresh_from_db()
    assert referral.is_erased and referral.family_name == "" and referral.status == "not_suitable"
    assert "De persoonsgegevens zijn op" in client.get(url).content.decode()


def test_admin_history_never_shows_family_names(client_for, referral):
    client = client_for("coordinator")
    client.post(
        f"/admin/referrals/edit/{referral.pk}/", admin_form_data(referral, new_status="contacted")
    )
    history = client.get(f"/admin/referrals/history/{referral.pk}/").content.decode()
    assert referral.reference in history
    assert FAMILY_NAME not in history


def test_inbox_query_count_does_not_grow_with_referrals(
    client_for, branch, django_assert_max_num_queries
):
    client = client_for("coordinator")
    counts = []
    for extra in (2, 20):
        for _ in range(extra):
            submit_referral(family=family(), referrer=referrer(), parents_consent=True)
        client.get("/admin/referrals/")
        with django_assert_max_num_queries(30) as queries:
            client.get("/admin/referrals/")
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


VALUES = st.one_of(
    st.text(max_size=80), st.lists(st.text(max_size=20), max_size=3), st.integers().map(str)
)
FIELDS = [*admin_form_data(Referral(referrer_category="other")), "erase_now"]


@given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(FIELDS, VALUES)))
def test_generated_admin_input_never_gives_a_500(client_for, referral, data):
    client = client_for("coordinator")
    before = Referral.objects.values().get(pk=referral.pk)
    changes = referral.status_changes.count()
    response = client.post(f"/admin/referrals/edit/{referral.pk}/", data)
    assert response.status_code in {302, 400}
    if response.status_code == 400:
        assert Referral.objects.values().get(pk=referral.pk) == before
        assert referral.status_changes.count() == changes
