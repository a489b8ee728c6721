"""Municipalities with their CBS codes: the seeded list, national staff keep it, the
branch's working area and a referral's municipality come from it."""

from __future__ import annotations

import pytest

from portal.models import Municipality
from support.referrals.services import municipality_of
from tests.matrix import DENIED, LOGIN, ROLES, assert_access

pytestmark = pytest.mark.django_db

A, V, C, O, S = ROLES  # noqa: E741
STAFF_ONLY = {A: LOGIN, V: 403, C: DENIED, O: DENIED, S: 200}
MATRIX = [
    ("list", "/admin/snippets/portal/municipality/", STAFF_ONLY),
    ("add", "/admin/snippets/portal/municipality/add/", STAFF_ONLY),
    ("edit", "/admin/snippets/portal/municipality/edit/{utrecht}/", STAFF_ONLY),
]


@pytest.mark.parametrize(("name", "url", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(name, url, expected, role, client_for):
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    assert_access(client_for(role), url.format(utrecht=utrecht.pk), expected[role], role=role)


def test_the_seeded_list_has_official_codes():
    assert Municipality.objects.get(name="Utrecht").cbs_code == "GM0344"
    assert Municipality.objects.get(name="Zwolle").cbs_code == "GM0193"


def test_a_bad_cbs_code_is_refused_in_dutch(client_for):
    response = client_for("staff").post(
        "/admin/snippets/portal/municipality/add/", {"name": "Nergenshuizen", "cbs_code": "12"}
    )
    assert response.status_code == 400
    assert "GM en vier cijfers" in response.content.decode()
    assert not Municipality.objects.filter(name="Nergenshuizen").exists()


def test_a_referral_gets_the_typed_municipality_or_the_only_one_of_the_area(branch):
    utrecht = Municipality.objects.get(name="Utrecht")
    houten = Municipality.objects.get(name="Houten")
    assert municipality_of("utrecht ", branch) == utrecht
    assert municipality_of("Lunetten", branch) is None
    branch.working_area.set([houten])
    branch.save()
    assert municipality_of("Lunetten", branch) == houten
    branch.working_area.set([houten, utrecht])
    branch.save()
    assert municipality_of("Lunetten", branch) is None
    assert municipality_of("", None) is None
