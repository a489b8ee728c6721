import datetime
import io

import openpyxl
import pytest
from django.utils.html import escape

from portal.models import VolunteerStatus
from tests.portal.factories import VolunteerFactory
from tests.screening.helpers import tick

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
    assert escape(volunteer.full_name) in content
    assert escape(other_volunteer.full_name) not in content


def test_list_names_link_to_the_volunteers_record(client_for, volunteer):
    content = client_for("coordinator").get(INDEX).content.decode()
    assert f'href="{edit_url(volunteer)}"' in content


def test_national_staff_see_every_branch(client_for, volunteer, other_volunteer):
    content = client_for("staff").get(INDEX).content.decode()
    assert escape(volunteer.full_name) in content and escape(other_volunteer.full_name) in content


def test_search_finds_names_addresses_postcodes_and_towns_in_any_case(client_for):
    people = [
        VolunteerFactory(
            user__first_name="Wilhelmina",
            user__last_name="Achterberg",
            user__email="w.achterberg@example.org",
            postcode="3511 AB",
            city="Utrecht",
        ),
        VolunteerFactory(
            user__first_name="Ahmed",
            user__last_name="Bakkal",
            user__email="ahmed@voorbeeld.nl",
            postcode="9711 ZZ",
            city="Groningen",
        ),
    ]
    client = client_for("staff")

    def found(term):
        content = client.get(INDEX + "results/", {"q": term}).content.decode()
        return [person for person in people if escape(person.full_name) in content]

    assert found("helmi") == [people[0]]  # first name
    assert found("BAKK") == [people[1]]  # last name
    assert found("voorbeeld.nl") == [people[1]]  # e-mail address
    assert found("9711") == [people[1]]  # postcode
    assert found("trecht") == [people[0]]  # town
    assert found("a") == people
    assert found("nergens") == []


def test_search_never_finds_another_branchs_volunteer(client_for, volunteer, other_volunteer):
    client = client_for("coordinator")
    response = client.get(INDEX + "results/", {"q": other_volunteer.user.last_name})
    assert escape(other_volunteer.full_name) not in response.content.decode()
    response = client.get(INDEX + "results/", {"q": volunteer.user.last_name})
    assert escape(volunteer.full_name) in response.content.decode()


def test_filter_by_status_and_the_branch_filter_offers_only_own_branches(
    client_for, branch, other_branch, volunteer
):
    active = VolunteerFactory(branch=branch, status=VolunteerStatus.ACTIVE)
    client = client_for("coordinator")
    content = client.get(INDEX, {"status": "active"}).content.decode()
    assert escape(active.full_name) in content and escape(volunteer.full_name) not in content
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
    assert volunteer.full_name in text  # an export, not HTML: nothing escaped
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
    assert (
        "Nog te doen voordat de vrijwilliger actief kan worden: Intakegesprek"
        in response.content.decode()
    )
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.IN_TRAINING
    assert volunteer.status_changes.count() == 1


def test_activation_in_the_admin_with_vog_date_in_the_same_save(client_for, branch):
    volunteer = VolunteerFactory(
        branch=branch,
        status=VolunteerStatus.IN_TRAINING,
        introduction_course_completed_on=datetime.date(2026, 10, 1),
    )
    tick(volunteer, "intake", "overeenkomst", "geheimhouding", "introductiecursus")
    response = client_for("coordinator").post(
        edit_url(volunteer),
        form_data(volunteer, new_status="active", vog_received_on="2026-09-01"),
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.ACTIVE
    assert volunteer.vog_received_on == datetime.date(2026, 9, 1)
    vog = volunteer.checklist_items.get(item_type__key="vog")
    assert (vog.done_on, vog.expires_on) == (datetime.date(2026, 9, 1), datetime.date(2029, 9, 1))


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
    assert "Nog te doen voordat de vrijwilliger actief kan worden: VOG" in content
    assert f"/admin/screening/vrijwilliger/{volunteer.pk}/" in content


def test_deleting_a_volunteer_erases_the_account(client_for, volunteer):
    from portal.models import User

    response = client_for("coordinator").post(f"/admin/portal_volunteer/delete/{volunteer.pk}/")
    assert response.status_code == 302
    assert not User.objects.filter(pk=volunteer.user_id).exists()


def test_csv_export_streams_in_chunks_with_a_constant_number_of_queries(
    client_for, branch, django_assert_max_num_queries, monkeypatch
):
    """A national export reads its rows a chunk at a time (the first line leaves before
    the last row is read) and its query count does not grow with the rows."""
    from portal.viewsets import VolunteerIndexView

    monkeypatch.setattr(VolunteerIndexView, "export_chunk_size", 4)
    client = client_for("coordinator")
    VolunteerFactory.create_batch(3, branch=branch)

    def export() -> list[str]:
        response = client.get(INDEX, {"export": "csv"})
        assert response.streaming
        chunks = iter(response.streaming_content)
        assert next(chunks).decode().startswith("Naam")  # before any row is read
        return b"".join(chunks).decode().splitlines()

    export()
    with django_assert_max_num_queries(30) as few:
        rows = export()
    before = len(rows)
    assert before >= 3
    VolunteerFactory.create_batch(9, branch=branch)
    with django_assert_max_num_queries(len(few.captured_queries) + 3):  # three chunks
        rows = export()
    assert len(rows) == before + 9


def test_csv_export_keeps_the_listing_filter_and_search(client_for, branch):
    active = VolunteerFactory(branch=branch, status=VolunteerStatus.ACTIVE)
    applied = VolunteerFactory(branch=branch, status=VolunteerStatus.APPLIED)
    client = client_for("coordinator")
    response = client.get(INDEX, {"export": "csv", "status": "active"})
    text = b"".join(response.streaming_content).decode()
    assert active.full_name in text and applied.full_name not in text
    response = client.get(INDEX, {"export": "csv", "q": applied.user.last_name})
    text = b"".join(response.streaming_content).decode()
    assert applied.full_name in text
