"""Retention: the personal data of closed referrals is erased after the retention period
(settings, default 12 months) by a daily django-q2 schedule; the annual report's
figures stay, and nothing else is touched."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from django_q.models import Schedule

from portal.errors import ServiceError
from support.referrals.models import PERSONAL_FIELDS, Referral, ReferralStatus
from support.referrals.schedules import RETENTION_SCHEDULE, RETENTION_TASK, ensure_schedules
from support.referrals.services import (
    change_referral_status,
    erase_expired_referrals,
    erase_referral,
    months_before,
    submit_referral,
)
from tests.support.referrals.conftest import family, referrer

pytestmark = pytest.mark.django_db

S = ReferralStatus
KEPT = (
    "reference",
    "kind",
    "branch_id",
    "status",
    "not_suitable_reason",
    "received_at",
    "closed_at",
    "referrer_category",
    "municipality",
    "family_language",
    "children_count",
    "expecting",
    "support_questions",
    "risk_factors",
)
START = datetime.datetime(2025, 1, 10, 9, 0, tzinfo=datetime.UTC)


def new_referral(name: str, **family_fields) -> Referral:
    return submit_referral(
        family=family(name=name, **family_fields), referrer=referrer(), parents_consent=True
    )


def close(referral: Referral, *, how: str = "ended", note: str = "") -> Referral:
    if how == "not_suitable":
        change_referral_status(
            referral=referral, to_status=S.NOT_SUITABLE, by=None, reason="no_contact", note=note
        )
        return referral
    for status in (S.CONTACTED, S.INTAKE_DONE, S.SUPPORT_STARTED, S.SUPPORT_ENDED):
        change_referral_status(referral=referral, to_status=status, by=None, note=note)
    return referral


def snapshot(referral: Referral) -> dict:
    return Referral.objects.values().get(pk=referral.pk)


def test_default_retention_is_twelve_months():
    assert settings.REFERRAL_RETENTION_MONTHS == 12


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime.datetime(2026, 3, 31, 12), 1, datetime.datetime(2026, 2, 28, 12)),
        (datetime.datetime(2024, 3, 31, 12), 1, datetime.datetime(2024, 2, 29, 12)),
        (datetime.datetime(2026, 1, 15, 12), 12, datetime.datetime(2025, 1, 15, 12)),
        (datetime.datetime(2026, 1, 15, 12), 13, datetime.datetime(2024, 12, 15, 12)),
    ],
)
def test_months_before(moment, months, expected):
    assert months_before(moment, months) == expected


def test_erases_exactly_the_closed_referrals_past_the_period(branch):
    with time_machine.travel(START, tick=False):
        old_ended = close(new_referral("Fam. Oud"), note="Gezin verhuisd naar Amersfoort.")
        old_unsuitable = close(new_referral("Fam. Ongeschikt"), how="not_suitable")
        old_open = new_referral("Fam. Nog open")  # never closed: kept
        change_referral_status(referral=old_open, to_status=S.CONTACTED, by=None, note="Gebeld.")
    with time_machine.travel(START + datetime.timedelta(days=300), tick=False):
        recent = close(new_referral("Fam. Recent"))  # closed 10 months before the run
    untouched = {r.pk: snapshot(r) for r in (old_open, recent)}
    kept_figures = {r.pk: {k: snapshot(r)[k] for k in KEPT} for r in (old_ended, old_unsuitable)}

    run_at = START + datetime.timedelta(days=366 + 240)
    with time_machine.travel(run_at, tick=False):
        assert erase_expired_referrals() == 2

    for referral in (old_ended, old_unsuitable):
        row = snapshot(referral)
        assert {name: row[name] for name in PERSONAL_FIELDS} == {
            **dict.fromkeys(PERSONAL_FIELDS, ""),
            "children_ages": [],
            "due_date": None,
        }
        assert {k: row[k] for k in KEPT} == kept_figures[referral.pk]
        assert row["erased_at"] == run_at
        assert set(referral.status_changes.values_list("note", flat=True)) == {""}
    assert kept_figures[old_ended.pk]["children_count"] == 2
    assert kept_figures[old_ended.pk]["municipality"] == "Utrecht"
    assert kept_figures[old_unsuitable.pk]["not_suitable_reason"] == "no_contact"
    # Nothing else changed: not the open one, not the recent one, not their history.
    for pk, before in untouched.items():
        assert Referral.objects.values().get(pk=pk) == before
    assert old_open.status_changes.filter(note="Gebeld.").exists()


def test_period_boundary(branch, settings):
    settings.REFERRAL_RETENTION_MONTHS = 1
    with time_machine.travel(START, tick=False):
        referral = close(new_referral("Fam. Grens"))
    with time_machine.travel(START + datetime.timedelta(days=30), tick=False):
        assert erase_expired_referrals() == 0  # 10 January -> 9 February: not a month yet
    with time_machine.travel(datetime.datetime(2025, 2, 10, 9, 0, 1, tzinfo=datetime.UTC)):
        assert erase_expired_referrals() == 1
    referral.refresh_from_db()
    assert referral.is_erased


def test_running_twice_erases_nothing_more(branch):
    with time_machine.travel(START, tick=False):
        close(new_referral("Fam. Twee keer"))
    later = START + datetime.timedelta(days=400)
    with time_machine.travel(later, tick=False):
        assert erase_expired_referrals() == 1
    with time_machine.travel(later + datetime.timedelta(days=1), tick=False):
        assert erase_expired_referrals() == 0
    assert Referral.objects.get().erased_at == later


def test_erased_referral_keeps_its_status(referral):
    close(referral)
    erase_referral(referral=referral, by=None)
    with pytest.raises(ServiceError) as refused:
        change_referral_status(referral=referral, to_status=S.CONTACTED, by=None)
    assert refused.value.code == "erased"


def test_erasing_on_request_only_when_closed(referral, coordinator):
    with pytest.raises(ServiceError) as refused:
        erase_referral(referral=referral, by=coordinator)
    assert refused.value.code == "erase_only_closed"
    assert not Referral.objects.get(pk=referral.pk).is_erased


def test_the_schedule_exists_after_migrate_and_runs_daily():
    schedule = Schedule.objects.get(name=RETENTION_SCHEDULE)
    assert schedule.func == RETENTION_TASK
    assert schedule.schedule_type == Schedule.DAILY
    assert schedule.repeats == -1
    assert timezone.localtime(schedule.next_run).time() == datetime.time(3, 15)


def test_ensure_schedules_is_idempotent_and_repairs_a_changed_schedule():
    Schedule.objects.filter(name=RETENTION_SCHEDULE).update(func="x.y", schedule_type=Schedule.ONCE)
    ensure_schedules()
    ensure_schedules()
    schedule = Schedule.objects.get(name=RETENTION_SCHEDULE)
    assert (schedule.func, schedule.schedule_type) == (RETENTION_TASK, Schedule.DAILY)


def test_django_q2_scheduler_runs_the_retention_task(branch):
    """django-q2's own scheduler picks the schedule up (tasks run inline in tests)."""
    from django_q.scheduler import scheduler

    with time_machine.travel(START, tick=False):
        referral = close(new_referral("Fam. Schema"))
    Schedule.objects.filter(name=RETENTION_SCHEDULE).update(next_run=timezone.now())
    scheduler()
    referral.refresh_from_db()
    assert referral.is_erased
    schedule = Schedule.objects.get(name=RETENTION_SCHEDULE)
    assert schedule.next_run > timezone.now()
