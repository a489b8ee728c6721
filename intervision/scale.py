"""The intervision of `manage.py seed_scale`: groups in every branch meeting monthly or
every six weeks for two years, with RSVPs and attendance of their members, the next
year planned; theme meetings with enrolments within their places (see portal/scale.py)."""

from __future__ import annotations

import datetime

from courses.models.enrolment import EnrolmentStatus
from intervision.models import Attendance as IntervisionAttendance
from intervision.models import (
    IntervisionGroup,
    IntervisionSession,
    Rsvp,
    SessionSeries,
    ThemeMeeting,
    ThemeMeetingEnrolment,
)
from intervision.recurrence import NthWeekday, RuleKind, Weekday, aware
from intervision.services import HORIZON_DAYS, planned_occurrences
from portal.models import VolunteerStatus
from portal.scale import BATCH, ScaleContext

S = VolunteerStatus
GROUP_NAMES = ["Ochtendgroep", "Middaggroep", "Avondgroep", "Groep Noord", "Groep Zuid",
               "Groep Oost", "Groep West", "Groep Centrum", "Nieuwe vrijwilligers", "Groep Dorp"]  # fmt: skip


def seed_intervision(context: ScaleContext) -> None:
    rng, now, today = context.rng, context.now, context.today
    missing = max(context.size.intervision_groups - IntervisionGroup.objects.count(), 0)
    start_date = today - datetime.timedelta(days=730)
    taken = set(IntervisionGroup.objects.values_list("branch_id", "name"))
    members_of: dict[int, list[int]] = {}
    pool = {
        branch.pk: context.volunteers_of(branch.pk, S.ACTIVE, S.PAUSED, S.IN_TRAINING)
        for branch in context.branches
    }
    for people in pool.values():
        rng.shuffle(people)
    groups = []
    for number in range(missing):
        branch = context.branches[number % len(context.branches)]
        name = next(
            f"{base} {suffix}".strip()
            for suffix in ["", *range(2, 100)]
            for base in GROUP_NAMES
            if (branch.pk, f"{base} {suffix}".strip()) not in taken
        )
        taken.add((branch.pk, name))
        groups.append(
            IntervisionGroup(
                branch=branch,
                name=name,
                facilitator=context.coordinators.get(branch.pk),
                venue=f"Kantoor {branch.name}",
            )
        )
    IntervisionGroup.objects.bulk_create(groups, batch_size=BATCH)
    series = []
    for group in groups:
        # Members: the next eight of the branch's pool, so most volunteers are in one group.
        people = pool[group.branch_id]
        members_of[group.pk] = [people.pop() for _ in range(min(8, len(people)))]
        monthly = rng.random() < 0.6
        series.append(
            SessionSeries(
                group=group,
                kind=RuleKind.MONTHLY_NTH_WEEKDAY if monthly else RuleKind.EVERY_N_WEEKS,
                nth=rng.choice(list(NthWeekday.values)[:4]) if monthly else None,
                interval_weeks=None if monthly else 6,
                weekday=rng.choice([Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY]),
                start_time=datetime.time(9, 30),
                end_time=datetime.time(11, 30),
                start_date=start_date,
            )
        )
    for one in series:
        one.save()  # computes the series' rrule
    through = IntervisionGroup.members.through
    through.objects.bulk_create(
        [
            through(intervisiongroup_id=group_id, volunteer_id=volunteer_id)
            for group_id, members in members_of.items()
            for volunteer_id in members
        ],
        batch_size=BATCH,
    )
    sessions = []
    for group, one in zip(groups, series, strict=True):
        planned = planned_occurrences(
            _Rules(one), from_date=start_date, until=today + datetime.timedelta(days=HORIZON_DAYS)
        )
        for (_series_id, day), _ in sorted(planned.items(), key=lambda item: item[0][1]):
            sessions.append(
                IntervisionSession(
                    group=group,
                    series=one,
                    occurrence_date=day,
                    start=aware(day, one.start_time),
                    end=aware(day, one.end_time),
                    venue=group.venue,
                    invited_at=aware(day, one.start_time) - datetime.timedelta(days=14)
                    if day <= today + datetime.timedelta(days=14)
                    else None,
                )
            )
    IntervisionSession.objects.bulk_create(sessions, batch_size=BATCH)
    rsvps, attendance = [], []
    for session in sessions:
        if session.invited_at is None:
            continue
        members = members_of[session.group.pk]
        held = session.start < now
        for volunteer_id in members:
            if rng.random() < 0.7:
                rsvps.append(
                    Rsvp(
                        session=session,
                        volunteer_id=volunteer_id,
                        answer=rng.choice(["yes", "yes", "yes", "no"]),
                        answered_at=session.invited_at
                        + datetime.timedelta(days=rng.randint(0, 10)),
                    )
                )
            if held:
                attendance.append(
                    IntervisionAttendance(
                        session=session,
                        volunteer_id=volunteer_id,
                        present=rng.random() < 0.8,
                        recorded_at=session.end,
                        recorded_by=session.group.facilitator,
                    )
                )
    Rsvp.objects.bulk_create(rsvps, batch_size=BATCH)
    IntervisionAttendance.objects.bulk_create(attendance, batch_size=BATCH)
    context.say(
        f"  intervision: {len(groups)} groups, {len(sessions)} sessions, {len(rsvps)} answers, "
        f"{len(attendance)} attendance"
    )
    seed_theme_meetings(context)


class _Rules:
    """The two relations `planned_occurrences` reads, without querying for them."""

    def __init__(self, series: SessionSeries):
        self.series = _Listed([series])
        self.skip_periods = _Listed([])


class _Listed:
    def __init__(self, items):
        self.items = items

    def all(self):
        return self.items


def seed_theme_meetings(context: ScaleContext) -> None:
    rng, now = context.rng, context.now
    missing = max(context.size.theme_meetings - ThemeMeeting.objects.count(), 0)
    everyone = [
        pk
        for branch in context.branches
        for pk in context.volunteers_of(branch.pk, S.ACTIVE, S.PAUSED, S.IN_TRAINING)
    ]
    enrolments = []
    for number in range(missing):
        national = number % 4 == 0
        branch = None if national else context.branches[number % len(context.branches)]
        start = (now + datetime.timedelta(days=rng.randint(-700, 180))).replace(
            hour=9 if national else 18, minute=30, second=0, microsecond=0
        )
        meeting = ThemeMeeting.objects.create(
            title=f"Themabijeenkomst {number + 1}: {rng.choice(['veerkracht', 'taal', 'armoede', 'rouw'])}",
            branch=branch,
            open_to_all_branches=national,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=6 if national else 2),
            venue="Jaarbeurs Utrecht" if national else f"Kantoor {branch.name}",
            capacity=200 if national else 30,
        )
        if branch is not None:
            meeting.open_to_branches.set([branch])
            people = context.volunteers_of(branch.pk, S.ACTIVE, S.PAUSED, S.IN_TRAINING)
        else:
            people = everyone
        chosen = rng.sample(
            people, k=min(len(people), rng.randint(meeting.capacity // 3, meeting.capacity))
        )
        signed_up = min(start - datetime.timedelta(days=20), now)
        enrolments.extend(
            ThemeMeetingEnrolment(
                offering=meeting,
                volunteer_id=pk,
                status=EnrolmentStatus.ENROLLED,
                created_at=signed_up,
                enrolled_at=signed_up,
            )
            for pk in chosen
        )
    ThemeMeetingEnrolment.objects.bulk_create(enrolments, batch_size=BATCH)
    context.say(f"  theme meetings: {missing} new, {len(enrolments)} enrolments")
