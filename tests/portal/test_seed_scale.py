"""`manage.py seed_scale` writes in bulk, so it must keep by itself the invariants the
services keep. Checked on a small seed."""

from __future__ import annotations

import datetime
import itertools
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from courses.models import Attendance, CourseEnrolment, CoursePage
from courses.models.enrolment import EnrolmentStatus
from intervision.models import Attendance as IntervisionAttendance
from intervision.models import IntervisionGroup, Rsvp, ThemeMeeting
from portal.models import Branch, Volunteer, VolunteerStatus
from portal.scale import SCALE_EMAIL_DOMAIN, ScaleSize, build_scale
from portal.screening.models import ChecklistItem, SupervisionContact, SupervisionPlan
from portal.screening.services import (
    ItemState,
    activation_blockers_of,
    checklist,
    expiry_of,
    status_rule,
)
from portal.services.volunteers import ALLOWED_TRANSITIONS as VOLUNTEER_TRANSITIONS
from support.models import (
    OPEN_STATUSES,
    VISIT_STEP_MINUTES,
    CheckIn,
    Match,
    MatchStatus,
    Programme,
    Visit,
    VisitKind,
    VolunteerSupportSettings,
)
from support.referrals.models import CLOSED_STATUSES, Referral
from support.referrals.services import ALLOWED_TRANSITIONS as REFERRAL_TRANSITIONS
from support.referrals.services import retention_cutoff, route_to_branch
from tests.pages.factories import home_page

pytestmark = pytest.mark.django_db

SMALL = ScaleSize(
    branches=5, volunteers=150, intervision_groups=8, courses=6, theme_meetings=3, referrals=300
)
NOW = timezone.make_aware(datetime.datetime(2026, 11, 20, 10, 0))


@pytest.fixture
def seeded():
    home_page()
    return build_scale(size=SMALL, seed=7, now=NOW)


def fingerprint() -> tuple:
    return (
        list(Volunteer.objects.order_by("user__email").values_list("user__email", "status")),
        list(Referral.objects.order_by("reference").values_list("reference", "status")),
        list(
            CourseEnrolment.objects.order_by(
                "offering__slug", "volunteer__user__email"
            ).values_list("offering__slug", "volunteer__user__email", "status")
        ),
        Rsvp.objects.count(),
        list(
            Match.objects.order_by("reference").values_list(
                "reference", "status", "volunteer__user__email", "started_on"
            )
        ),
        list(Visit.objects.order_by("match__reference", "date").values_list("date", "minutes")),
        list(
            ChecklistItem.objects.order_by("volunteer__user__email", "item_type__key").values_list(
                "item_type__key", "done_on"
            )
        ),
    )


def test_refuses_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="DEMO_MODE"):
        call_command("seed_scale", "--scale", "small")
    assert not Volunteer.objects.exists()


def test_refuses_to_run_twice(seeded):
    with pytest.raises(CommandError, match="already"):
        call_command("seed_scale", "--scale", "small")


def test_the_same_seed_gives_the_same_data():
    home_page()
    prints = []
    for _ in range(2):
        with transaction.atomic():
            build_scale(size=SMALL, seed=7, now=NOW)
            prints.append(fingerprint())
            transaction.set_rollback(True)
    assert prints[0] == prints[1]
    assert all(prints[0])


def test_sizes_and_every_status(seeded):
    assert Branch.objects.count() == SMALL.branches
    assert Volunteer.objects.count() == SMALL.volunteers
    assert Referral.objects.count() == SMALL.referrals
    assert CoursePage.objects.count() == SMALL.courses
    assert IntervisionGroup.objects.count() == SMALL.intervision_groups
    assert ThemeMeeting.objects.count() == SMALL.theme_meetings
    assert set(Volunteer.objects.values_list("status", flat=True)) == set(VolunteerStatus.values)
    assert all(branch.coordinators.exists() for branch in Branch.objects.all())


def test_volunteer_histories_follow_the_allowed_transitions(seeded):
    volunteers = Volunteer.objects.filter(user__email__endswith=SCALE_EMAIL_DOMAIN)
    for volunteer in volunteers.prefetch_related("status_changes"):
        steps = sorted(volunteer.status_changes.all(), key=lambda change: change.changed_at)
        assert steps[0].from_status == ""
        assert steps[0].to_status == VolunteerStatus.APPLIED
        for before, after in itertools.pairwise(steps):
            assert after.from_status == before.to_status
            assert after.to_status in VOLUNTEER_TRANSITIONS[before.to_status]
        assert steps[-1].to_status == volunteer.status
        assert steps[-1].changed_at == volunteer.status_changed_at <= NOW
        if volunteer.status in (VolunteerStatus.ACTIVE, VolunteerStatus.PAUSED):
            assert volunteer.vog_received_on and volunteer.introduction_course_completed_on
        assert bool(volunteer.stopped_reason) == (volunteer.status == VolunteerStatus.STOPPED)
        assert volunteer.user.emailaddress_set.filter(verified=True).exists()


def test_referrals_are_routed_and_follow_their_route(seeded):
    cutoff = retention_cutoff(NOW)
    assert not Referral.objects.due_for_erasure(cutoff).exists()
    for referral in Referral.objects.prefetch_related("status_changes"):
        if not referral.is_erased:
            assert route_to_branch(referral.postcode) == referral.branch
        steps = sorted(referral.status_changes.all(), key=lambda change: change.changed_at)
        assert steps[0].to_status == "new"
        for before, after in itertools.pairwise(steps):
            assert after.to_status in REFERRAL_TRANSITIONS[before.to_status]
        assert steps[-1].to_status == referral.status
        assert (referral.closed_at is not None) == (referral.status in CLOSED_STATUSES)
        assert (referral.status == "not_suitable") == bool(referral.not_suitable_reason)
        if referral.is_erased:
            assert referral.family_name == "" and referral.closed_at <= cutoff
            assert referral.erased_at <= NOW


def test_enrolments_stay_within_the_places(seeded):
    for course in CoursePage.objects.annotate(
        enrolled=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)),
        waiting=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITLISTED)),
    ):
        assert course.enrolled <= course.capacity
        if course.waiting:
            assert course.enrolled == course.capacity
            numbers = course.enrolments.waitlisted().values_list("waitlist_number", flat=True)
            assert list(numbers) == list(range(1, course.waiting + 1))
    assert Attendance.objects.exists()
    for mark in Attendance.objects.select_related("enrolment", "session"):
        assert mark.session.course_id == mark.enrolment.offering_id
        assert mark.enrolment.status == EnrolmentStatus.ENROLLED
        assert mark.session.date < timezone.localdate(NOW)
    for meeting in ThemeMeeting.objects.all():
        assert meeting.enrolments.enrolled().count() <= meeting.capacity


def test_course_pages_are_published_as_wagtail_would(seeded):
    # Written live with their revision at once, not through publish() (too slow).
    for course in CoursePage.objects.all():
        assert course.live and not course.has_unpublished_changes
        assert course.first_published_at and course.url_path.endswith(f"/{course.slug}/")
        assert course.live_revision_id == course.latest_revision_id is not None
        published = course.live_revision.as_object()
        assert (published.title, published.branch_id) == (course.title, course.branch_id)
        assert len(published.sessions.all()) == course.sessions.count() > 0
    assert CoursePage.objects.live().count() == CoursePage.objects.count()


def test_intervision_answers_and_attendance_only_from_members(seeded):
    members = Counter()
    for group in IntervisionGroup.objects.prefetch_related("members"):
        ids = {member.pk for member in group.members.all()}
        assert ids
        for volunteer_id in ids:
            members[volunteer_id] += 1
        for rsvp in Rsvp.objects.filter(session__group=group):
            assert rsvp.volunteer_id in ids
        for mark in IntervisionAttendance.objects.filter(session__group=group):
            assert mark.volunteer_id in ids
            assert mark.session.start < NOW
        assert group.sessions.filter(start__lt=NOW).exists()
        assert group.sessions.filter(start__gt=NOW).exists()
    assert max(members.values()) == 1  # one group per volunteer


def test_matches_follow_the_support_services(seeded):
    today = timezone.localdate(NOW)
    matches = list(Match.objects.select_related("referral", "volunteer"))
    statuses = Counter(match.status for match in matches)
    assert {MatchStatus.PROPOSED, MatchStatus.ACTIVE, MatchStatus.ENDED} <= set(statuses)
    assert {match.programme for match in matches} == set(Programme.values)
    supported = Referral.objects.filter(status__in=["support_started", "support_ended"])
    assert Match.objects.filter(referral__in=supported).count() >= supported.count() * 0.6
    maximum = dict(VolunteerSupportSettings.objects.values_list("volunteer_id", "max_families"))
    assert set(maximum.values()) - {1}
    open_per_volunteer = Counter()
    for match in matches:
        referral = match.referral
        assert match.branch_id == referral.branch_id == match.volunteer.branch_id
        expected = {
            MatchStatus.ACTIVE: "support_started",
            MatchStatus.ENDED: "support_ended",
        }.get(match.status, "intake_done")
        assert referral.status == expected
        if match.status in OPEN_STATUSES:
            assert match.volunteer.status == VolunteerStatus.ACTIVE
            open_per_volunteer[match.volunteer_id] += 1
        assert (match.status == MatchStatus.ENDED) == bool(match.end_reason)
        assert match.proposed_on <= (match.introduced_on or match.proposed_on) <= today
        if match.started_on:
            assert match.introduced_on <= match.started_on <= today
        if match.ended_on:
            assert match.started_on <= match.ended_on <= today
            assert sorted(match.outcomes.values_list("question", flat=True)) == sorted(
                referral.support_questions
            )
        if referral.is_erased:
            assert match.family_first_name == match.family_address == ""
            assert match.erased_at is not None
        steps = sorted(match.status_changes.all(), key=lambda change: change.changed_at)
        assert steps[0].from_status == "" and steps[0].to_status == MatchStatus.PROPOSED
        for before, after in itertools.pairwise(steps):
            assert after.from_status == before.to_status
        assert steps[-1].to_status == match.status
        assert steps[-1].changed_at <= NOW
    assert open_per_volunteer
    for volunteer_id, count in open_per_volunteer.items():
        assert count <= maximum.get(volunteer_id, 1)


def test_visits_and_check_ins_follow_the_support_services(seeded):
    today = timezone.localdate(NOW)
    for visit in Visit.objects.select_related("match"):
        match = visit.match
        assert match.started_on <= visit.date <= min(match.ended_on or today, today)
        assert visit.minutes % VISIT_STEP_MINUTES == 0
        assert (visit.kind == VisitKind.DONE) == (visit.minutes > 0)
        assert visit.logged_at <= NOW
    assert not Visit.objects.filter(match__started_on__isnull=True).exists()
    # About 105 hours a year: minutes per week a match runs, times 52.
    weeks = Visit.objects.count()
    minutes = sum(Visit.objects.values_list("minutes", flat=True))
    assert 90 <= minutes / weeks * 52 / 60 <= 120
    for match in Match.objects.prefetch_related("check_ins"):
        waiting = [c for c in match.check_ins.all() if c.done_on is None]
        assert len(waiting) == (1 if match.status == MatchStatus.ACTIVE else 0)
        for check_in in match.check_ins.all():
            assert check_in.done_on is None or match.started_on <= check_in.done_on <= today
    assert CheckIn.objects.filter(done_on__isnull=False).exists()


def test_checklists_fit_each_volunteers_status(seeded):
    today = timezone.localdate(NOW)
    states = Counter()
    volunteers = Volunteer.objects.filter(user__email__endswith=SCALE_EMAIL_DOMAIN)
    for volunteer in volunteers:
        rows = checklist(volunteer, today=today)
        for row in rows:
            if row.item is not None:
                assert row.expires_on == expiry_of(row.item_type, row.done_on)
                assert row.done_on is None or row.done_on <= today
            if row.item_type.key == "vog":
                assert row.done_on == volunteer.vog_received_on
            if row.item_type.key == "introductiecursus":
                assert row.done_on == volunteer.introduction_course_completed_on
        blockers = activation_blockers_of(rows)
        if volunteer.status == VolunteerStatus.ACTIVE:
            assert blockers == []
            states.update(row.state for row in rows)
            assert volunteer.supervision_plans.exists()
        if volunteer.status in (VolunteerStatus.APPLIED, VolunteerStatus.INTAKE):
            assert blockers
        if volunteer.status not in (VolunteerStatus.APPLIED, VolunteerStatus.INTAKE):
            assert status_rule(volunteer, VolunteerStatus.VOG_REQUESTED) == []
    assert states[ItemState.EXPIRING]  # some VOGs run out soon
    assert ChecklistItem.objects.filter(volunteer__status=VolunteerStatus.INTAKE).exists()
    assert SupervisionContact.objects.filter(held_on__lte=today).count() > 0
    assert not SupervisionContact.objects.filter(held_on__gt=today).exists()
    assert not SupervisionPlan.objects.exclude(volunteer__status__in=["active", "stopped"]).exists()
