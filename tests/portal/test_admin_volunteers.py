import datetime
import io

import openpyxl
import pytest

from portal.models import VolunteerStatus
from tests.portal.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

INDEX = "/admin/portal_volunteer/"


def edit_url(volunteer):
    return f"/admin/portal_volunteer/edit/{volunteer.pk}/"


def form_data(volunteer, **changes):
    data = {
        "branch": volunteer.branch_id,
        "phone": volunteer.phone,
        "street_address": "",
        "postcode": volunteer.postcode,
        "city": "",
        "parenting_experience": "",
        "new_status": "",
        "status_note": "",
        "vog_requested_on": "",
        "vog_received_on": "",
    }
    data.update(changes)
    return data


def test_list_shows_only_the_coordinators_branch(client_for, volunteer, other_volunteer):
    content = client_for("coordinator").get(INDEX).content.decode()
    assert volunteer.full_name in content
    assert other_volunteer.full_name not in content


def test_list_names_link_to_the_volunteers_record(client_for, volunteer):
    content = client_for("coordinator").get(INDEX).content.decode()
    assert f'href="{edit_url(volunteer)}"' in content


def test_national_staff_see_every_branch(client_for, volunteer, other_volunteer):
    content = client_for("staff").get(INDEX).content.decode()
    assert volunteer.full_name in content and other_volunteer.full_name in content


def test_search_never_finds_another_branchs_volunteer(client_for, volunteer, other_volunteer):
    client = client_for("coordinator")
    response = client.get(INDEX + "results/", {"q": other_volunteer.user.last_name})
    assert other_volunteer.full_name not in response.content.decode()
    response = client.get(INDEX + "results/", {"q": volunteer.user.last_name})
    assert volunteer.full_name in response.content.decode()


def test_filter_by_status_and_the_branch_filter_offers_only_own_branches(
    client_for, branch, other_branch, volunteer
):
    active = VolunteerFactory(branch=branch, status=VolunteerStatus.ACTIVE)
    client = client_for("coordinator")
    content = client.get(INDEX, {"status": "active"}).content.decode()
    assert active.full_name in content and volunteer.full_name not in content
    page = client.get(INDEX).content.decode()
    assert branch.name in page and other_branch.name not in page


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_export_holds_only_own_branch(client_for, volunteer, other_volunteer, export_format):
    response = client_for("coordinator").get(INDEX, {"export": export_format})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if export_format == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(body)).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        text = repr(rows)
        assert rows[0][0] == "Naam"
    else:
        text = body.decode()
    assert volunteer.full_name in text
    assert other_volunteer.full_name not in text


def test_list_query_count_does_not_grow_with_volunteers(
    client_for, branch, django_assert_max_num_queries
):
    client = client_for("coordinator")
    VolunteerFactory.create_batch(3, branch=branch)
    client.get(INDEX)
    with django_assert_max_num_queries(30) as few:
        client.get(INDEX)
    VolunteerFactory.create_batch(15, branch=branch)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(INDEX)


def test_status_change_through_the_admin_goes_through_the_rule(client_for, volunteer, coordinator):
    client = client_for("coordinator")
    response = client.post(
        edit_url(volunteer), form_data(volunteer, new_status="intake", status_note="Gebeld")
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.status == "intake"
    change = volunteer.status_changes.first()
    assert (change.changed_by, change.note) == (coordinator, "Gebeld")


def test_activation_refused_in_the_admin_with_the_rule_message(client_for, branch):
    volunteer = VolunteerFactory(branch=branch, status=VolunteerStatus.IN_TRAINING)
    response = client_for("coordinator").post(
        edit_url(volunteer), form_data(volunteer, new_status="active")
    )
    assert response.status_code == 400
    assert "pas actief worden als de VOG is ontvangen" in response.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.IN_TRAINING
    assert volunteer.status_changes.count() == 1


def test_activation_in_the_admin_with_vog_date_in_the_same_save(client_for, branch):
    volunteer = VolunteerFactory(
        branch=branch,
        status=VolunteerStatus.IN_TRAINING,
        introduction_course_completed_on=datetime.date(2026, 10, 1),
    )
    response = client_for("coordinator").post(
        edit_url(volunteer),
        form_data(volunteer, new_status="active", vog_received_on="2026-09-01"),
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.ACTIVE
    assert volunteer.vog_received_on == datetime.date(2026, 9, 1)


def test_a_coordinator_cannot_move_a_volunteer_to_another_branch_they_do_not_run(
    client_for, volunteer, other_branch
):
    response = client_for("coordinator").post(
        edit_url(volunteer), form_data(volunteer, branch=other_branch.pk)
    )
    assert response.status_code == 400
    volunteer.refresh_from_db()
    assert volunteer.branch_id != other_branch.pk


def test_edit_page_shows_history_and_activation_blockers(client_for, volunteer):
    content = client_for("coordinator").get(edit_url(volunteer)).content.decode()
    assert "Statusgeschiedenis" in content
    assert "VOG is ontvangen" in content


def test_deleting_a_volunteer_erases_the_account(client_for, volunteer):
    from portal.models import User

    response = client_for("coordinator").post(f"/admin/portal_volunteer/delete/{volunteer.pk}/")
    assert response.status_code == 302
    assert not User.objects.filter(pk=volunteer.user_id).exists()
