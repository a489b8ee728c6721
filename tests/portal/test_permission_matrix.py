"""Every URL of `portal` and its admin screens against the five roles.

`volunteer` and `coordinator` belong to `branch`; `other_coordinator` to `other_branch`.
The record under test is the volunteer of `branch`, so the other branch's coordinator
must get a 404 for it, exactly as for an id that does not exist.
"""

import pytest

from tests.matrix import DENIED, LOGIN, ROLES, assert_access

pytestmark = pytest.mark.django_db

A, V, C, O, S = ROLES  # noqa: E741  (short columns keep the matrix readable)

MATRIX = [
    # (name, url (formatted with volunteer and branch ids), {role: expected})
    ("home", "/", {A: 200, V: 200, C: 200, O: 200, S: 200}),
    ("home_en", "/en/", {A: 200, V: 200, C: 200, O: 200, S: 200}),
    ("login", "/accounts/login/", {A: 200, V: 302, C: 302, O: 302, S: 302}),
    ("signup", "/accounts/signup/", {A: 200, V: 302, C: 302, O: 302, S: 302}),
    ("password_reset", "/accounts/password/reset/", {A: 200, V: 200, C: 200, O: 200, S: 200}),
    ("mfa", "/accounts/2fa/", {A: LOGIN, V: 200, C: 200, O: 200, S: 200}),
    ("mijn", "/mijn/", {A: LOGIN, V: 200, C: 200, O: 200, S: 200}),
    ("edit_details", "/mijn/gegevens/", {A: LOGIN, V: 200, C: 403, O: 403, S: 403}),
    ("download_data", "/mijn/gegevens/download/", {A: LOGIN, V: 200, C: 403, O: 403, S: 403}),
    ("ask_deletion", "/mijn/verwijderen/", {A: LOGIN, V: 200, C: 403, O: 403, S: 403}),
    ("admin_login", "/admin/login/", {A: 302, V: 403, C: 302, O: 302, S: 302}),
    ("admin_home", "/admin/", {A: LOGIN, V: 403, C: 200, O: 200, S: 200}),
    ("volunteers", "/admin/portal_volunteer/", {A: LOGIN, V: 403, C: 200, O: 200, S: 200}),
    (
        "volunteers_results",
        "/admin/portal_volunteer/results/",
        {A: LOGIN, V: 403, C: 200, O: 200, S: 200},
    ),
    (
        "volunteers_xlsx",
        "/admin/portal_volunteer/?export=xlsx",
        {A: LOGIN, V: 403, C: 200, O: 200, S: 200},
    ),
    (
        "volunteer_edit",
        "/admin/portal_volunteer/edit/{volunteer}/",
        {A: LOGIN, V: 403, C: 200, O: 404, S: 200},
    ),
    (
        "volunteer_edit_missing",
        "/admin/portal_volunteer/edit/999999/",
        {A: LOGIN, V: 403, C: 404, O: 404, S: 404},
    ),
    (
        "volunteer_delete",
        "/admin/portal_volunteer/delete/{volunteer}/",
        {A: LOGIN, V: 403, C: 200, O: 404, S: 200},
    ),
    (
        "volunteer_history",
        "/admin/portal_volunteer/history/{volunteer}/",
        {A: LOGIN, V: 403, C: 200, O: 404, S: 200},
    ),
    (
        "volunteer_usage",
        "/admin/portal_volunteer/usage/{volunteer}/",
        {A: LOGIN, V: 403, C: 200, O: 404, S: 200},
    ),
    ("volunteer_add", "/admin/portal_volunteer/add/", {A: LOGIN, V: 403, C: 404, O: 404, S: 404}),
    (
        "branches",
        "/admin/snippets/portal/branch/",
        {A: LOGIN, V: 403, C: DENIED, O: DENIED, S: 200},
    ),
    (
        "branch_edit",
        "/admin/snippets/portal/branch/edit/{branch}/",
        {A: LOGIN, V: 403, C: DENIED, O: 404, S: 200},
    ),
    (
        "branch_add",
        "/admin/snippets/portal/branch/add/",
        {A: LOGIN, V: 403, C: DENIED, O: DENIED, S: 200},
    ),
    ("users", "/admin/users/", {A: LOGIN, V: 403, C: DENIED, O: DENIED, S: 200}),
    ("groups", "/admin/groups/", {A: LOGIN, V: 403, C: DENIED, O: DENIED, S: DENIED}),
    ("site_history", "/admin/reports/site-history/", {A: LOGIN, V: 403, C: 403, O: 403, S: 200}),
]


@pytest.mark.parametrize(("name", "url", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(name, url, expected, role, client_for, volunteer, branch):
    url = url.format(volunteer=volunteer.pk, branch=branch.pk)
    assert_access(client_for(role), url, expected[role], role=role)


def test_every_admin_post_of_another_branch_is_a_404(client_for, volunteer):
    client = client_for("other_coordinator")
    for url in (
        f"/admin/portal_volunteer/edit/{volunteer.pk}/",
        f"/admin/portal_volunteer/delete/{volunteer.pk}/",
    ):
        assert client.post(url, {"new_status": "stopped", "status_note": "x"}).status_code == 404
    volunteer.refresh_from_db()
    assert volunteer.status == "applied"
