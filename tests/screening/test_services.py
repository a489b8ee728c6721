"""The rules of screening and supervision, called directly."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from portal.errors import ServiceError
from portal.models import VolunteerStatus
from portal.screening import services
from portal.screening.models import (
    ChecklistItemType,
    SupervisionContact,
    SupervisionKind,
    SupervisionPlan,
)
from portal.services.volunteers import activation_blockers, change_volunteer_status
from tests.portal.factories import VolunteerFactory
from tests.screening.helpers import ALL_KEYS, tick

S = VolunteerStatus
K = SupervisionKind
pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 5)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(
        datetime.datetime(2026, 12, 5, 10, 0, tzinfo=datetime.UTC), tick=False
    ):
        yield


def move(volunteer, *statuses, by=None, **kwargs):
    for status in statuses:
        change_volunteer_status(volunteer=volunteer, to_status=status, by=by, **kwargs)
    volunteer.refresh_from_db()
    return volunteer


# --- Validity ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2028, 1, 31), 1, datetime.date(2028, 2, 29)),
        (datetime.date(2028, 2, 29), 12, datetime.date(2029, 2, 28)),
        (datetime.date(2028, 2, 29), 48, datetime.date(2032, 2, 29)),
        (datetime.date(2026, 8, 31), 36, datetime.date(2029, 8, 31)),
        (datetime.date(2026, 11, 30), 3, datetime.date(2027, 2, 28)),
        (datetime.date(2026, 12, 15), 1, datetime.date(2027, 1, 15)),
    ],
)
def test_validity_is_counted_in_calendar_months_to_the_months_last_day(day, months, expected):
    assert services.add_months(day, months) == expected


@given(
    st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2100, 1, 1)),
    st.integers(min_value=1, max_value=240),
)
def test_validity_never_gives_less_than_the_months_asked(day, months):
    expiry = services.add_months(day, months)
    assert (expiry.year - day.year) * 12 + expiry.month - day.month == months
    assert expiry.day <= day.day


def test_ticking_an_item_computes_its_expiry_and_records_who(volunteer, coordinator):
    vog = services.effective_type(volunteer.branch_id, "vog")
    item = services.record_checklist_item(
        volunteer=volunteer, item_type=vog, done_on=datetime.date(2026, 2, 28), by=coordinator
    )
    assert (item.expires_on, item.checked_by) == (datetime.date(2029, 2, 28), coordinator)
    volunteer.refresh_from_db()
    assert volunteer.vog_received_on == datetime.date(2026, 2, 28)  # the record's mirror
    item = services.record_checklist_item(
        volunteer=volunteer, item_type=vog, done_on=None, by=coordinator
    )
    assert (item.done_on, item.expires_on, item.checked_by) == (None, None, None)


@pytest.mark.parametrize(
    ("done_on", "code"),
    [
        (TODAY + datetime.timedelta(days=1), "date_in_future"),
        (datetime.date(1980, 1, 1), "date_too_old"),
    ],
)
def test_a_date_in_the_future_or_far_past_is_refused_and_nothing_is_written(
    volunteer, done_on, code
):
    vog = services.effective_type(volunteer.branch_id, "vog")
    with pytest.raises(ServiceError) as error:
        services.record_checklist_item(volunteer=volunteer, item_type=vog, done_on=done_on, by=None)
    assert error.value.code == code
    assert not volunteer.checklist_items.exists()


def test_another_branchs_item_type_is_refused(volunteer, other_branch):
    theirs = ChecklistItemType.objects.create(branch=other_branch, key="eigen", name="Eigen")
    with pytest.raises(ServiceError) as error:
        services.record_checklist_item(
            volunteer=volunteer, item_type=theirs, done_on=TODAY, by=None
        )
    assert error.value.code == "type_not_for_branch"


# --- The checklist of a branch -----------------------------------------------------------


def test_the_home_start_set_comes_from_the_migration_in_order(branch):
    assert [t.key for t in services.effective_types(branch.pk)] == list(ALL_KEYS)
    vog = services.effective_type(branch.pk, "vog")
    assert vog.validity_months == 36 and vog.required_for_active


def test_a_branch_replaces_a_national_item_and_adds_its_own(branch, other_branch):
    ChecklistItemType.objects.create(
        branch=branch,
        key="vog",
        name="Uittreksel uit het strafregister (model 2)",
        order=20,
        validity_months=12,
    )
    ChecklistItemType.objects.create(
        branch=branch, key="ehbo", name="EHBO-cursus", order=60, required_for_active=False
    )
    mine = services.effective_types(branch.pk)
    assert [t.name for t in mine][1] == "Uittreksel uit het strafregister (model 2)"
    assert [t.key for t in mine] == [*ALL_KEYS, "ehbo"]
    theirs = services.effective_types(other_branch.pk)
    assert [t.key for t in theirs] == list(ALL_KEYS)
    assert theirs[1].name.startswith("VOG")


def test_effective_types_for_many_branches_is_one_query(
    branch, other_branch, django_assert_num_queries
):
    with django_assert_num_queries(1):
        services.effective_types_by_branch([branch.pk, other_branch.pk])


# --- The activation rule ------------------------------------------------------------------


def test_activation_needs_every_required_item_done(volunteer):
    assert len(activation_blockers(volunteer)) == 5
    tick(volunteer, *ALL_KEYS)
    assert activation_blockers(volunteer) == []


def test_an_item_not_required_does_not_block(volunteer, branch):
    ChecklistItemType.objects.create(
        branch=branch, key="ehbo", name="EHBO", required_for_active=False
    )
    tick(volunteer, *ALL_KEYS)
    assert activation_blockers(volunteer) == []


def test_an_expired_item_blocks_with_its_date(volunteer):
    tick(volunteer, "intake", "overeenkomst", "geheimhouding", "introductiecursus")
    tick(volunteer, "vog", on=datetime.date(2023, 12, 5))  # 36 months: expired today
    [blocker] = activation_blockers(volunteer)
    assert blocker.code == "item_expired"
    assert "05-12-2026" in str(blocker) and "VOG" in str(blocker)
    tick(volunteer, "vog", on=datetime.date(2023, 12, 6))  # expires tomorrow: still valid
    assert activation_blockers(volunteer) == []


def test_the_pipeline_refuses_skipping_the_intake_with_a_dutch_message(volunteer, coordinator):
    with pytest.raises(ServiceError) as error:
        move(volunteer, S.IN_TRAINING, by=coordinator)
    assert error.value.code == "transition_not_allowed"
    assert "kan een vrijwilliger niet naar" in str(error.value)
    move(volunteer, S.INTAKE, by=coordinator)
    for target in (S.VOG_REQUESTED, S.IN_TRAINING):
        with pytest.raises(ServiceError) as error:
            move(volunteer, target, by=coordinator)
        assert error.value.code == "needs_intake"
        assert "intakegesprek" in str(error.value)
    tick(volunteer, "intake")
    move(volunteer, S.VOG_REQUESTED, by=coordinator)
    assert volunteer.status == S.VOG_REQUESTED
    vog = volunteer.checklist_items.get(item_type__key="vog")
    assert (vog.requested_on, vog.done_on) == (TODAY, None)  # the status asked for it


def test_a_volunteer_whose_vog_expires_while_active_stays_active(volunteer, coordinator):
    tick(volunteer, *ALL_KEYS, on=datetime.date(2024, 1, 1))
    volunteer.status = S.ACTIVE
    volunteer.save()
    rows = services.checklist(volunteer)
    vog = next(row for row in rows if row.item_type.key == "vog")
    assert vog.state == services.ItemState.EXPIRING  # 1 Jan 2027: within eight weeks
    with time_machine.travel(datetime.datetime(2027, 1, 2, 10, tzinfo=datetime.UTC), tick=False):
        rows = services.checklist(volunteer)
        assert next(row for row in rows if row.item_type.key == "vog").state == "expired"
        volunteer.refresh_from_db()
        assert volunteer.status == S.ACTIVE
        # Pausing and coming back needs the VOG renewed first.
        move(volunteer, S.PAUSED, by=coordinator)
        with pytest.raises(ServiceError) as error:
            move(volunteer, S.ACTIVE, by=coordinator)
        assert error.value.code == "item_expired"


def test_course_completion_fills_in_the_course_item_and_a_withdrawal_clears_it(volunteer):
    from portal.services.volunteers import record_introduction_course_completed

    record_introduction_course_completed(
        volunteer=volunteer, completed_on=datetime.date(2026, 11, 3)
    )
    item = volunteer.checklist_items.get(item_type__key="introductiecursus")
    assert item.done_on == datetime.date(2026, 11, 3)
    record_introduction_course_completed(volunteer=volunteer, completed_on=None)
    item.refresh_from_db()
    assert item.done_on is None


# --- Supervision --------------------------------------------------------------------------


def test_activation_plans_the_evaluation_three_months_later(volunteer, coordinator):
    tick(volunteer, *ALL_KEYS)
    move(volunteer, S.INTAKE, S.VOG_REQUESTED, by=coordinator)
    move(volunteer, S.VOG_RECEIVED, by=coordinator, vog_received_on=TODAY)
    move(volunteer, S.ACTIVE, by=coordinator)
    [plan] = SupervisionPlan.objects.filter(volunteer=volunteer)
    assert (plan.kind, plan.due_on) == (K.EVALUATION_3M, datetime.date(2027, 3, 5))


def test_each_talk_plans_the_next_by_its_kind(volunteer, coordinator):
    SupervisionPlan.objects.create(volunteer=volunteer, kind=K.EVALUATION_3M, due_on=TODAY)
    services.record_supervision_contact(
        volunteer=volunteer, held_on=datetime.date(2026, 11, 30), kind=K.PHONE, by=coordinator
    )
    plans = dict(SupervisionPlan.objects.filter(volunteer=volunteer).values_list("kind", "due_on"))
    assert plans == {K.EVALUATION_3M: TODAY, K.PHONE: datetime.date(2027, 2, 28)}
    services.record_supervision_contact(
        volunteer=volunteer, held_on=TODAY, kind=K.EVALUATION_3M, note="Gaat goed", by=coordinator
    )
    plans = dict(SupervisionPlan.objects.filter(volunteer=volunteer).values_list("kind", "due_on"))
    assert plans == {K.YEARLY: datetime.date(2027, 12, 5)}
    services.record_supervision_contact(
        volunteer=volunteer,
        held_on=TODAY,
        kind=K.HOME_VISIT,
        next_due_on=datetime.date(2027, 1, 10),
        by=coordinator,
    )
    plans = dict(SupervisionPlan.objects.filter(volunteer=volunteer).values_list("kind", "due_on"))
    assert plans == {K.YEARLY: datetime.date(2027, 12, 5), K.PHONE: datetime.date(2027, 1, 10)}


def test_stopping_plans_the_exit_talk_and_the_exit_talk_ends_the_plans(volunteer, coordinator):
    volunteer.status = S.ACTIVE
    volunteer.save()
    SupervisionPlan.objects.create(volunteer=volunteer, kind=K.YEARLY, due_on=TODAY)
    move(volunteer, S.STOPPED, by=coordinator, note="Verhuisd")
    [plan] = SupervisionPlan.objects.filter(volunteer=volunteer)
    assert (plan.kind, plan.due_on) == (K.EXIT, datetime.date(2026, 12, 19))
    assert list(
        services.supervision_due([volunteer.branch_id], until=datetime.date(2026, 12, 31))
    ) == [plan]
    with pytest.raises(ServiceError) as error:
        services.record_supervision_contact(
            volunteer=volunteer, held_on=TODAY, kind=K.PHONE, by=coordinator
        )
    assert error.value.code == "stopped"
    services.record_supervision_contact(
        volunteer=volunteer, held_on=TODAY, kind=K.EXIT, by=coordinator
    )
    assert not SupervisionPlan.objects.filter(volunteer=volunteer).exists()


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"held_on": TODAY + datetime.timedelta(days=1)}, "date_in_future"),
        ({"kind": "koffie"}, "bad_kind"),
        ({"next_due_on": TODAY}, "next_before"),
        ({"next_due_on": TODAY + datetime.timedelta(days=800)}, "next_too_far"),
    ],
)
def test_a_bad_talk_is_refused_and_nothing_is_written(volunteer, coordinator, changes, code):
    arguments = {"volunteer": volunteer, "held_on": TODAY, "kind": K.PHONE, "by": coordinator}
    with pytest.raises(ServiceError) as error:
        services.record_supervision_contact(**{**arguments, **changes})
    assert error.value.code == code
    assert not SupervisionContact.objects.exists() and not SupervisionPlan.objects.exists()


def test_supervision_due_leaves_out_stopped_volunteers_but_not_their_exit_talk(branch):
    active = VolunteerFactory(branch=branch, status=S.ACTIVE)
    gone = VolunteerFactory(branch=branch, status=S.STOPPED)
    SupervisionPlan.objects.create(volunteer=active, kind=K.YEARLY, due_on=TODAY)
    SupervisionPlan.objects.create(volunteer=gone, kind=K.YEARLY, due_on=TODAY)
    SupervisionPlan.objects.create(
        volunteer=active, kind=K.PHONE, due_on=TODAY + datetime.timedelta(days=30)
    )
    due = list(services.supervision_due([branch.pk], until=TODAY + datetime.timedelta(days=14)))
    assert [(p.volunteer_id, p.kind) for p in due] == [(active.pk, K.YEARLY)]


def test_erasing_a_volunteer_erases_their_checklist_and_talks(volunteer, coordinator):
    from portal.screening.models import ChecklistItem
    from portal.services.volunteers import erase_volunteer

    tick(volunteer, "intake")
    services.record_supervision_contact(
        volunteer=volunteer, held_on=TODAY, kind=K.PHONE, note="x", by=coordinator
    )
    erase_volunteer(volunteer=volunteer, by=coordinator)
    assert not ChecklistItem.objects.exists()
    assert not SupervisionContact.objects.exists() and not SupervisionPlan.objects.exists()


def test_the_weekly_digest_lists_talks_due_and_overdue_per_branch(
    branch, other_branch, django_assert_num_queries
):
    from portal.screening.registry_hooks import digest_sections

    late = VolunteerFactory(branch=branch, status=S.ACTIVE, user__first_name="Lotte")
    soon = VolunteerFactory(branch=branch, status=S.ACTIVE, user__first_name="Sanne")
    theirs = VolunteerFactory(branch=other_branch, status=S.ACTIVE)
    SupervisionPlan.objects.create(
        volunteer=late, kind=K.YEARLY, due_on=TODAY - datetime.timedelta(days=3)
    )
    SupervisionPlan.objects.create(
        volunteer=soon, kind=K.PHONE, due_on=TODAY + datetime.timedelta(days=10)
    )
    SupervisionPlan.objects.create(
        volunteer=theirs, kind=K.PHONE, due_on=TODAY + datetime.timedelta(days=60)
    )
    with django_assert_num_queries(1):
        sections = digest_sections(branch_ids=[branch.pk, other_branch.pk], today=TODAY)
    assert list(sections) == [branch.pk]
    texts = [row.text for row in sections[branch.pk].rows]
    assert texts[0].startswith("Jaarevaluatie met Lotte") and "te laat sinds 2 december" in texts[0]
    assert texts[1].startswith("Telefonisch met Sanne") and "gepland voor 15 december" in texts[1]
    assert sections[branch.pk].rows[0].url == f"/admin/screening/vrijwilliger/{late.pk}/"
