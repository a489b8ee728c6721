"""Matches in the admin: scoped to the coordinator's branches; every step of the route
through the services; safety concerns for the branch's coordinators only, every view
logged."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django.utils.html import escape

from support import services
from support.models import CheckIn, ConcernAccess, Match, MatchStatus
from support.referrals.models import ReferralStatus
from tests.matrix import DENIED, LOGIN, ROLES, assert_access
from tests.support.conftest import FAMILY_ADDRESS, FAMILY_FIRST_NAME, active_volunteer_of

pytestmark = pytest.mark.django_db

A, V, C, O, S = ROLES  # noqa: E741
TODAY = timezone.localdate

# Matches are family data: the branch's coordinators only. National staff have no
# right to them at all (DESIGN.md's tiers); they count them in the annual report.
MATRIX = [
    ("index", "/admin/support_match/", {A: LOGIN, V: 403, C: 200, O: 200, S: DENIED}),
    ("results", "/admin/support_match/results/", {A: LOGIN, V: 403, C: 200, O: 200, S: DENIED}),
    ("export", "/admin/support_match/?export=csv", {A: LOGIN, V: 403, C: 200, O: 200, S: DENIED}),
    ("edit", "/admin/support_match/edit/{match}/", {A: LOGIN, V: 403, C: 200, O: 404, S: DENIED}),
    (
        "edit_missing",
        "/admin/support_match/edit/999999/",
        {A: LOGIN, V: 403, C: 404, O: 404, S: DENIED},
    ),
    (
        "history",
        "/admin/support_match/history/{match}/",
        {A: LOGIN, V: 403, C: 200, O: 404, S: 404},
    ),
    ("add", "/admin/support_match/add/", {A: LOGIN, V: 403, C: 404, O: 404, S: 404}),
    (
        "delete",
        "/admin/support_match/delete/{match}/",
        {A: LOGIN, V: 403, C: DENIED, O: 404, S: 404},
    ),
    ("waiting", "/admin/koppelingen/gezinnen/", {A: LOGIN, V: 403, C: 200, O: 200, S: 404}),
    ("find", "/admin/koppelingen/zoeken/{referral}/", {A: LOGIN, V: 403, C: 200, O: 404, S: 404}),
    (
        "find_missing",
        "/admin/koppelingen/zoeken/999999/",
        {A: LOGIN, V: 403, C: 404, O: 404, S: 404},
    ),
    # Safety concerns: the branch's coordinators only, not national staff.
    ("concern", "/admin/zorgmeldingen/{concern}/", {A: LOGIN, V: 403, C: 200, O: 404, S: 404}),
    ("concern_missing", "/admin/zorgmeldingen/999999/", {A: LOGIN, V: 403, C: 404, O: 404, S: 404}),
]


def _body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.fixture
def concern(running_match):
    return services.raise_concern(match=running_match, by=running_match.volunteer.user)


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, client_for, running_match, family_referral, concern):
    client = client_for(role)
    for name, url, expected in MATRIX:
        address = url.format(
            match=running_match.pk, referral=family_referral.pk, concern=concern.pk
        )
        assert_access(client, address, expected[role], role=f"{role} ({name})")
    # Only the branch's coordinator's view was logged (and no one else's).
    viewers = set(ConcernAccess.objects.values_list("user__email", flat=True))
    assert viewers <= {"coord@example.org"}


def test_other_branch_coordinator_sees_no_match_in_list_or_export(
    client_for, running_match, other_branch
):
    client = client_for("other_coordinator")
    for url in ("/admin/support_match/", "/admin/support_match/?export=csv"):
        assert running_match.reference not in _body(client.get(url))
    own = _body(client_for("coordinator").get("/admin/support_match/?export=csv"))
    assert running_match.reference in own
    assert FAMILY_FIRST_NAME not in own and FAMILY_ADDRESS not in own


def test_every_admin_post_of_another_branch_is_a_404(client_for, running_match, family_referral):
    client = client_for("other_coordinator")
    volunteer = running_match.volunteer
    assert (
        client.post(
            f"/admin/koppelingen/zoeken/{family_referral.pk}/", {"volunteer": volunteer.pk}
        ).status_code
        == 404
    )
    assert client.post(f"/admin/support_match/edit/{running_match.pk}/", {}).status_code == 404


def test_national_staff_never_see_a_concern_on_the_match(client_for, running_match, concern):
    body = client_for("staff").get(f"/admin/support_match/edit/{running_match.pk}/").content
    assert b"/admin/zorgmeldingen/" not in body
    body = client_for("coordinator").get(f"/admin/support_match/edit/{running_match.pk}/").content
    assert f"/admin/zorgmeldingen/{concern.pk}/".encode() in body
    assert b"Open zorgmelding" in body


# --- The route, through the admin -----------------------------------------------------


def _edit(client, match, **data):
    base = {
        "programme": match.programme,
        "family_first_name": match.family_first_name,
        "family_address": match.family_address,
    }
    return client.post(f"/admin/support_match/edit/{match.pk}/", {**base, **data})


def test_coordinator_finds_proposes_introduces_starts_checks_in_and_ends(
    client_for,
    family_referral,
    active_volunteer,
    branch,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client = client_for("coordinator")
    page = client.get(f"/admin/koppelingen/zoeken/{family_referral.pk}/?dagdeel=tue_morning")
    assert page.status_code == 200 and escape(active_volunteer.full_name) in page.content.decode()
    response = client.post(
        f"/admin/koppelingen/zoeken/{family_referral.pk}/",
        {"volunteer": active_volunteer.pk, "programme": "home_start_plus"},
    )
    match = Match.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/edit/{match.pk}/")
    assert (match.programme, match.status) == ("home_start_plus", MatchStatus.PROPOSED)

    # A second proposal for the same family is refused with a clear message.
    refused = client.post(
        f"/admin/koppelingen/zoeken/{family_referral.pk}/",
        {"volunteer": active_volunteer_of(branch).pk, "programme": "home_start"},
    )
    assert refused.status_code == 409
    assert "Deze aanmelding heeft al een lopende koppeling." in refused.content.decode()
    assert Match.objects.count() == 1

    today = TODAY()
    # Starting before the introduction: refused on the form, nothing written.
    response = _edit(client, match, start_on=today.isoformat())
    assert response.status_code == 400
    assert "Dat kan niet bij een koppeling met status" in response.content.decode()
    match.refresh_from_db()
    assert match.status == MatchStatus.PROPOSED
    response = _edit(
        client, match, family_address="Kanaalweg 17", introduced_on_input=today.isoformat()
    )
    # A saved step returns to the match itself, with the message on it.
    assert response.status_code == 302
    assert response["Location"] == f"/admin/support_match/edit/{match.pk}/"
    match.refresh_from_db()
    assert (match.status, match.family_address) == (MatchStatus.INTRODUCED, "Kanaalweg 17")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _edit(client, match, start_on=today.isoformat())
    match.refresh_from_db()
    family_referral.refresh_from_db()
    assert match.status == MatchStatus.ACTIVE
    assert family_referral.status == ReferralStatus.SUPPORT_STARTED
    assert len(mailoutbox) == 1  # the referrer hears support started

    _edit(client, match, check_in_done_on=today.isoformat())
    assert CheckIn.objects.filter(match=match, done_on=today).exists()
    assert CheckIn.objects.filter(match=match, done_on__isnull=True).count() == 1

    # Ending without the evaluation is refused.
    response = _edit(client, match, end_on=today.isoformat(), end_reason_input="goals_reached")
    match.refresh_from_db()
    assert match.status == MatchStatus.ACTIVE
    with django_capture_on_commit_callbacks(execute=True):
        _edit(
            client,
            match,
            end_on=today.isoformat(),
            end_reason_input="goals_reached",
            closing_talk_on_input=today.isoformat(),
            network_grew_input="yes",
            outcome_listening_ear="reached",
            outcome_parenting="partly",
        )
    match.refresh_from_db()
    family_referral.refresh_from_db()
    assert match.status == MatchStatus.ENDED and match.network_grew is True
    assert family_referral.status == ReferralStatus.SUPPORT_ENDED
    assert dict(match.outcomes.values_list("question", "outcome")) == {
        "listening_ear": "reached",
        "parenting": "partly",
    }


def test_concern_steps_and_close_are_logged(client_for, running_match, concern):
    client = client_for("coordinator")
    response = client.post(
        f"/admin/zorgmeldingen/{concern.pk}/",
        {"step": "consult", "done_on": TODAY().isoformat(), "note": "Veilig Thuis gebeld"},
    )
    assert response.status_code == 302
    assert client.post(f"/admin/zorgmeldingen/{concern.pk}/", {"step": "x"}).status_code == 400
    client.post(f"/admin/zorgmeldingen/{concern.pk}/", {"action": "close"})
    concern.refresh_from_db()
    assert concern.closed_at is not None
    assert concern.steps.get().step == "consult"
    actions = list(ConcernAccess.objects.order_by("at", "id").values_list("action", flat=True))
    assert actions.count("view") == 3 and "step" in actions and "close" in actions


def test_concern_step_in_the_future_is_refused(client_for, concern):
    future = (TODAY() + datetime.timedelta(days=3)).isoformat()
    response = client_for("coordinator").post(
        f"/admin/zorgmeldingen/{concern.pk}/", {"step": "map", "done_on": future}
    )
    assert response.status_code == 409
    assert not concern.steps.exists()
