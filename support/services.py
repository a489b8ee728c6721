"""Rules of the support route: proposing, introducing, starting and ending a match;
visits and hours; check-ins; safety concerns; erasing family details.

Every operation refuses with a Dutch `ServiceError` before it writes. Limits (a
volunteer's maximum number of families, one open match per referral) hold under
concurrency: the volunteer's and the referral's rows are locked, and the database
backs the second with a constraint. Log lines carry ids only, never family data.
"""

from __future__ import annotations

import calendar
import datetime
import logging
import secrets
from collections.abc import Mapping

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.errors import ServiceError
from portal.models import User, Volunteer
from portal.models.volunteers import VolunteerStatus
from portal.queue import enqueue_on_commit
from support.models import (
    DEFAULT_VISIT_MINUTES,
    MATCH_PERSONAL_FIELDS,
    MAX_VISIT_MINUTES,
    OPEN_STATUSES,
    VISIT_STEP_MINUTES,
    CheckIn,
    Concern,
    ConcernAccess,
    ConcernStep,
    ConcernStepKind,
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
from support.referrals.models import Referral, ReferralStatus
from support.referrals.services import change_referral_status

logger = logging.getLogger(__name__)

S = MatchStatus

FIRST_CHECK_IN_AFTER = datetime.timedelta(weeks=6)
CHECK_IN_EVERY_MONTHS = 3
NO_VISIT_ALERT_AFTER = datetime.timedelta(weeks=3)
DURATION_MILESTONES_MONTHS = (15, 18)
DEFAULT_MAX_FAMILIES = 1

MSG_REFERRAL_NOT_READY = _(
    "Leg eerst de kennismaking in het gezin vast (status „kennismaking gedaan”)."
)
MSG_REFERRAL_NO_BRANCH = _("Deze aanmelding hoort nog bij geen afdeling.")
MSG_REFERRAL_ERASED = _("De gegevens van deze aanmelding zijn gewist.")
MSG_REFERRAL_HAS_MATCH = _("Deze aanmelding heeft al een lopende koppeling.")
MSG_OTHER_BRANCH = _("De vrijwilliger hoort bij een andere afdeling dan het gezin.")
MSG_VOLUNTEER_NOT_ACTIVE = _("Alleen een actieve vrijwilliger kan aan een gezin worden gekoppeld.")
MSG_VOLUNTEER_FULL = _("Deze vrijwilliger heeft al het maximale aantal gezinnen (%(max)s).")
MSG_BAD_PROGRAMME = _("Kies Home-Start of Home-Start+.")
MSG_WRONG_STATE = _("Dat kan niet bij een koppeling met status „%(status)s”.")
MSG_DATE_IN_FUTURE = _("Die datum ligt in de toekomst.")
MSG_DATE_TOO_EARLY = _("Die datum ligt vóór de vorige stap (%(date)s).")
MSG_END_REASON = _("Kies de reden van afsluiten.")
MSG_NETWORK_REQUIRED = _("Geef aan of het eigen netwerk van het gezin is gegroeid.")
MSG_OUTCOME_MISSING = _("Vul bij elke hulpvraag in of die bereikt is.")
MSG_OUTCOME_UNKNOWN = _("Onbekende hulpvraag of uitkomst in de evaluatie.")
MSG_OPEN_CONCERN = _("Sluit eerst de zorgmelding van deze koppeling af.")
MSG_NOT_ACTIVE = _("Deze koppeling loopt niet (meer).")
MSG_NOT_YOUR_MATCH = _("Dit is niet jouw koppeling.")
MSG_VISIT_KIND = _("Kies „bezoek gedaan” of „ging niet door”.")
MSG_VISIT_MINUTES = _("Vul de tijd in kwartieren in, van 15 minuten tot 12 uur.")
MSG_VISIT_BEFORE_START = _("De koppeling was op die datum nog niet gestart.")
MSG_VISIT_TWICE = _("Voor die dag is al een bezoek genoteerd.")
MSG_CHECK_IN_DONE = _("Dit contactmoment is al gedaan.")
MSG_CONCERN_CLOSED = _("Deze zorgmelding is al gesloten.")
MSG_CONCERN_STEP = _("Kies een stap van de meldcode.")
MSG_MAX_FAMILIES = _("Kies een maximum van 1 tot 5 gezinnen.")

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved `months` calendar months on (31 January + 1 month = 28/29 February)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    return day.replace(
        year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1])
    )


def _new_reference() -> str:
    return "KP-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))


def _locked_match(match: Match) -> Match:
    return Match.objects.select_for_update().get(pk=match.pk)


def _require_status(match: Match, *statuses: str) -> None:
    if match.status not in statuses:
        raise ServiceError(MSG_WRONG_STATE % {"status": S(match.status).label}, code="wrong_state")


def _record_change(match: Match, to_status: str, by: User | None) -> None:
    MatchStatusChange.objects.create(
        match=match, from_status=match.status, to_status=to_status, changed_by=by
    )
    match.status = to_status


def _check_date(day: datetime.date, *, not_before: datetime.date | None, today) -> None:
    if day > today:
        raise ServiceError(MSG_DATE_IN_FUTURE, code="date_in_future", field="date")
    if not_before is not None and day < not_before:
        raise ServiceError(
            MSG_DATE_TOO_EARLY % {"date": not_before.strftime("%d-%m-%Y")},
            code="date_too_early",
            field="date",
        )


# --- Volunteer settings and load ----------------------------------------------------


def max_families_of(volunteer: Volunteer) -> int:
    found = VolunteerSupportSettings.objects.filter(volunteer=volunteer).first()
    return found.max_families if found else DEFAULT_MAX_FAMILIES


@transaction.atomic
def set_support_settings(
    *, volunteer: Volunteer, max_families: int | None = None, weekly_email: bool | None = None
) -> VolunteerSupportSettings:
    found, _created = VolunteerSupportSettings.objects.select_for_update().get_or_create(
        volunteer=volunteer
    )
    if max_families is not None:
        if not 1 <= max_families <= 5:
            raise ServiceError(MSG_MAX_FAMILIES, code="max_families", field="max_families")
        found.max_families = max_families
    if weekly_email is not None:
        found.weekly_email = weekly_email
    found.save()
    return found


def wants_weekly_email(volunteer: Volunteer) -> bool:
    found = VolunteerSupportSettings.objects.filter(volunteer=volunteer).first()
    return found.weekly_email if found else True


# --- The match's route --------------------------------------------------------------


def _volunteer_stopped():
    """An ended match of the referral whose volunteer stopped: the family's support
    goes on and the family waits for a new volunteer."""
    return Match.objects.filter(
        referral=OuterRef("pk"), status=S.ENDED, end_reason=EndReason.VOLUNTEER_STOPS
    )


def referrals_waiting_for_volunteer():
    """Referrals that may be given a (new) volunteer and have no open match: their
    introduction visit is done, or their support goes on after a volunteer stopped."""
    return Referral.objects.filter(
        Q(status=ReferralStatus.INTAKE_DONE)
        | Q(Exists(_volunteer_stopped()), status=ReferralStatus.SUPPORT_STARTED)
    ).exclude(Exists(Match.objects.open().filter(referral=OuterRef("pk"))))


def is_ready_for_match(referral: Referral) -> bool:
    """A volunteer may be proposed for this family (leaving aside an open match)."""
    if referral.status == ReferralStatus.INTAKE_DONE:
        return True
    return (
        referral.status == ReferralStatus.SUPPORT_STARTED
        and Match.objects.filter(
            referral=referral, status=S.ENDED, end_reason=EndReason.VOLUNTEER_STOPS
        ).exists()
    )


@transaction.atomic
def propose_match(
    *,
    referral: Referral,
    volunteer: Volunteer,
    programme: str = Programme.HOME_START,
    by: User | None,
    family_first_name: str = "",
    family_address: str = "",
    today: datetime.date | None = None,
) -> Match:
    """Propose `volunteer` for the family of `referral` (step 4)."""
    if programme not in Programme.values:
        raise ServiceError(MSG_BAD_PROGRAMME, code="bad_programme", field="programme")
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.is_erased:
        raise ServiceError(MSG_REFERRAL_ERASED, code="referral_erased")
    if referral.branch_id is None:
        raise ServiceError(MSG_REFERRAL_NO_BRANCH, code="referral_no_branch")
    if Match.objects.filter(referral=referral).open().exists():
        raise ServiceError(MSG_REFERRAL_HAS_MATCH, code="referral_has_match")
    if not is_ready_for_match(referral):
        raise ServiceError(MSG_REFERRAL_NOT_READY, code="referral_not_ready")
    # The volunteer's row is the lock for their maximum: two coordinators proposing
    # the same volunteer at once are served one after the other.
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.branch_id != referral.branch_id:
        raise ServiceError(MSG_OTHER_BRANCH, code="other_branch", field="volunteer")
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise ServiceError(MSG_VOLUNTEER_NOT_ACTIVE, code="volunteer_not_active", field="volunteer")
    maximum = max_families_of(volunteer)
    if Match.objects.filter(volunteer=volunteer).open().count() >= maximum:
        raise ServiceError(
            MSG_VOLUNTEER_FULL % {"max": maximum}, code="volunteer_full", field="volunteer"
        )
    first_name = family_first_name.strip()
    if not first_name and referral.family_name.strip():
        first_name = referral.family_name.split()[0]
    match = None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                match = Match.objects.create(
                    reference=_new_reference(),
                    referral=referral,
                    volunteer=volunteer,
                    branch_id=referral.branch_id,
                    programme=programme,
                    proposed_on=_today(today),
                    family_first_name=first_name[:60],
                    family_address=family_address.strip()[:200],
                    created_by=by,
                )
            break
        except IntegrityError:
            if Match.objects.filter(referral=referral).open().exists():
                raise ServiceError(MSG_REFERRAL_HAS_MATCH, code="referral_has_match") from None
            continue  # a clash of two random references
    if match is None:
        raise RuntimeError("No free match reference after five attempts.")
    MatchStatusChange.objects.create(
        match=match, from_status="", to_status=S.PROPOSED, changed_by=by
    )
    logger.info("match %s proposed: referral %s, volunteer %s", match.pk, referral.pk, volunteer.pk)
    return match


@transaction.atomic
def record_introduction(
    *, match: Match, on: datetime.date, by: User | None, today: datetime.date | None = None
) -> Match:
    """The coordinator introduced volunteer and family to each other."""
    locked = _locked_match(match)
    _require_status(locked, S.PROPOSED)
    _check_date(on, not_before=locked.proposed_on, today=_today(today))
    _record_change(locked, S.INTRODUCED, by)
    locked.introduced_on = on
    locked.save(update_fields=["status", "introduced_on", "updated_at"])
    return locked


@transaction.atomic
def start_match(
    *, match: Match, on: datetime.date, by: User | None, today: datetime.date | None = None
) -> Match:
    """Weekly visits begin. The referral becomes "support started", which tells the
    referrer; the first check-in is planned six weeks on."""
    locked = _locked_match(match)
    _require_status(locked, S.INTRODUCED)
    _check_date(on, not_before=locked.introduced_on, today=_today(today))
    _record_change(locked, S.ACTIVE, by)
    locked.started_on = on
    locked.save(update_fields=["status", "started_on", "updated_at"])
    referral = Referral.objects.get(pk=locked.referral_id)
    if referral.status != ReferralStatus.SUPPORT_STARTED:
        change_referral_status(referral=referral, to_status=ReferralStatus.SUPPORT_STARTED, by=by)
    CheckIn.objects.create(match=locked, due_on=on + FIRST_CHECK_IN_AFTER)
    logger.info("match %s started", locked.pk)
    return locked


@transaction.atomic
def withdraw_match(*, match: Match, by: User | None) -> Match:
    """A proposal that does not go ahead (before the start); the volunteer is free again."""
    locked = _locked_match(match)
    _require_status(locked, S.PROPOSED, S.INTRODUCED)
    _record_change(locked, S.WITHDRAWN, by)
    locked.save(update_fields=["status", "updated_at"])
    return locked


@transaction.atomic
def end_match(
    *,
    match: Match,
    on: datetime.date,
    reason: str,
    closing_talk_on: datetime.date | None,
    outcomes: Mapping[str, str],
    network_grew: bool | None,
    by: User | None,
    today: datetime.date | None = None,
) -> Match:
    """Close a running match with its evaluation (step 7). The referral becomes "support
    ended", which tells the referrer; the volunteer loses the family's details at once.

    When the volunteer stops, the family's support goes on: the referral stays
    "support started" (the referrer hears nothing) and the family waits for a new
    volunteer in "Vrijwilliger zoeken"."""
    locked = _locked_match(match)
    _require_status(locked, S.ACTIVE)
    today = _today(today)
    _check_date(on, not_before=locked.started_on, today=today)
    if closing_talk_on is not None:
        _check_date(closing_talk_on, not_before=locked.started_on, today=today)
    if reason not in EndReason.values:
        raise ServiceError(MSG_END_REASON, code="end_reason", field="reason")
    if network_grew is None:
        raise ServiceError(MSG_NETWORK_REQUIRED, code="network_required", field="network_grew")
    referral = Referral.objects.get(pk=locked.referral_id)
    questions = list(referral.support_questions)
    if any(code not in questions for code in outcomes) or any(
        value not in Outcome.values for value in outcomes.values()
    ):
        raise ServiceError(MSG_OUTCOME_UNKNOWN, code="outcome_unknown", field="outcomes")
    if any(code not in outcomes for code in questions):
        raise ServiceError(MSG_OUTCOME_MISSING, code="outcome_missing", field="outcomes")
    if locked.concerns.filter(closed_at__isnull=True).exists():
        raise ServiceError(MSG_OPEN_CONCERN, code="open_concern")
    _record_change(locked, S.ENDED, by)
    locked.ended_on = on
    locked.end_reason = reason
    locked.closing_talk_on = closing_talk_on
    locked.network_grew = network_grew
    locked.save(
        update_fields=[
            "status",
            "ended_on",
            "end_reason",
            "closing_talk_on",
            "network_grew",
            "updated_at",
        ]
    )
    SupportQuestionOutcome.objects.bulk_create(
        SupportQuestionOutcome(match=locked, question=code, outcome=outcomes[code])
        for code in questions
    )
    locked.check_ins.filter(done_on__isnull=True).delete()
    if reason != EndReason.VOLUNTEER_STOPS and referral.status == ReferralStatus.SUPPORT_STARTED:
        change_referral_status(referral=referral, to_status=ReferralStatus.SUPPORT_ENDED, by=by)
    logger.info("match %s ended (%s)", locked.pk, reason)
    return locked


# --- Visits and hours ---------------------------------------------------------------


@transaction.atomic
def log_visit(
    *,
    match: Match,
    by: User,
    on: datetime.date,
    kind: str = VisitKind.DONE,
    minutes: int | None = None,
    source: str = VisitSource.PORTAL,
    today: datetime.date | None = None,
) -> Visit:
    """A visit done (in quarter hours, a half-day by default) or one that did not happen.
    One per match and day. The volunteer logs their own; a coordinator may log for them."""
    locked = _locked_match(match)
    if locked.status != S.ACTIVE:
        raise ServiceError(MSG_NOT_ACTIVE, code="not_active")
    if source != VisitSource.ADMIN and (
        locked.volunteer_id is None or locked.volunteer.user_id != by.pk
    ):
        raise ServiceError(MSG_NOT_YOUR_MATCH, code="not_your_match")
    if kind not in VisitKind.values:
        raise ServiceError(MSG_VISIT_KIND, code="visit_kind", field="kind")
    if kind == VisitKind.DONE:
        minutes = DEFAULT_VISIT_MINUTES if minutes is None else minutes
        if (
            isinstance(minutes, bool)
            or not isinstance(minutes, int)
            or minutes % VISIT_STEP_MINUTES
            or not VISIT_STEP_MINUTES <= minutes <= MAX_VISIT_MINUTES
        ):
            raise ServiceError(MSG_VISIT_MINUTES, code="visit_minutes", field="minutes")
    else:
        minutes = 0
    today = _today(today)
    if on > today:
        raise ServiceError(MSG_DATE_IN_FUTURE, code="date_in_future", field="date")
    if on < locked.started_on:
        raise ServiceError(MSG_VISIT_BEFORE_START, code="visit_before_start", field="date")
    if locked.visits.filter(date=on).exists():
        raise ServiceError(MSG_VISIT_TWICE, code="visit_twice", field="date")
    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                match=locked, date=on, kind=kind, minutes=minutes, source=source, logged_by=by
            )
    except IntegrityError:
        raise ServiceError(MSG_VISIT_TWICE, code="visit_twice", field="date") from None
    logger.info("match %s: visit %s logged (%s)", locked.pk, visit.pk, kind)
    return visit


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


@transaction.atomic
def answer_week_by_link(
    *, match: Match, week: datetime.date, kind: str, today: datetime.date | None = None
) -> tuple[Visit, bool]:
    """The one-tap answer from the weekly e-mail for the week starting `week`.

    Returns (visit, created). A week that already has a visit keeps it: a second tap,
    or a tap after logging in Mijn Home-Start, records nothing twice.
    """
    locked = _locked_match(match)
    if locked.status != S.ACTIVE or locked.volunteer_id is None:
        raise ServiceError(MSG_NOT_ACTIVE, code="not_active")
    existing = locked.visits.filter(
        date__gte=week, date__lt=week + datetime.timedelta(days=7)
    ).first()
    if existing is not None:
        return existing, False
    today = _today(today)
    # The visit is dated the last day of that week that has passed.
    on = min(today, week + datetime.timedelta(days=6))
    on = max(on, locked.started_on)
    visit = log_visit(
        match=locked,
        by=locked.volunteer.user,
        on=on,
        kind=kind,
        source=VisitSource.EMAIL,
        today=today,
    )
    return visit, True


def minutes_in_year(*, volunteer: Volunteer, year: int) -> int:
    total = Visit.objects.filter(
        match__volunteer=volunteer, kind=VisitKind.DONE, date__year=year
    ).aggregate(total=Sum("minutes"))["total"]
    return total or 0


# --- Signed links in the weekly e-mail ------------------------------------------------

WEEK_LINK_SALT = "support.visit-week"
WEEK_LINK_MAX_AGE = datetime.timedelta(days=14)


def week_link_token(*, match_id: int, week: datetime.date) -> str:
    """The signed part of the link in the weekly e-mail: ids and a date, nothing else."""
    return signing.dumps([match_id, week.toordinal()], salt=WEEK_LINK_SALT)


def read_week_link_token(token: str) -> tuple[int, datetime.date]:
    """(match id, Monday of the week). Raises signing.SignatureExpired when the link is
    too old, signing.BadSignature when it has been altered."""
    value = signing.loads(token, salt=WEEK_LINK_SALT, max_age=WEEK_LINK_MAX_AGE)
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise signing.BadSignature("unexpected payload")
    try:
        week = datetime.date.fromordinal(value[1])
    except (ValueError, OverflowError):
        raise signing.BadSignature("unexpected payload") from None
    return value[0], week


def matches_to_ask_this_week(*, today: datetime.date | None = None) -> list[int]:
    """Active matches whose volunteer wants the weekly e-mail and has logged nothing
    this week."""
    monday = week_start(_today(today))
    return list(
        Match.objects.active()
        .exclude(volunteer__support_settings__weekly_email=False)
        .exclude(visits__date__gte=monday)
        .filter(started_on__lte=_today(today))
        .values_list("pk", flat=True)
        .distinct()
    )


def queue_weekly_visit_questions(*, today: datetime.date | None = None) -> int:
    today = _today(today)
    ids = matches_to_ask_this_week(today=today)
    for match_id in ids:
        enqueue_on_commit(
            "support.tasks.send_visit_question", match_id, week_start(today).isoformat()
        )
    logger.info("weekly visit question queued for %s matches", len(ids))
    return len(ids)


# --- Check-ins ----------------------------------------------------------------------


@transaction.atomic
def complete_check_in(
    *, check_in: CheckIn, on: datetime.date, by: User | None, today: datetime.date | None = None
) -> CheckIn:
    """Mark a check-in done and plan the next one three months on."""
    locked = CheckIn.objects.select_for_update().select_related("match").get(pk=check_in.pk)
    if locked.done_on is not None:
        raise ServiceError(MSG_CHECK_IN_DONE, code="check_in_done")
    _require_status(locked.match, S.ACTIVE)
    _check_date(on, not_before=locked.match.started_on, today=_today(today))
    locked.done_on, locked.done_by = on, by
    locked.save(update_fields=["done_on", "done_by"])
    if not locked.match.check_ins.filter(done_on__isnull=True).exists():
        CheckIn.objects.create(match=locked.match, due_on=add_months(on, CHECK_IN_EVERY_MONTHS))
    return locked


@transaction.atomic
def reschedule_check_in(*, check_in: CheckIn, due_on: datetime.date) -> CheckIn:
    locked = CheckIn.objects.select_for_update().get(pk=check_in.pk)
    if locked.done_on is not None:
        raise ServiceError(MSG_CHECK_IN_DONE, code="check_in_done")
    locked.due_on = due_on
    locked.save(update_fields=["due_on"])
    return locked


# --- What needs attention -------------------------------------------------------------


def matches_without_recent_visit(*, branch_ids, today: datetime.date | None = None):
    """Active matches, running three weeks or more, with nothing logged for three weeks."""
    cutoff = _today(today) - NO_VISIT_ALERT_AFTER
    return (
        Match.objects.active()
        .of_branches(branch_ids)
        .filter(started_on__lte=cutoff)
        .exclude(Exists(Visit.objects.filter(match=OuterRef("pk"), date__gt=cutoff)))
    )


def check_ins_due(*, branch_ids, today: datetime.date | None = None):
    return CheckIn.objects.filter(
        match__status=S.ACTIVE,
        match__branch_id__in=branch_ids,
        done_on__isnull=True,
        due_on__lte=_today(today),
    )


def matches_reaching_months(*, branch_ids, months: int, today: datetime.date | None = None):
    """Active matches that have run `months` months or more."""
    return (
        Match.objects.active()
        .of_branches(branch_ids)
        .filter(started_on__lte=add_months(_today(today), -months))
    )


# --- Safety concerns ---------------------------------------------------------------


@transaction.atomic
def raise_concern(*, match: Match, by: User) -> Concern:
    """ "Ik maak me zorgen, bel mij": the branch's coordinators are told at once, in an
    e-mail that only links to the admin."""
    locked = _locked_match(match)
    if locked.status != S.ACTIVE:
        raise ServiceError(MSG_NOT_ACTIVE, code="not_active")
    if locked.volunteer_id is None or locked.volunteer.user_id != by.pk:
        raise ServiceError(MSG_NOT_YOUR_MATCH, code="not_your_match")
    open_concern = locked.concerns.filter(closed_at__isnull=True).first()
    if open_concern is not None:
        # Pressing again while one is open calls the coordinators again, no second record.
        enqueue_on_commit("support.tasks.notify_concern", open_concern.pk)
        return open_concern
    concern = Concern.objects.create(match=locked, raised_by=by)
    enqueue_on_commit("support.tasks.notify_concern", concern.pk)
    logger.info("concern %s raised on match %s", concern.pk, locked.pk)
    return concern


def log_concern_access(*, concern: Concern, user: User, action: str = "view") -> None:
    ConcernAccess.objects.create(concern=concern, user=user, action=action)


@transaction.atomic
def record_concern_step(
    *,
    concern: Concern,
    step: str,
    on: datetime.date,
    note: str = "",
    by: User,
    today: datetime.date | None = None,
) -> ConcernStep:
    locked = Concern.objects.select_for_update().get(pk=concern.pk)
    if locked.closed_at is not None:
        raise ServiceError(MSG_CONCERN_CLOSED, code="concern_closed")
    if step not in ConcernStepKind.values:
        raise ServiceError(MSG_CONCERN_STEP, code="concern_step", field="step")
    _check_date(on, not_before=timezone.localdate(locked.raised_at), today=_today(today))
    found = ConcernStep.objects.create(
        concern=locked, step=step, done_on=on, note=note.strip()[:2000], recorded_by=by
    )
    log_concern_access(concern=locked, user=by, action="step")
    return found


@transaction.atomic
def close_concern(*, concern: Concern, by: User) -> Concern:
    locked = Concern.objects.select_for_update().get(pk=concern.pk)
    if locked.closed_at is not None:
        raise ServiceError(MSG_CONCERN_CLOSED, code="concern_closed")
    locked.closed_at, locked.closed_by = timezone.now(), by
    locked.save(update_fields=["closed_at", "closed_by"])
    log_concern_access(concern=locked, user=by, action="close")
    return locked


# --- Erasure ------------------------------------------------------------------------


@transaction.atomic
def erase_family_details(*, now: datetime.datetime | None = None) -> int:
    """Erase the family's details on the matches (and the concern notes) of every
    referral whose personal data has been erased; figures stay. Returns how many."""
    now = now or timezone.now()
    ids = list(
        Match.objects.filter(referral__erased_at__isnull=False, erased_at__isnull=True)
        .exclude(status__in=OPEN_STATUSES)
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    Match.objects.filter(pk__in=ids).update(
        **dict.fromkeys(MATCH_PERSONAL_FIELDS, ""), erased_at=now, updated_at=now
    )
    ConcernStep.objects.filter(concern__match_id__in=ids).update(note="")
    logger.info("retention: family details erased on %s matches", len(ids))
    return len(ids)
