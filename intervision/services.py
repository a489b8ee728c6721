"""Intervision rules: the schedule, exceptions, answers, attendance, notes, absences.

Every operation that changes state lives here; the admin, the portal views, the
e-mail links, the tasks and the demo content call these functions.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core import signing
from django.db import connection, transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from courses import services as enrolment_engine
from intervision.models import (
    Attendance,
    IntervisionGroup,
    IntervisionSession,
    Rsvp,
    RsvpAnswer,
    SessionNote,
    SessionSeries,
    SessionStatus,
    ThemeMeeting,
    ThemeMeetingEnrolment,
)
from intervision.recurrence import aware
from portal.agenda.cache import agenda_changed
from portal.errors import ServiceError
from portal.models import User, Volunteer
from portal.queue import enqueue_on_commit

# How far ahead a series' sessions exist as rows (a daily task moves the horizon on).
HORIZON_DAYS = 400
# Members are invited this many days before a session.
INVITE_DAYS_AHEAD = 14
# The link in an invitation works this long (a session is at most INVITE_DAYS_AHEAD away).
RSVP_MAX_AGE = datetime.timedelta(days=45)
RSVP_SALT = "intervision.rsvp"
# A coordinator hears of a volunteer who missed this many recorded sessions in a row.
MISSED_IN_A_ROW = 3
NOTE_MAX_LENGTH = 5000

MSG_REASON_REQUIRED = _("Vul in waarom de bijeenkomst niet doorgaat.")
MSG_ALREADY_CANCELLED = _("Deze bijeenkomst is al afgelast.")
MSG_NOT_CANCELLED = _("Deze bijeenkomst is niet afgelast.")
MSG_CANCELLED = _("Deze bijeenkomst is afgelast.")
MSG_END_BEFORE_START = _("De eindtijd ligt niet na de begintijd.")
MSG_MOVE_TO_PAST = _("Een bijeenkomst kan niet naar een tijdstip in het verleden.")
MSG_NOT_A_MEMBER = _("Je bent geen lid van deze intervisiegroep.")
MSG_TOO_LATE = _("Deze bijeenkomst is al begonnen; je antwoord kan niet meer worden veranderd.")
MSG_BAD_ANSWER = _("Kies of je komt of niet.")
MSG_NOT_YET_HELD = _("Aanwezigheid kan pas worden vastgelegd als de bijeenkomst is begonnen.")
MSG_NOT_MEMBERS = _("Alleen leden van de groep kunnen aanwezig worden gemeld.")
MSG_NOTE_EMPTY = _("Schrijf op welke onderwerpen zijn besproken.")
MSG_NOTE_TOO_LONG = _("Een verslag is hoogstens 5000 tekens.")
MSG_NOTE_NOT_ALLOWED = _("Alleen leden van de groep en coördinatoren kunnen een verslag schrijven.")
MSG_SERIES_CHANGED = _("Vervalt: de planning van de groep is gewijzigd.")
MSG_NOTE_NOT_HELD = _("Een verslag schrijf je als de bijeenkomst begonnen is.")


@dataclass
class RegenerationResult:
    created: int = 0
    updated: int = 0
    removed: int = 0
    cancelled: int = 0
    kept_by_hand: int = 0
    # Dates the series give that fall in a period without sessions, per reason.
    skipped: dict[str, int] = field(default_factory=dict)
    # Sessions still to come, held as planned, after the regeneration.
    upcoming: int = 0

    def summary(self) -> str:
        """What the regeneration did, for the coordinator who saved the group:
        "9 bijeenkomsten gepland, 1 overgeslagen (zomervakantie)."."""
        parts = []
        if self.created:
            parts.append(
                ngettext(
                    "%(count)s bijeenkomst gepland", "%(count)s bijeenkomsten gepland", self.created
                )
                % {"count": self.created}
            )
        if self.updated:
            parts.append(
                ngettext(
                    "%(count)s aangepast aan de nieuwe planning",
                    "%(count)s aangepast aan de nieuwe planning",
                    self.updated,
                )
                % {"count": self.updated}
            )
        if self.removed:
            parts.append(
                ngettext("%(count)s vervallen", "%(count)s vervallen", self.removed)
                % {"count": self.removed}
            )
        if self.cancelled:
            parts.append(
                ngettext(
                    "%(count)s afgelast (de leden hoorden er al van)",
                    "%(count)s afgelast (de leden hoorden er al van)",
                    self.cancelled,
                )
                % {"count": self.cancelled}
            )
        if self.kept_by_hand:
            parts.append(
                ngettext(
                    "%(count)s met de hand gewijzigd en zo gelaten",
                    "%(count)s met de hand gewijzigd en zo gelaten",
                    self.kept_by_hand,
                )
                % {"count": self.kept_by_hand}
            )
        for reason, count in sorted(self.skipped.items()):
            if reason:
                text = ngettext(
                    "%(count)s overgeslagen (%(reason)s)",
                    "%(count)s overgeslagen (%(reason)s)",
                    count,
                ) % {"count": count, "reason": reason}
            else:
                text = ngettext(
                    "%(count)s overgeslagen in een periode zonder bijeenkomsten",
                    "%(count)s overgeslagen in een periode zonder bijeenkomsten",
                    count,
                ) % {"count": count}
            parts.append(text)
        if not (self.created or self.updated or self.removed or self.cancelled):
            parts.insert(0, gettext("De planning is niet veranderd"))
        summary = ", ".join(parts) + "."
        if self.upcoming != self.created:
            summary += " " + ngettext(
                "Er staat nu %(count)s bijeenkomst gepland.",
                "Er staan nu %(count)s bijeenkomsten gepland.",
                self.upcoming,
            ) % {"count": self.upcoming}
        return summary


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _bump(session: IntervisionSession) -> None:
    session.sequence += 1


def planned_occurrences(
    group: IntervisionGroup,
    *,
    from_date: datetime.date,
    until: datetime.date,
    skipped: Counter | None = None,
) -> dict[tuple[int, datetime.date], SessionSeries]:
    """(series id, date) -> series for every date the group's rules give, skip periods
    taken out (and counted per reason in `skipped`, when given)."""
    skips = list(group.skip_periods.all())
    planned: dict[tuple[int, datetime.date], SessionSeries] = {}
    for series in group.series.all():
        for day in series.occurrence_dates(until=until):
            if day < from_date:
                continue
            skip = next((skip for skip in skips if skip.covers(day)), None)
            if skip is not None:
                if skipped is not None:
                    skipped[skip.reason.strip()] += 1
                continue
            planned[(series.pk, day)] = series
    return planned


def _planned_fields(series: SessionSeries, day: datetime.date, group: IntervisionGroup) -> dict:
    return {
        "start": aware(day, series.start_time),
        "end": aware(day, series.end_time),
        "venue": series.venue or group.venue,
    }


@transaction.atomic
def regenerate_sessions(
    *, group: IntervisionGroup, now: datetime.datetime | None = None
) -> RegenerationResult:
    """Bring the group's future sessions in line with its series and skip periods.

    Past sessions are never touched; sessions moved or cancelled by hand are kept as
    they are. A session that no longer fits the rules disappears, unless members have
    already been invited to it or answered: then it stays, cancelled, so calendars
    that hold it hear of the change.
    """
    now = _now(now)
    today = timezone.localdate(now)
    group = IntervisionGroup.objects.select_for_update().get(pk=group.pk)
    skipped: Counter = Counter()
    planned = planned_occurrences(
        group,
        from_date=today,
        until=today + datetime.timedelta(days=HORIZON_DAYS),
        skipped=skipped,
    )
    result = RegenerationResult(skipped=dict(skipped))
    existing = list(
        group.sessions.filter(occurrence_date__gte=today).select_for_update().order_by("start")
    )
    ids = [session.pk for session in existing]
    answered = set(
        Rsvp.objects.filter(session_id__in=ids).values_list("session_id", flat=True)
    ) | set(Attendance.objects.filter(session_id__in=ids).values_list("session_id", flat=True))
    changed_ids: list[int] = []
    for session in existing:
        key = (session.series_id, session.occurrence_date)
        series = planned.pop(key, None)
        if session.start < now:
            continue
        if session.changed_by_hand:
            result.kept_by_hand += 1
            continue
        if series is not None:
            fields = _planned_fields(series, session.occurrence_date, group)
            reinstate = session.status == SessionStatus.CANCELLED
            if reinstate or any(getattr(session, k) != v for k, v in fields.items()):
                for name, value in fields.items():
                    setattr(session, name, value)
                session.status, session.cancel_reason = SessionStatus.SCHEDULED, ""
                _bump(session)
                session.save()
                result.updated += 1
                changed_ids.append(session.pk)
            continue
        if session.status == SessionStatus.CANCELLED:
            continue
        if session.invited_at or session.pk in answered:
            session.status, session.cancel_reason = SessionStatus.CANCELLED, str(MSG_SERIES_CHANGED)
            _bump(session)
            session.save()
            result.cancelled += 1
            changed_ids.append(session.pk)
        else:
            session.delete()
            result.removed += 1
    IntervisionSession.objects.bulk_create(
        [
            IntervisionSession(
                group=group,
                series=series,
                occurrence_date=day,
                **_planned_fields(series, day, group),
            )
            for (_series_id, day), series in sorted(planned.items(), key=lambda kv: kv[0][1])
        ]
    )
    result.created = len(planned)
    result.upcoming = group.sessions.filter(start__gte=now, status=SessionStatus.SCHEDULED).count()
    for session_id in changed_ids:
        _notify_members_of_change(session_id)
    agenda_changed()
    return result


def _notify_members_of_change(session_id: int) -> None:
    session = IntervisionSession.objects.get(pk=session_id)
    if session.invited_at is None:
        return
    for volunteer_id in session.group.members.values_list("pk", flat=True):
        enqueue_on_commit("intervision.tasks.send_session_change", session_id, volunteer_id)


def _locked(session: IntervisionSession) -> IntervisionSession:
    return IntervisionSession.objects.select_for_update().select_related("group").get(pk=session.pk)


@transaction.atomic
def move_session(
    *,
    session: IntervisionSession,
    date: datetime.date,
    start_time: datetime.time,
    end_time: datetime.time,
    venue: str,
    now: datetime.datetime | None = None,
) -> IntervisionSession:
    """Move one session to another day, time or place; the series leaves it alone."""
    session = _locked(session)
    if session.is_cancelled:
        raise ServiceError(MSG_CANCELLED, code="cancelled")
    if end_time <= start_time:
        raise ServiceError(MSG_END_BEFORE_START, code="end_before_start", field="end_time")
    start, end = aware(date, start_time), aware(date, end_time)
    if start <= _now(now):
        raise ServiceError(MSG_MOVE_TO_PAST, code="in_past", field="date")
    venue = venue.strip()
    if (session.start, session.end, session.venue) == (start, end, venue):
        return session
    session.start, session.end, session.venue = start, end, venue
    session.moved = session.changed_by_hand = True
    _bump(session)
    session.save()
    _notify_members_of_change(session.pk)
    agenda_changed()
    return session


@transaction.atomic
def cancel_session(*, session: IntervisionSession, reason: str) -> IntervisionSession:
    """Cancel one session with a reason; it stays in agendas and feeds as cancelled."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(MSG_REASON_REQUIRED, code="reason_required", field="cancel_reason")
    session = _locked(session)
    if session.is_cancelled:
        raise ServiceError(MSG_ALREADY_CANCELLED, code="already_cancelled")
    session.status, session.cancel_reason = SessionStatus.CANCELLED, reason[:200]
    session.changed_by_hand = True
    _bump(session)
    session.save()
    _notify_members_of_change(session.pk)
    agenda_changed()
    return session


@transaction.atomic
def reinstate_session(*, session: IntervisionSession) -> IntervisionSession:
    """Undo a cancellation: the session takes place after all."""
    session = _locked(session)
    if not session.is_cancelled:
        raise ServiceError(MSG_NOT_CANCELLED, code="not_cancelled")
    session.status, session.cancel_reason = SessionStatus.SCHEDULED, ""
    session.changed_by_hand = True
    _bump(session)
    session.save()
    _notify_members_of_change(session.pk)
    agenda_changed()
    return session


# --- Invitations and answers -------------------------------------------------------


def rsvp_token(*, session_id: int, volunteer_id: int) -> str:
    """The signed part of the link in an invitation; it carries ids only."""
    return signing.dumps([session_id, volunteer_id], salt=RSVP_SALT)


def read_rsvp_token(token: str) -> tuple[int, int]:
    """(session id, volunteer id). Raises signing.SignatureExpired when the link is too
    old, signing.BadSignature when it has been altered."""
    value = signing.loads(token, salt=RSVP_SALT, max_age=RSVP_MAX_AGE)
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise signing.BadSignature("unexpected payload")
    return value[0], value[1]


@transaction.atomic
def invite_members(*, session: IntervisionSession, now: datetime.datetime | None = None) -> int:
    """Queue an invitation with answer links to every member; returns how many."""
    session = _locked(session)
    if session.is_cancelled:
        raise ServiceError(MSG_CANCELLED, code="cancelled")
    member_ids = list(session.group.members.values_list("pk", flat=True))
    for volunteer_id in member_ids:
        enqueue_on_commit("intervision.tasks.send_invitation", session.pk, volunteer_id)
    session.invited_at = _now(now)
    session.save(update_fields=["invited_at", "updated_at"])
    return len(member_ids)


def invite_upcoming_sessions(*, now: datetime.datetime | None = None) -> int:
    """Invite the members of every session in the next INVITE_DAYS_AHEAD days that has
    not been announced yet; returns the number of sessions."""
    now = _now(now)
    due = IntervisionSession.objects.held().filter(
        invited_at__isnull=True,
        group__active=True,
        start__gt=now,
        start__lte=now + datetime.timedelta(days=INVITE_DAYS_AHEAD),
    )
    count = 0
    for session in due:
        invite_members(session=session, now=now)
        count += 1
    return count


@transaction.atomic
def answer_invitation(
    *,
    session: IntervisionSession,
    volunteer: Volunteer,
    answer: str,
    via_email: bool = False,
    now: datetime.datetime | None = None,
) -> Rsvp:
    """A member says whether they come. They may change their answer until it starts."""
    if answer not in RsvpAnswer.values:
        raise ServiceError(MSG_BAD_ANSWER, code="bad_answer", field="answer")
    session = _locked(session)
    if not session.group.members.filter(pk=volunteer.pk).exists():
        raise ServiceError(MSG_NOT_A_MEMBER, code="not_member")
    if session.is_cancelled:
        raise ServiceError(MSG_CANCELLED, code="cancelled")
    now = _now(now)
    if session.start <= now:
        raise ServiceError(MSG_TOO_LATE, code="too_late")
    rsvp, _created = Rsvp.objects.update_or_create(
        session=session,
        volunteer=volunteer,
        defaults={"answer": answer, "answered_at": now, "via_email": via_email},
    )
    agenda_changed()
    return rsvp


# --- Attendance -----------------------------------------------------------------


@transaction.atomic
def record_attendance(
    *,
    session: IntervisionSession,
    present_ids: Iterable[int],
    by: User | None,
    now: datetime.datetime | None = None,
) -> list[Attendance]:
    """Record who was there: every member is present (in `present_ids`) or absent."""
    session = _locked(session)
    if session.is_cancelled:
        raise ServiceError(MSG_CANCELLED, code="cancelled")
    now = _now(now)
    if session.start > now:
        raise ServiceError(MSG_NOT_YET_HELD, code="not_yet_held")
    present = set(present_ids)
    # Someone recorded earlier who has left the group since keeps their line.
    member_ids = set(session.group.members.values_list("pk", flat=True)) | set(
        session.attendance.values_list("volunteer_id", flat=True)
    )
    if not present <= member_ids:
        raise ServiceError(MSG_NOT_MEMBERS, code="not_members")
    session.attendance.all().delete()
    rows = Attendance.objects.bulk_create(
        [
            Attendance(
                session=session,
                volunteer_id=volunteer_id,
                present=volunteer_id in present,
                recorded_at=now,
                recorded_by=by,
            )
            for volunteer_id in sorted(member_ids)
        ]
    )
    return rows


@dataclass(frozen=True)
class AttendanceSummary:
    present: int
    recorded: int
    missed_in_a_row: int

    @property
    def rate(self) -> int | None:
        """Percentage present of the sessions recorded, or None when none were."""
        if not self.recorded:
            return None
        return round(100 * self.present / self.recorded)


def attendance_summary(volunteer: Volunteer) -> AttendanceSummary:
    """Present / recorded over the sessions held, and the current run of absences."""
    rows = list(
        Attendance.objects.filter(volunteer=volunteer, session__status=SessionStatus.SCHEDULED)
        .order_by("-session__start")
        .values_list("present", flat=True)
    )
    run = 0
    for present in rows:
        if present:
            break
        run += 1
    return AttendanceSummary(present=sum(rows), recorded=len(rows), missed_in_a_row=run)


def volunteers_missing_in_a_row(
    *,
    branch_ids: Iterable[int],
    count: int = MISSED_IN_A_ROW,
    since: datetime.datetime | None = None,
) -> dict[int, list[Volunteer]]:
    """branch id -> the volunteers whose last `count` recorded sessions were all missed.

    `since` looks only at sessions from then on (the admin home: the last year, so the
    rows read stay few however many years of attendance there are)."""
    attendance = Attendance.objects.filter(
        session__group__branch_id__in=list(branch_ids),
        session__status=SessionStatus.SCHEDULED,
    )
    if since is not None:
        attendance = attendance.filter(session__start__gte=since)
    # Counted in the database: each volunteer's `count` latest recorded sessions
    # (ROW_NUMBER), flagged when there are `count` of them and none was attended.
    # Reading every row into Python cost most of the admin home at national size
    # (bench/bench_scale.py).
    ranked = attendance.annotate(
        latest=Window(
            RowNumber(),
            partition_by=[F("volunteer_id")],
            order_by=[F("session__start").desc(), F("session_id").desc()],
        )
    ).values("volunteer_id", "present", "latest")
    inner, params = ranked.query.sql_with_params()
    # The inner query is Django's own, with its parameters passed on: nothing typed in.
    sql = (
        f"SELECT ranked.volunteer_id FROM ({inner}) ranked WHERE ranked.latest <= %s "  # noqa: S608
        "GROUP BY ranked.volunteer_id HAVING COUNT(*) = %s "
        "AND SUM(CASE WHEN ranked.present THEN 1 ELSE 0 END) = 0"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, count, count])
        ids = [row[0] for row in cursor.fetchall()]
    flagged = Volunteer.objects.filter(pk__in=ids).select_related("user", "branch").order_by("pk")
    result: dict[int, list[Volunteer]] = defaultdict(list)
    for volunteer in flagged:
        result[volunteer.branch_id].append(volunteer)
    return dict(result)


def extend_all_series(*, now: datetime.datetime | None = None) -> int:
    """Move every active group's horizon on (run daily); returns sessions created."""
    created = 0
    for group in IntervisionGroup.objects.filter(active=True, series__isnull=False).distinct():
        created += regenerate_sessions(group=group, now=now).created
    return created


# --- Notes ---------------------------------------------------------------------


@transaction.atomic
def add_session_note(
    *,
    session: IntervisionSession,
    author: User,
    text: str,
    now: datetime.datetime | None = None,
) -> SessionNote:
    """Add what was discussed, once the meeting has begun. The form reminds the writer
    never to name families."""
    from intervision.permissions import can_write_note

    text = (text or "").strip()
    if not text:
        raise ServiceError(MSG_NOTE_EMPTY, code="note_empty", field="text")
    if len(text) > NOTE_MAX_LENGTH:
        raise ServiceError(MSG_NOTE_TOO_LONG, code="note_too_long", field="text")
    if not can_write_note(author, session):
        raise ServiceError(MSG_NOTE_NOT_ALLOWED, code="not_allowed")
    if session.is_cancelled or session.start > _now(now):
        raise ServiceError(MSG_NOTE_NOT_HELD, code="not_held")
    return SessionNote.objects.create(session=session, author=author, text=text)


# --- Theme meetings (on the courses part's enrolment engine) ------------------------

MSG_THEME_REASON_REQUIRED = _("Vul in waarom de themabijeenkomst niet doorgaat.")


def sign_up_for_theme_meeting(
    *, meeting: ThemeMeeting, volunteer: Volunteer, now: datetime.datetime | None = None
) -> ThemeMeetingEnrolment:
    """A place, or a place on the waitlist when the meeting is full. Refused (with the
    engine's Dutch message) for another branch's volunteer, twice, too late, ..."""
    # The engine tells the agenda about every change it makes.
    return enrolment_engine.enrol_volunteer(offering=meeting, volunteer=volunteer, now=now)


def cancel_theme_meeting_sign_up(
    *, enrolment: ThemeMeetingEnrolment, by: User | None, now: datetime.datetime | None = None
) -> ThemeMeetingEnrolment:
    """Give up a place (the first on the waitlist moves up and is told)."""
    return enrolment_engine.cancel_enrolment(enrolment=enrolment, by=by, now=now)


@transaction.atomic
def cancel_theme_meeting(
    *, meeting: ThemeMeeting, by: User | None, reason: str, now: datetime.datetime | None = None
) -> ThemeMeeting:
    """Cancel the whole meeting: everyone signed up is told; it stays in feeds, cancelled."""
    if not (reason or "").strip():
        raise ServiceError(MSG_THEME_REASON_REQUIRED, code="reason_required", field="reason")
    meeting = enrolment_engine.cancel_offering(offering=meeting, by=by, reason=reason, now=now)
    ThemeMeeting.objects.filter(pk=meeting.pk).update(sequence=F("sequence") + 1)
    meeting.refresh_from_db()
    return meeting


def change_theme_meeting_capacity(*, meeting: ThemeMeeting, capacity: int) -> ThemeMeeting:
    """More places promote from the waitlist at once; never fewer than are taken."""
    return enrolment_engine.change_capacity(offering=meeting, capacity=capacity)
