"""Demo intervision: a group with a series in every demo branch, with members, a skip
period, one moved and one cancelled session, answers and recorded attendance; a
national theme meeting and a branch one that is full with a waitlist.
Built through the services; safe to run twice."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from intervision.models import (
    IntervisionGroup,
    IntervisionSession,
    SessionSeries,
    SkipPeriod,
    ThemeMeeting,
)
from intervision.recurrence import NthWeekday, RuleKind, Weekday, aware
from intervision.services import (
    add_session_note,
    answer_invitation,
    cancel_session,
    move_session,
    planned_occurrences,
    record_attendance,
    regenerate_sessions,
    sign_up_for_theme_meeting,
)
from portal.models import Branch, Volunteer, VolunteerStatus

# branch slug -> (group name, venue, series fields)
GROUPS = {
    "utrecht": (
        "Dinsdagochtendgroep",
        "Kantoor Home-Start Utrecht, Oudegracht 245",
        {
            "kind": RuleKind.MONTHLY_NTH_WEEKDAY,
            "nth": NthWeekday.SECOND,
            "weekday": Weekday.TUESDAY,
            "start_time": datetime.time(9, 30),
            "end_time": datetime.time(11, 30),
        },
    ),
    "amersfoort": (
        "Donderdagavondgroep",
        "Buurthuis De Kei, Amersfoort",
        {
            "kind": RuleKind.EVERY_N_WEEKS,
            "interval_weeks": 6,
            "weekday": Weekday.THURSDAY,
            "start_time": datetime.time(19, 30),
            "end_time": datetime.time(21, 30),
        },
    ),
    "zwolle": (
        "Intervisie Zwolle",
        "Home-Start Zwolle, Diezerstraat 40",
        {
            "kind": RuleKind.MONTHLY_NTH_WEEKDAY,
            "nth": NthWeekday.FIRST,
            "weekday": Weekday.WEDNESDAY,
            "start_time": datetime.time(10, 0),
            "end_time": datetime.time(12, 0),
        },
    ),
}


@transaction.atomic
def build_intervision_demo(stdout=None) -> None:
    today = timezone.localdate()
    for slug, (name, venue, rule) in GROUPS.items():
        branch = Branch.objects.filter(slug=slug).first()
        if branch is None or IntervisionGroup.objects.filter(branch=branch, name=name).exists():
            continue
        group = IntervisionGroup.objects.create(
            branch=branch,
            name=name,
            venue=venue,
            facilitator=branch.coordinators.order_by("pk").first(),
        )
        members = list(
            Volunteer.objects.filter(
                branch=branch,
                status__in=[VolunteerStatus.ACTIVE, VolunteerStatus.IN_TRAINING],
            ).order_by("pk")[:8]
        )
        group.members.set(members)
        group.save()  # a ParentalManyToManyField is written on save
        SessionSeries.objects.create(
            group=group, start_date=today - datetime.timedelta(days=200), **rule
        )
        # The summer holidays of the middle region.
        summer = datetime.date(today.year + (today.month > 8), 7, 18)
        SkipPeriod.objects.create(
            group=group,
            first_day=summer,
            last_day=summer + datetime.timedelta(days=42),
            reason="zomervakantie",
        )
        regenerate_sessions(group=group)
        _past_sessions(group, members)
        upcoming = list(group.sessions.filter(start__gt=timezone.now()).order_by("start")[:4])
        if len(upcoming) >= 3:
            first, second, third = upcoming[:3]
            for volunteer in members[: len(members) // 2]:
                answer_invitation(session=first, volunteer=volunteer, answer="yes")
            moved_day = timezone.localtime(second.start).date() + datetime.timedelta(days=1)
            move_session(
                session=second,
                date=moved_day,
                start_time=rule["start_time"],
                end_time=rule["end_time"],
                venue="Bibliotheek, zaal 2",
            )
            cancel_session(session=third, reason="De begeleider is met vakantie.")
        if stdout:
            stdout.write(f"Intervision: {group.name} ({branch.name})\n")
    _theme_meetings(today)


def _theme_meetings(today) -> None:
    """A national theme meeting for everyone, and one by Utrecht for its neighbours."""
    if ThemeMeeting.objects.exists():
        return
    start = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=75), datetime.time(10))
    )
    national = ThemeMeeting.objects.create(
        title="Themadag: veerkracht in gezinnen",
        description="Een dag met lezingen en workshops over wat gezinnen sterk maakt.",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=6),
        venue="Jaarbeurs Utrecht, zaal Rotterdam",
        capacity=60,
        open_to_all_branches=True,
    )
    for volunteer in Volunteer.objects.filter(status=VolunteerStatus.ACTIVE).order_by("pk")[:5]:
        sign_up_for_theme_meeting(meeting=national, volunteer=volunteer)
    utrecht = Branch.objects.filter(slug="utrecht").first()
    if utrecht is None:
        return
    evening = start + datetime.timedelta(days=40, hours=9, minutes=30)
    local = ThemeMeeting.objects.create(
        title="Themavond: opvoeden in twee culturen",
        branch=utrecht,
        starts_at=evening,
        ends_at=evening + datetime.timedelta(hours=2),
        venue="Kantoor Home-Start Utrecht, Oudegracht 245",
        capacity=2,
    )
    local.open_to_branches.set(Branch.objects.filter(slug__in=["utrecht", "amersfoort"]))
    for volunteer in Volunteer.objects.filter(branch=utrecht).order_by("pk")[:3]:
        sign_up_for_theme_meeting(meeting=local, volunteer=volunteer)


def _past_sessions(group, members) -> None:
    """The series' last three meetings before today, held, with attendance and a note, so
    records show a rate. Their days come from the group's own rules (skip periods taken
    out), as if the series had been running for a while."""
    coordinator = group.facilitator
    now = timezone.now()
    today = timezone.localdate()
    planned = planned_occurrences(
        group,
        from_date=today - datetime.timedelta(days=366),
        until=today - datetime.timedelta(days=1),
    )
    for (_series_id, day), series in sorted(planned.items(), key=lambda item: item[0][1])[-3:]:
        session = IntervisionSession.objects.create(
            group=group,
            series=series,
            occurrence_date=day,
            start=aware(day, series.start_time),
            end=aware(day, series.end_time),
            venue=series.venue or group.venue,
        )
        present = [m.pk for i, m in enumerate(members) if (i + day.toordinal()) % 3]
        record_attendance(session=session, present_ids=present, by=coordinator, now=now)
        if coordinator is not None:
            add_session_note(
                session=session,
                author=coordinator,
                text="Besproken: grenzen stellen als een gezin meer vraagt dan een dagdeel; "
                "hoe je een bezoek afsluit.",
            )
