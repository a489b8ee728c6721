"""Every new URL of intervision and the agenda against the five roles.

`volunteer` is a member of the group of `branch`; `coordinator` coordinates `branch`;
`other_coordinator` coordinates `other_branch` and must get a 404 for every object of
`branch`, exactly as for an id that does not exist.
"""

from __future__ import annotations

import datetime

import pytest

from intervision.models import ThemeMeeting
from intervision.services import rsvp_token
from portal.agenda.services import feed_token_for
from tests.intervision.conftest import NOW
from tests.matrix import DENIED, LOGIN, ROLES, assert_access

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

A, V, C, O, S = ROLES  # noqa: E741

MATRIX = [
    # portal side
    ("session", "/intervisie/sessie/{session}/", {A: LOGIN, V: 200, C: 200, O: 404, S: 200}),
    ("session_missing", "/intervisie/sessie/999999/", {A: LOGIN, V: 404, C: 404, O: 404, S: 404}),
    ("group", "/intervisie/groep/{group}/", {A: LOGIN, V: 200, C: 200, O: 404, S: 200}),
    (
        "answer_get",
        "/intervisie/sessie/{session}/antwoord/",
        {A: LOGIN, V: 405, C: 405, O: 405, S: 405},
    ),
    (
        "note_get",
        "/intervisie/sessie/{session}/verslag/",
        {A: LOGIN, V: 405, C: 405, O: 405, S: 405},
    ),
    ("rsvp_link", "/intervisie/antwoord/{token}/", {A: 200, V: 200, C: 200, O: 200, S: 200}),
    ("rsvp_link_bad", "/intervisie/antwoord/xyz/", {A: 400, V: 400, C: 400, O: 400, S: 400}),
    (
        "theme_meetings",
        "/intervisie/themabijeenkomsten/",
        {A: LOGIN, V: 200, C: 403, O: 403, S: 403},
    ),
    (
        "theme_meeting",
        "/intervisie/themabijeenkomsten/{meeting}/",
        {A: LOGIN, V: 200, C: 403, O: 403, S: 403},
    ),
    (
        "theme_meeting_closed",
        "/intervisie/themabijeenkomsten/{closed}/",
        {A: LOGIN, V: 404, C: 403, O: 403, S: 403},
    ),
    ("mijn_agenda", "/mijn/agenda/", {A: LOGIN, V: 200, C: 200, O: 200, S: 200}),
    (
        "agenda_regenerate_get",  # asks first; only the POST makes a new address
        "/mijn/agenda/nieuw-adres/",
        {A: LOGIN, V: 200, C: 200, O: 200, S: 200},
    ),
    ("feed", "/agenda/{feed}/mijn.ics", {A: 200, V: 200, C: 200, O: 200, S: 200}),
    ("feed_wrong", "/agenda/wrong/mijn.ics", {A: 404, V: 404, C: 404, O: 404, S: 404}),
    (
        "branch_feed",
        "/agenda/{coordinator_feed}/afdelingen.ics",
        {A: 200, V: 200, C: 200, O: 200, S: 200},
    ),
    # admin
    ("groups", "/admin/intervision_group/", {A: LOGIN, V: 403, C: 200, O: 200, S: 200}),
    (
        "groups_results",
        "/admin/intervision_group/results/",
        {A: LOGIN, V: 403, C: 200, O: 200, S: 200},
    ),
    (
        "groups_csv",
        "/admin/intervision_group/?export=csv",
        {A: LOGIN, V: 403, C: 200, O: 200, S: 200},
    ),
    ("group_add", "/admin/intervision_group/new/", {A: LOGIN, V: 403, C: 200, O: 200, S: 200}),
    (
        "group_edit",
        "/admin/intervision_group/edit/{group}/",
        {A: LOGIN, V: 403, C: 200, O: 404, S: 200},
    ),
    (
        "group_delete",
        "/admin/intervision_group/delete/{group}/",
        {A: LOGIN, V: 403, C: 200, O: 404, S: 200},
    ),
    (
        "group_history",
        "/admin/intervision_group/history/{group}/",
        {A: LOGIN, V: 403, C: 200, O: 404, S: 200},
    ),
    (
        "group_usage",
        "/admin/intervision_group/usage/{group}/",
        {A: LOGIN, V: 403, C: 200, O: 404, S: 200},
    ),
    (
        "group_missing",
        "/admin/intervision_group/edit/999999/",
        {A: LOGIN, V: 403, C: 404, O: 404, S: 404},
    ),
    ("sessions", "/admin/intervision_session/", {A: LOGIN, V: 403, C: 200, O: 200, S: 200}),
    (
        "sessions_xlsx",
        "/admin/intervision_session/?export=xlsx",
        {A: LOGIN, V: 403, C: 200, O: 200, S: 200},
    ),
    (
        "session_add",
        "/admin/intervision_session/new/",
        {A: LOGIN, V: 403, C: DENIED, O: DENIED, S: DENIED},
    ),
    (
        "session_edit",
        "/admin/intervision_session/edit/{session}/",
        {A: LOGIN, V: 403, C: 200, O: 404, S: 200},
    ),
    (
        "session_delete",
        "/admin/intervision_session/delete/{session}/",
        {A: LOGIN, V: 403, C: DENIED, O: 404, S: DENIED},
    ),
    (
        "session_attendance",
        "/admin/intervision_session/attendance/{session}/",
        {A: LOGIN, V: 403, C: 200, O: 404, S: 200},
    ),
    ("meetings", "/admin/theme_meeting/", {A: LOGIN, V: 403, C: 200, O: 200, S: 200}),
    ("meeting_add", "/admin/theme_meeting/new/", {A: LOGIN, V: 403, C: 200, O: 200, S: 200}),
    (
        "meeting_edit",
        "/admin/theme_meeting/edit/{local}/",
        {A: LOGIN, V: 403, C: 200, O: 404, S: 200},
    ),
    (
        "meeting_national",
        "/admin/theme_meeting/edit/{meeting}/",
        {A: LOGIN, V: 403, C: 404, O: 404, S: 200},
    ),
    (
        "meeting_delete",
        "/admin/theme_meeting/delete/{local}/",
        {A: LOGIN, V: 403, C: DENIED, O: 404, S: DENIED},
    ),
]


def _meeting(**kwargs) -> ThemeMeeting:
    start = NOW + datetime.timedelta(days=30)
    return ThemeMeeting.objects.create(
        starts_at=start, ends_at=start + datetime.timedelta(hours=2), **kwargs
    )


@pytest.fixture
def ids(group, session, volunteer, branch, other_branch, coordinator):
    meeting = _meeting(title="Landelijk", open_to_all_branches=True)
    closed = _meeting(title="Zwolle", branch=other_branch)
    closed.open_to_branches.set([other_branch])
    local = _meeting(title="Utrecht", branch=branch)
    local.open_to_branches.set([branch])
    return {
        "group": group.pk,
        "session": session.pk,
        "token": rsvp_token(session_id=session.pk, volunteer_id=volunteer.pk),
        "meeting": meeting.pk,
        "closed": closed.pk,
        "local": local.pk,
        "feed": feed_token_for(user=volunteer.user).token,
        "coordinator_feed": feed_token_for(user=coordinator).token,
    }


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, client_for, ids):
    client = client_for(role)
    for name, url, expected in MATRIX:
        assert_access(client, url.format(**ids), expected[role], role=f"{role} ({name})")


@pytest.mark.parametrize("role", ["anonymous", "other_coordinator"])
def test_posts_of_outsiders_change_nothing(role, client_for, ids, session):
    client = client_for(role)
    for url in (
        f"/intervisie/sessie/{session.pk}/antwoord/",
        f"/intervisie/sessie/{session.pk}/verslag/",
        f"/admin/intervision_session/edit/{session.pk}/",
        f"/admin/intervision_session/attendance/{session.pk}/",
        f"/admin/intervision_group/delete/{session.group_id}/",
    ):
        response = client.post(url, {"answer": "yes", "text": "x", "cancel": "on", "present": []})
        assert response.status_code in (302, 404), (url, response.status_code)
    session.refresh_from_db()
    assert (
        session.status == "scheduled" and not session.rsvps.exists() and not session.notes.exists()
    )
