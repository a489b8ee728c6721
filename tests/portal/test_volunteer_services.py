import datetime

import pytest
from django.utils import timezone

from portal.errors import ServiceError
from portal.models import DeletionRequest, User, Volunteer, VolunteerStatus
from portal.services import volunteers as services
from tests.portal.factories import VolunteerFactory
from tests.screening.helpers import tick

S = VolunteerStatus
pytestmark = pytest.mark.django_db


def move(volunteer, *statuses, by=None, **kwargs):
    for status in statuses:
        services.change_volunteer_status(volunteer=volunteer, to_status=status, by=by, **kwargs)
    return volunteer


def test_change_volunteer_status_records_who_when_and_why(volunteer, coordinator):
    change = services.change_volunteer_status(
        volunteer=volunteer, to_status=S.INTAKE, by=coordinator, note="Gesprek gepland"
    )
    volunteer.refresh_from_db()
    assert volunteer.status == S.INTAKE
    assert (change.from_status, change.to_status) == (S.APPLIED, S.INTAKE)
    assert change.changed_by == coordinator
    assert change.note == "Gesprek gepland"
    assert abs(change.changed_at - timezone.now()) < datetime.timedelta(seconds=5)
    assert [c.to_status for c in volunteer.status_changes.order_by("changed_at", "id")] == [
        S.APPLIED,
        S.INTAKE,
    ]


def test_the_whole_pipeline_can_be_walked(volunteer, coordinator):
    move(volunteer, S.INTAKE, by=coordinator)
    tick(volunteer, "intake", "overeenkomst", "geheimhouding", by=coordinator)
    move(volunteer, S.VOG_REQUESTED, by=coordinator)
    assert volunteer.vog_requested_on == timezone.localdate()
    services.change_volunteer_status(
        volunteer=volunteer,
        to_status=S.VOG_RECEIVED,
        by=coordinator,
        vog_received_on=datetime.date(2026, 10, 1),
    )
    assert volunteer.vog_received_on == datetime.date(2026, 10, 1)
    move(volunteer, S.IN_TRAINING, by=coordinator)
    services.record_introduction_course_completed(
        volunteer=volunteer, completed_on=datetime.date(2026, 11, 1)
    )
    move(volunteer, S.ACTIVE, S.PAUSED, S.ACTIVE, by=coordinator)
    move(volunteer, S.STOPPED, by=coordinator, note="Verhuisd")
    assert volunteer.status == S.STOPPED
    assert volunteer.stopped_reason == "Verhuisd"
    assert volunteer.status_changes.count() == 9


def test_activation_is_refused_without_vog(volunteer, coordinator):
    services.record_introduction_course_completed(
        volunteer=volunteer, completed_on=datetime.date(2026, 11, 1)
    )
    move(volunteer, S.INTAKE, by=coordinator)
    tick(volunteer, "intake", "overeenkomst", "geheimhouding", by=coordinator)
    move(volunteer, S.VOG_REQUESTED, S.IN_TRAINING, by=coordinator)
    with pytest.raises(ServiceError) as error:
        move(volunteer, S.ACTIVE, by=coordinator)
    assert error.value.code == "item_missing"
    assert "VOG" in str(error.value)
    volunteer.refresh_from_db()
    assert volunteer.status == S.IN_TRAINING
    assert not volunteer.status_changes.filter(to_status=S.ACTIVE).exists()


def test_activation_is_refused_without_completed_introduction_course(volunteer, coordinator):
    move(volunteer, S.INTAKE, by=coordinator)
    tick(volunteer, "intake", "overeenkomst", "geheimhouding", by=coordinator)
    move(volunteer, S.VOG_REQUESTED, by=coordinator)
    move(volunteer, S.VOG_RECEIVED, by=coordinator, vog_received_on=timezone.localdate())
    with pytest.raises(ServiceError) as error:
        move(volunteer, S.ACTIVE, by=coordinator)
    assert error.value.code == "item_missing"
    assert "Introductiecursus" in str(error.value)
    assert volunteer.status == S.VOG_RECEIVED


def test_activation_blockers_lists_everything_missing(volunteer):
    blockers = services.activation_blockers(volunteer)
    assert [b.code for b in blockers] == ["item_missing"] * 5
    assert "Intakegesprek" in str(blockers[0]) and "Introductiecursus" in str(blockers[-1])
    tick(volunteer, "intake", "vog", "overeenkomst", "geheimhouding", "introductiecursus")
    assert services.activation_blockers(volunteer) == []


def test_without_registered_rules_the_old_activation_rule_holds(volunteer, monkeypatch):
    from portal.registry import registry

    monkeypatch.setattr(registry, "status_rules", [])
    assert [b.code for b in services.activation_blockers(volunteer)] == [
        "active_needs_vog",
        "active_needs_course",
    ]
    volunteer.vog_received_on = datetime.date(2026, 1, 1)
    volunteer.introduction_course_completed_on = datetime.date(2026, 2, 1)
    assert services.activation_blockers(volunteer) == []


def test_stopping_needs_a_reason(volunteer, coordinator):
    with pytest.raises(ServiceError) as error:
        move(volunteer, S.STOPPED, by=coordinator, note="   ")
    assert error.value.code == "stop_needs_reason"
    assert Volunteer.objects.get(pk=volunteer.pk).status == S.APPLIED


def test_vog_received_needs_a_date_not_in_the_future(volunteer, coordinator):
    move(volunteer, S.INTAKE, by=coordinator)
    tick(volunteer, "intake")
    move(volunteer, S.VOG_REQUESTED, by=coordinator)
    with pytest.raises(ServiceError) as error:
        move(volunteer, S.VOG_RECEIVED, by=coordinator)
    assert error.value.code == "vog_date_required"
    with pytest.raises(ServiceError) as error:
        move(
            volunteer,
            S.VOG_RECEIVED,
            by=coordinator,
            vog_received_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert error.value.code == "vog_date_in_future"


@pytest.mark.parametrize(
    ("start", "target"),
    [(S.APPLIED, S.ACTIVE), (S.STOPPED, S.ACTIVE), (S.ACTIVE, S.APPLIED), (S.PAUSED, S.INTAKE)],
)
def test_transitions_outside_the_pipeline_are_refused(start, target, coordinator):
    volunteer = VolunteerFactory(status=start)
    with pytest.raises(ServiceError) as error:
        move(volunteer, target, by=coordinator)
    assert error.value.code in {"transition_not_allowed", "item_missing"}
    assert Volunteer.objects.get(pk=volunteer.pk).status == start


def test_moving_to_the_same_status_is_refused(volunteer, coordinator):
    with pytest.raises(ServiceError) as error:
        move(volunteer, S.APPLIED, by=coordinator)
    assert error.value.code == "same_status"


def test_every_status_can_be_stopped_and_a_stopped_volunteer_can_reapply(coordinator):
    for status in S.values:
        if status == S.STOPPED:
            continue
        volunteer = VolunteerFactory(status=status)
        move(volunteer, S.STOPPED, by=coordinator, note="Reden")
        move(volunteer, S.APPLIED, by=coordinator)
        assert volunteer.stopped_reason == ""


def test_create_volunteer_starts_history_at_applied(branch):
    from tests.portal.factories import UserFactory

    user = UserFactory()
    volunteer = services.create_volunteer(user=user, branch=branch, postcode="3511 AB")
    assert volunteer.status == S.APPLIED
    assert list(volunteer.status_changes.values_list("from_status", "to_status")) == [
        ("", S.APPLIED)
    ]


def test_export_volunteer_data_holds_account_record_and_history(volunteer, coordinator):
    move(volunteer, S.INTAKE, by=coordinator, note="Intake op dinsdag")
    data = services.export_volunteer_data(volunteer)
    assert data["account"]["email"] == volunteer.user.email
    assert data["volunteer"]["postcode"] == volunteer.postcode
    assert data["volunteer"]["branch"] == volunteer.branch.name
    assert [row["to"] for row in data["status_history"]] == [S.APPLIED, S.INTAKE]
    assert data["status_history"][1]["note"] == "Intake op dinsdag"


def test_request_deletion_tells_coordinators_once(
    volunteer, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.request_deletion(volunteer=volunteer, note="Ik stop")
    assert DeletionRequest.objects.filter(volunteer=volunteer).count() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [coordinator.email]
    assert volunteer.full_name in mailoutbox[0].body
    assert f"/admin/portal_volunteer/edit/{volunteer.pk}/" in mailoutbox[0].body
    with pytest.raises(ServiceError) as error:
        services.request_deletion(volunteer=volunteer)
    assert error.value.code == "deletion_already_requested"
    assert DeletionRequest.objects.filter(volunteer=volunteer).count() == 1


def test_erase_volunteer_removes_account_and_record(volunteer, coordinator):
    user_id = volunteer.user_id
    services.erase_volunteer(volunteer=volunteer, by=coordinator)
    assert not User.objects.filter(pk=user_id).exists()
    assert not Volunteer.objects.filter(pk=volunteer.pk).exists()
