"""The support route of `manage.py seed_scale`: matches, weekly visits and check-ins for
the referrals the referrals seeder made (see portal/scale.py).

Written in bulk, keeping what support/services.py keeps:

- a match joins a referral and a volunteer of the same branch; a referral has at most
  one open match; open matches only for active volunteers, never more than their
  maximum (`VolunteerSupportSettings.max_families`, default 1), and a volunteer never
  carried more families at once than that in the past either;
- the match's status follows the referral's: proposed or introduced while the referral is
  "intake done", active while "support started" (started on the day the referral
  moved), ended with a reason and an outcome per support question when "support ended";
  a few proposals withdrawn; every match has its status history;
- one visit a week at most one per day, from the start to the end (or today), in quarter
  hours (about 105 hours a volunteer a year), none before the start or in the future;
- check-ins six weeks after the start and then every three months; only a running
  match has one open check-in;
- family details erased on matches whose referral has been erased.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.utils import timezone

from portal.models import Volunteer, VolunteerStatus, VolunteerStatusChange
from portal.scale import BATCH, FIRST_NAMES, ScaleContext
from support.models import (
    CheckIn,
    EndReason,
    Match,
    MatchStatus,
    MatchStatusChange,
    Outcome,
    Programme,
    SupportQuestionOutcome,
    Visit,
    VisitKind,
    VisitSource,
    VolunteerSupportSettings,
)
from support.referrals.models import Referral, ReferralStatus, ReferralStatusChange
from support.referrals.services import _REFERENCE_ALPHABET
from support.services import CHECK_IN_EVERY_MONTHS, FIRST_CHECK_IN_AFTER, add_months

R = ReferralStatus
M = MatchStatus
V = VolunteerStatus
WEEK = datetime.timedelta(weeks=1)
# Quarter hours, 2.5 hours on average: with one visit in six not happening that is
# about 105 hours a year.
VISIT_MINUTES = [90, 105, 120, 135, 150, 165, 180, 195, 210]
END_REASONS = [
    (EndReason.GOALS_REACHED, 55),
    (EndReason.FAMILY_STOPS, 12),
    (EndReason.MOVED, 8),
    (EndReason.PROFESSIONAL_HELP, 10),
    (EndReason.OTHER, 7),
]
# Not "de vrijwilliger stopt": that end keeps the referral "support started" for a new
# match (services.end_match), and the seeder makes one match per referral, ended when
# the referral ended.
STREETS = ["Kerkstraat", "Schoolstraat", "Molenweg", "Dorpsstraat", "Julianalaan", "Beukenlaan"]
FAR_FUTURE = datetime.date(9999, 1, 1)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _between(rng, first: datetime.date, last: datetime.date) -> datetime.date:
    if last <= first:
        return first
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def seed_support(context: ScaleContext) -> None:
    rng, today = context.rng, context.today
    volunteers = {}
    for pk, user_id, branch_id, status, changed in Volunteer.objects.values_list(
        "pk", "user_id", "branch_id", "status", "status_changed_at"
    ).order_by("pk"):
        volunteers[pk] = (user_id, branch_id, status, timezone.localdate(changed))
    activated = {}
    for volunteer_id, changed_at in (
        VolunteerStatusChange.objects.filter(to_status=V.ACTIVE)
        .order_by("changed_at", "pk")
        .values_list("volunteer_id", "changed_at")
    ):
        activated.setdefault(volunteer_id, timezone.localdate(changed_at))

    # Some volunteers take two or three families at once.
    settings, maximum = [], {}
    for pk, (_user, _branch, status, _changed) in volunteers.items():
        maximum[pk] = 1
        if status in (V.ACTIVE, V.PAUSED, V.STOPPED) and pk in activated:
            chance = rng.random()
            if chance < 0.3:
                maximum[pk] = 3 if chance < 0.05 else 2
                settings.append(
                    VolunteerSupportSettings(
                        volunteer_id=pk, max_families=maximum[pk], weekly_email=rng.random() < 0.9
                    )
                )
    existing = set(VolunteerSupportSettings.objects.values_list("volunteer_id", flat=True))
    settings = [s for s in settings if s.volunteer_id not in existing]
    for found in VolunteerSupportSettings.objects.values_list("volunteer_id", "max_families"):
        maximum[found[0]] = found[1]
    VolunteerSupportSettings.objects.bulk_create(settings, batch_size=BATCH)

    # Busy periods per volunteer: (from, until), matches already there included.
    busy: dict[int, list[tuple[datetime.date, datetime.date]]] = defaultdict(list)
    matched = set()
    for volunteer_id, referral_id, status, proposed, ended in Match.objects.values_list(
        "volunteer_id", "referral_id", "status", "proposed_on", "ended_on"
    ):
        matched.add(referral_id)
        if volunteer_id and status != M.WITHDRAWN:
            busy[volunteer_id].append((proposed, ended or FAR_FUTURE))
    by_branch = defaultdict(list)
    for pk, (_user, branch_id, status, _changed) in volunteers.items():
        if pk in activated and status in (V.ACTIVE, V.PAUSED, V.STOPPED):
            by_branch[branch_id].append(pk)

    def pick(branch_id: int, start: datetime.date, until: datetime.date) -> int | None:
        """A volunteer of the branch, active at `start` (and still, for an open match),
        with room for one more family over the whole period."""
        open_now = until == FAR_FUTURE
        candidates = []
        for pk in by_branch.get(branch_id, []):
            _user, _branch, status, changed = volunteers[pk]
            if activated[pk] > start:
                continue
            if open_now and status != V.ACTIVE:
                continue
            if status == V.STOPPED and changed < until:
                continue
            if status == V.PAUSED and changed < until:
                continue
            overlapping = sum(1 for first, last in busy[pk] if first <= until and start <= last)
            if overlapping < maximum[pk]:
                candidates.append(pk)
        return rng.choice(candidates) if candidates else None

    referrals = list(
        Referral.objects.filter(
            status__in=[R.INTAKE_DONE, R.SUPPORT_STARTED, R.SUPPORT_ENDED], branch__isnull=False
        )
        .exclude(pk__in=matched)
        .order_by("received_at", "pk")
        .values_list("pk", "branch_id", "status", "erased_at", "support_questions")
    )
    moves = defaultdict(dict)
    for referral_id, to_status, changed_at in ReferralStatusChange.objects.filter(
        referral_id__in=[r[0] for r in referrals]
    ).values_list("referral_id", "to_status", "changed_at"):
        moves[referral_id][to_status] = timezone.localdate(changed_at)

    taken = set(Match.objects.values_list("reference", flat=True))
    matches, plans = [], []
    for referral_id, branch_id, status, erased_at, questions in referrals:
        dates = moves[referral_id]
        intake = dates.get(R.INTAKE_DONE)
        if intake is None:
            continue
        if status == R.INTAKE_DONE:
            if erased_at is not None or rng.random() < 0.4:
                continue  # still looking for a volunteer
            match_status = rng.choice([M.PROPOSED, M.PROPOSED, M.INTRODUCED, M.WITHDRAWN])
            proposed = _between(rng, intake, today)
            introduced = _between(rng, proposed, today) if match_status == M.INTRODUCED else None
            started = ended = None
            until = proposed if match_status == M.WITHDRAWN else FAR_FUTURE
        else:
            started = dates.get(R.SUPPORT_STARTED)
            if started is None:
                continue
            ended = dates.get(R.SUPPORT_ENDED) if status == R.SUPPORT_ENDED else None
            match_status = M.ENDED if ended else M.ACTIVE
            proposed = _between(rng, intake, started)
            introduced = _between(rng, proposed, started)
            until = ended or FAR_FUTURE
        volunteer_id = pick(branch_id, proposed, until)
        if volunteer_id is None:
            continue
        if match_status != M.WITHDRAWN:
            busy[volunteer_id].append((proposed, until))
        while (reference := "KP-" + "".join(rng.choices(_REFERENCE_ALPHABET, k=6))) in taken:
            pass
        taken.add(reference)
        coordinator = context.coordinators.get(branch_id)
        erased = erased_at is not None
        reason = ""
        if match_status == M.ENDED:
            reason = rng.choices([r for r, _ in END_REASONS], [w for _, w in END_REASONS])[0]
        match = Match(
            reference=reference,
            referral_id=referral_id,
            volunteer_id=volunteer_id,
            branch_id=branch_id,
            programme=Programme.HOME_START_PLUS if rng.random() < 0.15 else Programme.HOME_START,
            status=match_status,
            proposed_on=proposed,
            introduced_on=introduced,
            started_on=started,
            ended_on=ended,
            end_reason=reason,
            closing_talk_on=_between(rng, ended, min(ended + WEEK * 2, today)) if ended else None,
            network_grew=rng.random() < 0.6 if ended else None,
            family_first_name="" if erased else rng.choice(FIRST_NAMES),
            family_address="" if erased else f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
            erased_at=erased_at,
            created_by=coordinator,
        )
        matches.append(match)
        plans.append((questions, coordinator))
    Match.objects.bulk_create(matches, batch_size=BATCH)
    ids = dict(
        Match.objects.filter(reference__in=[m.reference for m in matches]).values_list(
            "reference", "pk"
        )
    )

    changes, visits, check_ins, outcomes = [], [], [], []
    hours = defaultdict(int)
    for match, (questions, coordinator) in zip(matches, plans, strict=True):
        pk = ids[match.reference]
        user_id = volunteers[match.volunteer_id][0]
        steps = [(M.PROPOSED, match.proposed_on)]
        if match.introduced_on:
            steps.append((M.INTRODUCED, match.introduced_on))
        if match.status == M.WITHDRAWN:
            steps.append((M.WITHDRAWN, _between(rng, match.proposed_on, today)))
        if match.started_on:
            steps.append((M.ACTIVE, match.started_on))
        if match.ended_on:
            steps.append((M.ENDED, match.ended_on))
        previous = ""
        for hour, (step, day) in enumerate(steps, start=9):
            changes.append(
                MatchStatusChange(
                    match_id=pk,
                    from_status=previous,
                    to_status=step,
                    changed_at=min(_at(day, hour), context.now),
                    changed_by=coordinator,
                )
            )
            previous = step
        if match.started_on is None:
            continue
        last = min(match.ended_on or today, today)
        day = match.started_on
        while day <= last:
            chance = rng.random()
            if chance < 0.84:
                kind, minutes = VisitKind.DONE, rng.choice(VISIT_MINUTES)
            elif chance < 0.94:
                kind, minutes = VisitKind.CANCELLED_BY_FAMILY, 0
            else:
                kind, minutes = VisitKind.CANCELLED_BY_VOLUNTEER, 0
            by_email = rng.random() < 0.3
            visits.append(
                Visit(
                    match_id=pk,
                    date=day,
                    kind=kind,
                    minutes=minutes,
                    source=VisitSource.EMAIL if by_email else VisitSource.PORTAL,
                    logged_by_id=user_id,
                    logged_at=min(
                        _at(min(day + datetime.timedelta(days=rng.randint(0, 3)), last), 20),
                        context.now,
                    ),
                )
            )
            hours[match.volunteer_id] += minutes
            day += WEEK
        due = match.started_on + FIRST_CHECK_IN_AFTER
        while due <= last:
            done = min(due + datetime.timedelta(days=rng.randint(-3, 10)), last)
            done = max(done, match.started_on)
            check_ins.append(CheckIn(match_id=pk, due_on=due, done_on=done, done_by=coordinator))
            due = add_months(done, CHECK_IN_EVERY_MONTHS)
        if match.status == M.ACTIVE:
            check_ins.append(CheckIn(match_id=pk, due_on=due))
        if match.status == M.ENDED:
            outcomes.extend(
                SupportQuestionOutcome(
                    match_id=pk,
                    question=code,
                    outcome=rng.choices(Outcome.values, [6, 3, 1])[0],
                )
                for code in questions
            )
    MatchStatusChange.objects.bulk_create(changes, batch_size=BATCH)
    Visit.objects.bulk_create(visits, batch_size=BATCH)
    CheckIn.objects.bulk_create(check_ins, batch_size=BATCH)
    SupportQuestionOutcome.objects.bulk_create(outcomes, batch_size=BATCH)
    context.say(
        f"  support: {len(matches)} matches, {len(visits)} visits "
        f"({sum(hours.values()) // 60} hours), {len(check_ins)} check-ins"
    )
