"""National staff cannot hand out roles through Wagtail's generic screens: no superuser,
staff or group fields in the user forms, and nobody adds themselves to a branch's
coordinators."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from wagtail.models import ModelLogEntry

from portal.models import Branch, User
from portal.services.roles import make_coordinator
from tests.portal.factories import UserFactory, make_admin_user

pytestmark = pytest.mark.django_db


def test_user_forms_offer_no_role_fields_to_national_staff(client_for, coordinator):
    client = client_for("staff")
    for url in ("/admin/users/new/", f"/admin/users/edit/{coordinator.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert 'name="email"' in page, url
        for field in ("is_superuser", "is_staff", "groups"):
            assert f'name="{field}"' not in page, (url, field)


def test_a_posted_superuser_flag_or_group_is_ignored(client_for, staff):
    coordinators = Group.objects.get(name="Coördinatoren")
    client_for("staff").post(
        f"/admin/users/edit/{staff.pk}/",
        {
            "email": staff.email,
            "first_name": "Stef",
            "last_name": "Staf",
            "is_superuser": "on",
            "is_staff": "on",
            "groups": [coordinators.pk],
            "is_active": "on",
        },
    )
    staff.refresh_from_db()
    assert not (staff.is_superuser or staff.is_staff)
    assert not staff.groups.filter(pk=coordinators.pk).exists()
    client_for("staff").post(
        "/admin/users/new/",
        {
            "email": "nieuw@example.org",
            "first_name": "Nieuw",
            "last_name": "Account",
            "password1": "een-lang-wachtwoord-42",
            "password2": "een-lang-wachtwoord-42",
            "is_superuser": "on",
            "is_staff": "on",
            "groups": [coordinators.pk],
        },
    )
    created = User.objects.get(email="nieuw@example.org")
    assert not (created.is_superuser or created.is_staff or created.groups.exists())


def test_superusers_still_see_the_role_fields(client, db):
    root = make_admin_user("national_staff", email="root@example.org")
    root.is_superuser = True
    root.save()
    client.force_login(root)
    assert 'name="is_superuser"' in client.get("/admin/users/new/").content.decode()


def _branch_form(branch: Branch, coordinators) -> dict:
    return {
        "name": branch.name,
        "slug": branch.slug,
        "municipalities": "",
        "email": "",
        "phone": "",
        "address": "",
        "coordinators": [user.pk for user in coordinators],
        "postcode_ranges-TOTAL_FORMS": "0",
        "postcode_ranges-INITIAL_FORMS": "0",
        "postcode_ranges-MIN_NUM_FORMS": "0",
        "postcode_ranges-MAX_NUM_FORMS": "1000",
    }


def test_national_staff_cannot_make_themselves_coordinator(client_for, branch, staff, coordinator):
    response = client_for("staff").post(
        f"/admin/snippets/portal/branch/edit/{branch.pk}/",
        _branch_form(branch, [coordinator, staff]),
    )
    assert response.status_code == 400
    assert "jezelf niet als coördinator" in response.content.decode()
    assert not branch.coordinators.filter(pk=staff.pk).exists()


def test_national_staff_add_a_colleague_who_gets_the_role_and_the_branch_group(
    client_for, branch, coordinator, staff
):
    colleague = UserFactory()
    response = client_for("staff").post(
        f"/admin/snippets/portal/branch/edit/{branch.pk}/",
        _branch_form(branch, [coordinator, colleague]),
    )
    assert response.status_code == 302
    names = set(colleague.groups.values_list("name", flat=True))
    assert {"Coördinatoren", "Coördinatoren Utrecht"} <= names
    [entry] = ModelLogEntry.objects.filter(action="portal.coordinator_added", user=staff)
    assert entry.object_id == str(branch.pk)
    assert entry.user == staff
    assert entry.data["user_id"] == colleague.pk
    history = client_for("staff").get(f"/admin/snippets/portal/branch/history/{branch.pk}/")
    assert f"{colleague.get_full_name()} is coördinator geworden" in history.content.decode()


def test_removing_a_coordinator_is_logged_too(client_for, branch, coordinator, staff):
    colleague = make_coordinator(user=UserFactory(), branches=[branch])
    client_for("staff").post(
        f"/admin/snippets/portal/branch/edit/{branch.pk}/", _branch_form(branch, [coordinator])
    )
    [entry] = ModelLogEntry.objects.filter(action="portal.coordinator_removed")
    assert (entry.data["user_id"], entry.user) == (colleague.pk, staff)
    assert not colleague.groups.filter(name="Coördinatoren Utrecht").exists()
