"""Screening reminders over a real SMTP server: a requested VOG four weeks late (to the
coordinators), an item expiring within eight weeks (to the volunteer and the
coordinators), each sent once, also through a real django-q2 cluster that restarts."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import Schedule, Success
from django_q.scheduler import scheduler

from portal.models import VolunteerStatus
from portal.screening import services, tasks
from portal.screening.models import ScreeningReminder
from tests.migrated_data import ensure_screening_schedule
from tests.portal.factories import VolunteerFactory
from tests.services import wait_until

SCHEDULE = "screening: herinneringen (VOG te laat, onderdeel verloopt)"


def body_of(message) -> str:
    return " ".join(message.get_body(("plain",)).get_content().split())


def vog_of(volunteer):
    return services.effective_type(volunteer.branch_id, "vog")


@pytest.mark.django_db
def test_a_vog_requested_four_weeks_ago_reminds_the_coordinators_once(
    smtp_server, volunteer, coordinator
):
    today = timezone.localdate()
    services.record_checklist_item(
        volunteer=volunteer,
        item_type=vog_of(volunteer),
        done_on=None,
        requested_on=today - datetime.timedelta(weeks=4),
        by=coordinator,
    )
    later = VolunteerFactory(branch=volunteer.branch)
    services.record_checklist_item(
        volunteer=later,
        item_type=vog_of(later),
        done_on=None,
        requested_on=today - datetime.timedelta(weeks=4) + datetime.timedelta(days=1),
        by=coordinator,
    )
    assert tasks.send_screening_reminders() == 1
    assert tasks.send_screening_reminders() == 0
    [received] = smtp_server.messages_to(coordinator.email)
    body = body_of(received.message)
    assert "Anouk Smit" in body and "na vier weken nog niet" in body
    assert f"/admin/screening/vrijwilliger/{volunteer.pk}/" in body
    assert smtp_server.messages_to(volunteer.email) == []
    assert "VOG" in received.message["Subject"]


@pytest.mark.django_db
def test_an_item_expiring_in_eight_weeks_reminds_volunteer_and_coordinators_with_what_to_do(
    smtp_server, volunteer, coordinator
):
    today = timezone.localdate()
    done = services.add_months(today + datetime.timedelta(weeks=8), -36)
    item = services.record_checklist_item(
        volunteer=volunteer, item_type=vog_of(volunteer), done_on=done, by=coordinator
    )
    assert item.expires_on - today <= datetime.timedelta(weeks=8)
    assert tasks.send_screening_reminders() == 1
    assert tasks.send_screening_reminders() == 0
    [to_volunteer] = smtp_server.messages_to(volunteer.email)
    body = body_of(to_volunteer.message)
    assert "Beste Anouk" in body and "VOG aanvragen en inleveren" in body
    assert "/mijn/" in body and "/admin/" not in body
    [to_coordinator] = smtp_server.messages_to(coordinator.email)
    assert "Wat te doen" in body_of(to_coordinator.message)
    # Renewed: the new expiry date is a new reminder, years from now.
    services.record_checklist_item(
        volunteer=volunteer, item_type=vog_of(volunteer), done_on=today, by=coordinator
    )
    assert tasks.send_screening_reminders() == 0


@pytest.mark.django_db
def test_no_reminders_for_stopped_volunteers_or_items_without_expiry(
    smtp_server, branch, coordinator
):
    today = timezone.localdate()
    gone = VolunteerFactory(branch=branch, status=VolunteerStatus.STOPPED)
    services.record_checklist_item(
        volunteer=gone,
        item_type=vog_of(gone),
        done_on=None,
        requested_on=today - datetime.timedelta(weeks=10),
        by=coordinator,
    )
    other = VolunteerFactory(branch=branch)
    services.record_checklist_item(
        volunteer=other,
        item_type=services.effective_type(branch.pk, "overeenkomst"),
        done_on=datetime.date(2010, 1, 1),
        by=coordinator,
    )
    assert services.due_screening_reminders(today=today) == []
    assert tasks.send_screening_reminders() == 0
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_a_reminder_that_could_not_be_sent_is_tried_again(smtp_server, volunteer, coordinator):
    today = timezone.localdate()
    services.record_checklist_item(
        volunteer=volunteer,
        item_type=vog_of(volunteer),
        done_on=None,
        requested_on=today - datetime.timedelta(weeks=5),
        by=coordinator,
    )
    [(item_id, kind, reference)] = services.due_screening_reminders(today=today)
    smtp_server.defer_recipients.add(coordinator.email)
    with pytest.raises(Exception, match="Try again later"):
        tasks.send_screening_reminder(item_id, kind, reference.isoformat())
    assert not ScreeningReminder.objects.exists()
    smtp_server.defer_recipients.clear()
    assert tasks.send_screening_reminder(item_id, kind, reference.isoformat()) is True
    assert tasks.send_screening_reminder(item_id, kind, reference.isoformat()) is False
    assert len(smtp_server.messages_to(coordinator.email)) == 1


@pytest.mark.django_db
def test_the_daily_schedule_is_created_by_the_migration():
    ensure_screening_schedule()  # an earlier transactional test may have flushed it
    schedule = Schedule.objects.get(name=SCHEDULE)
    assert schedule.func == "portal.screening.tasks.send_screening_reminders"
    assert schedule.schedule_type == Schedule.DAILY and schedule.repeats == -1


@pytest.mark.cluster
@pytest.mark.django_db(transaction=True)
def test_reminders_through_the_cluster_are_sent_once_across_a_restart(
    q_cluster, smtp_server, branch, coordinator
):
    today = timezone.localdate()
    people = [VolunteerFactory(branch=branch) for _ in range(3)]
    for volunteer in people:
        services.record_checklist_item(
            volunteer=volunteer,
            item_type=vog_of(volunteer),
            done_on=None,
            requested_on=today - datetime.timedelta(weeks=6),
            by=coordinator,
        )
    ensure_screening_schedule()  # an earlier transactional test may have flushed it
    schedule = Schedule.objects.get(name=SCHEDULE)

    def run_schedule_now():
        Schedule.objects.filter(pk=schedule.pk).update(
            next_run=timezone.now() - datetime.timedelta(seconds=1)
        )
        scheduler(broker=get_broker())

    def runs() -> int:
        return Success.objects.filter(func=schedule.func).count()

    env = {"TEST_EMAIL_URL": smtp_server.url}
    cluster = q_cluster(**env)
    run_schedule_now()
    assert wait_until(lambda: runs() == 1, timeout=60), cluster.output()
    assert len(smtp_server.messages_to(coordinator.email)) == 3
    cluster.kill()  # a crash; the next day's run comes from a new cluster

    cluster = q_cluster(**env)
    run_schedule_now()
    assert wait_until(lambda: runs() == 2, timeout=60), cluster.output()
    results = Success.objects.filter(func=schedule.func)
    assert sorted(results.values_list("result", flat=True)) == [0, 3]
    assert len(smtp_server.messages_to(coordinator.email)) == 3
    assert ScreeningReminder.objects.count() == 3
