"""Generated input on every form of `portal`: never a 500, never a half-written record."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.models import DeletionRequest, User, Volunteer

pytestmark = pytest.mark.django_db

text = st.text(max_size=300)
field_values = st.one_of(text, st.lists(text, max_size=4), st.integers().map(str))


def fields(*names):
    return st.fixed_dictionaries({}, optional=dict.fromkeys(names, field_values))


@given(
    data=fields(
        "first_name",
        "last_name",
        "phone",
        "street_address",
        "postcode",
        "city",
        "languages",
        "parenting_experience",
        "availability",
    )
)
def test_profile_form_never_500(client, volunteer, data):
    client.force_login(volunteer.user)
    before = Volunteer.objects.values().get(pk=volunteer.pk)
    response = client.post("/mijn/gegevens/", data)
    assert response.status_code in {302, 400}
    if response.status_code == 400:
        assert Volunteer.objects.values().get(pk=volunteer.pk) == before


@given(data=fields("note", "confirm"))
def test_deletion_form_never_500(client, volunteer, data):
    client.force_login(volunteer.user)
    DeletionRequest.objects.all().delete()
    response = client.post("/mijn/verwijderen/", data)
    assert response.status_code in {302, 400}
    assert DeletionRequest.objects.count() == (1 if response.status_code == 302 else 0)


@given(
    data=fields("first_name", "last_name", "email", "postcode", "branch", "password1", "password2")
)
def test_signup_form_never_500(client, branch, data):
    users_before = User.objects.count()
    response = client.post("/accounts/signup/", data)
    assert response.status_code in {302, 400, 429}
    if response.status_code != 302:
        assert User.objects.count() == users_before
        assert Volunteer.objects.count() == 0


@given(
    data=fields(
        "branch",
        "phone",
        "postcode",
        "new_status",
        "status_note",
        "vog_requested_on",
        "vog_received_on",
        "languages",
        "availability",
    )
)
def test_admin_volunteer_form_never_500(client_for, volunteer, data):
    client = client_for("coordinator")
    before = Volunteer.objects.values().get(pk=volunteer.pk)
    changes_before = volunteer.status_changes.count()
    response = client.post(f"/admin/portal_volunteer/edit/{volunteer.pk}/", data)
    assert response.status_code in {302, 400}
    if response.status_code == 400:
        assert Volunteer.objects.values().get(pk=volunteer.pk) == before
        assert volunteer.status_changes.count() == changes_before
