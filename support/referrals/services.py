"""Referral rules: routing by postcode, the status route, telling people, erasing data.

Family data never leaves these functions in a log line or an e-mail: log records
carry the referral's id, and the tasks they queue send notices without names.
"""

from __future__ import annotations

import calendar
import datetime
import logging
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.errors import ServiceError
from portal.models import Branch, Municipality, User
from portal.models.branches import normalise_postcode
from portal.queue import enqueue_on_commit
from support.referrals.models import (
    CLOSED_STATUSES,
    PERSONAL_FIELDS,
    NotSuitableReason,
    Referral,
    ReferralKind,
    ReferralStatus,
    ReferralStatusChange,
    ReferrerCategory,
)

logger = logging.getLogger(__name__)

S = ReferralStatus

# The route a referral takes; "not suitable" may end it at any point before support.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    S.NEW: {S.CONTACTED, S.INTAKE_DONE, S.NOT_SUITABLE},
    S.CONTACTED: {S.INTAKE_DONE, S.NOT_SUITABLE},
    S.INTAKE_DONE: {S.SUPPORT_STARTED, S.NOT_SUITABLE},
    S.SUPPORT_STARTED: {S.SUPPORT_ENDED},
    S.SUPPORT_ENDED: set(),
    S.NOT_SUITABLE: set(),
}
# Step 8 of the referral route: the referrer hears when support starts and ends.
REFERRER_IS_TOLD = {S.SUPPORT_STARTED, S.SUPPORT_ENDED}

MSG_CONSENT_REQUIRED = _("Meld een gezin alleen aan als de ouders ervan weten en ermee instemmen.")
MSG_SELF_CONSENT_REQUIRED = _("Geef toestemming om uw gegevens voor de aanmelding te gebruiken.")
MSG_CHILDREN_OR_DUE_DATE = _(
    "Vul het aantal kinderen en hun leeftijden in, of de uitgerekende datum."
)
MSG_REFERRER_EMAIL_REQUIRED = _("Vul het e-mailadres van de verwijzer in.")
MSG_SAME_STATUS = _("De aanmelding heeft deze status al.")
MSG_TRANSITION_NOT_ALLOWED = _("Van „%(from)s” kan een aanmelding niet naar „%(to)s”.")
MSG_REASON_REQUIRED = _("Kies waarom de aanmelding niet passend is.")
MSG_REASON_ONLY_WHEN_NOT_SUITABLE = _("Een reden hoort alleen bij „niet passend”.")
MSG_ERASED = _("De persoonsgegevens van deze aanmelding zijn gewist; de status ligt vast.")
MSG_ERASE_ONLY_CLOSED = _("Alleen van een afgesloten aanmelding kunnen de gegevens worden gewist.")
MSG_SAME_BRANCH = _("De aanmelding hoort al bij deze afdeling.")

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out on the phone


@dataclass(frozen=True, kw_only=True)
class FamilyDetails:
    name: str
    phone: str
    postcode: str
    # The municipality chosen on the form; None lets the postcode's branch decide.
    cbs_municipality: Municipality | None = None
    # A typed town name (demo data and older callers); matched to a municipality by name.
    municipality: str = ""
    language: str = ""
    email: str = ""
    children_ages: list[int] = field(default_factory=list)
    due_date: datetime.date | None = None
    question: str = ""
    support_questions: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class ReferrerDetails:
    name: str
    organisation: str
    category: str
    role: str
    email: str
    phone: str = ""


def route_to_branch(postcode: str) -> Branch | None:
    """The branch whose area covers this postcode; None when no branch (or no postcode).

    Where areas overlap, the branch first by name takes it, so routing is stable.
    """
    return Branch.objects.covering_postcode(postcode).order_by("name").first()


def _new_reference() -> str:
    return "HS-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))


def offered_municipalities():
    """The municipalities a visitor may pick on the public form: every branch's working
    area, by name."""
    return Municipality.objects.filter(branches__isnull=False).distinct().order_by("name")


def area_municipalities(branch: Branch | None) -> list[Municipality]:
    """Up to two municipalities of the branch's working area: enough to tell none, one
    (it decides) and several (the family's choice decides)."""
    if branch is None:
        return []
    return list(branch.working_area.order_by("name")[:2])


def municipality_of(typed: str, branch: Branch | None) -> Municipality | None:
    """The municipality of a family: the one whose name was typed, or else the only one
    in the working area of the branch the postcode routed to; None when neither decides
    (a coordinator chooses it on the referral)."""
    named = Municipality.objects.filter(name__iexact=typed.strip()).first() if typed else None
    if named is not None:
        return named
    area = area_municipalities(branch)
    return area[0] if len(area) == 1 else None


@transaction.atomic
def submit_referral(
    *,
    family: FamilyDetails,
    referrer: ReferrerDetails | None,
    parents_consent: bool,
    language: str = settings.LANGUAGE_CODE,
) -> Referral:
    """Store a referral (by a referrer, or by the parents when `referrer` is None),
    route it by postcode, and queue the notice to the branch and the confirmation."""
    if not parents_consent:
        message = MSG_CONSENT_REQUIRED if referrer else MSG_SELF_CONSENT_REQUIRED
        raise ServiceError(message, code="consent_required", field="consent")
    if not family.children_ages and family.due_date is None:
        raise ServiceError(MSG_CHILDREN_OR_DUE_DATE, code="children_or_due_date")
    if referrer is not None and not referrer.email.strip():
        raise ServiceError(
            MSG_REFERRER_EMAIL_REQUIRED, code="referrer_email_required", field="referrer_email"
        )
    postcode = normalise_postcode(family.postcode)
    branch = route_to_branch(postcode)
    municipality = family.cbs_municipality or municipality_of(family.municipality, branch)
    fields = {
        "kind": ReferralKind.REFERRER if referrer else ReferralKind.PARENTS,
        "branch": branch,
        "language": language,
        "family_name": family.name.strip(),
        "family_phone": family.phone.strip(),
        "family_email": family.email.strip().lower(),
        "postcode": postcode,
        # The text field stays for the referrals from before the choice; it now carries
        # the chosen municipality's name, so lists and the dashboard read as before.
        "municipality": family.municipality.strip() or (municipality.name if municipality else ""),
        "cbs_municipality": municipality,
        "family_language": family.language,
        "children_ages": list(family.children_ages),
        "children_count": len(family.children_ages),
        "due_date": family.due_date,
        "expecting": family.due_date is not None,
        "question": family.question.strip(),
        "support_questions": list(family.support_questions),
        "referrer_category": referrer.category if referrer else ReferrerCategory.FAMILY,
    }
    if referrer is not None:
        fields |= {
            "referrer_name": referrer.name.strip(),
            "referrer_organisation": referrer.organisation.strip(),
            "referrer_role": referrer.role.strip(),
            "referrer_email": referrer.email.strip().lower(),
            "referrer_phone": referrer.phone.strip(),
        }
    referral = None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                referral = Referral.objects.create(reference=_new_reference(), **fields)
            break
        except IntegrityError:  # the one-in-a-billion clash of two references
            continue
    if referral is None:
        raise RuntimeError("No free referral reference after five attempts.")
    ReferralStatusChange.objects.create(referral=referral, from_status="", to_status=S.NEW)
    enqueue_on_commit("support.referrals.tasks.notify_referral_waiting", referral.pk)
    enqueue_on_commit("support.referrals.tasks.send_referral_confirmation", referral.pk)
    logger.info(
        "referral %s received (%s), routed to branch %s",
        referral.pk,
        referral.kind,
        branch.pk if branch else "none (national staff)",
    )
    return referral


def check_status_change(*, referral: Referral, to_status: str, reason: str = "") -> None:
    """Raise ServiceError if `referral` may not move to `to_status` with this reason."""
    if referral.is_erased:
        raise ServiceError(MSG_ERASED, code="erased", field="new_status")
    if to_status == referral.status:
        raise ServiceError(MSG_SAME_STATUS, code="same_status", field="new_status")
    if to_status not in ALLOWED_TRANSITIONS.get(referral.status, set()):
        raise ServiceError(
            MSG_TRANSITION_NOT_ALLOWED
            % {"from": S(referral.status).label, "to": S(to_status).label},
            code="transition_not_allowed",
            field="new_status",
        )
    if to_status == S.NOT_SUITABLE and reason not in NotSuitableReason.values:
        raise ServiceError(MSG_REASON_REQUIRED, code="reason_required", field="reason")
    if to_status != S.NOT_SUITABLE and reason:
        raise ServiceError(
            MSG_REASON_ONLY_WHEN_NOT_SUITABLE, code="reason_not_expected", field="reason"
        )


@transaction.atomic
def change_referral_status(
    *,
    referral: Referral,
    to_status: str,
    by: User | None,
    reason: str = "",
    note: str = "",
) -> ReferralStatusChange:
    """Move a referral along its route; tell the referrer when support starts or ends."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    check_status_change(referral=locked, to_status=to_status, reason=reason)
    now = timezone.now()
    change = ReferralStatusChange.objects.create(
        referral=locked,
        from_status=locked.status,
        to_status=to_status,
        changed_at=now,
        changed_by=by,
        reason=reason,
        note=note.strip(),
    )
    locked.status = to_status
    locked.status_changed_at = now
    locked.not_suitable_reason = reason if to_status == S.NOT_SUITABLE else ""
    locked.closed_at = now if to_status in CLOSED_STATUSES else None
    locked.save(
        update_fields=[
            "status",
            "status_changed_at",
            "not_suitable_reason",
            "closed_at",
            "updated_at",
        ]
    )
    if to_status in REFERRER_IS_TOLD and locked.kind == ReferralKind.REFERRER:
        enqueue_on_commit("support.referrals.tasks.tell_referrer", locked.pk, to_status)
    referral.refresh_from_db()
    logger.info("referral %s status %s -> %s", locked.pk, change.from_status, to_status)
    return change


@transaction.atomic
def assign_referral_to_branch(*, referral: Referral, branch: Branch, by: User | None) -> Referral:
    """Hand a referral to another branch (or route an unrouted one); its coordinators
    are told that a referral is waiting."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.branch_id == branch.pk:
        raise ServiceError(MSG_SAME_BRANCH, code="same_branch", field="branch")
    previous = locked.branch_id
    locked.branch = branch
    locked.save(update_fields=["branch", "updated_at"])
    enqueue_on_commit("support.referrals.tasks.notify_referral_waiting", locked.pk)
    logger.info(
        "referral %s moved from branch %s to branch %s by user %s",
        locked.pk,
        previous,
        branch.pk,
        by.pk if by else None,
    )
    referral.refresh_from_db()
    return referral


def _erase(queryset, *, now: datetime.datetime) -> int:
    blank = dict.fromkeys(PERSONAL_FIELDS, "") | {"children_ages": [], "due_date": None}
    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return 0
    Referral.objects.filter(pk__in=ids).update(**blank, erased_at=now, updated_at=now)
    ReferralStatusChange.objects.filter(referral_id__in=ids).update(note="")
    return len(ids)


@transaction.atomic
def erase_referral(*, referral: Referral, by: User | None) -> Referral:
    """Erase one closed referral's personal data now (a family's request, for example)."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if not locked.is_closed:
        raise ServiceError(MSG_ERASE_ONLY_CLOSED, code="erase_only_closed", field="erase_now")
    if locked.is_erased:
        raise ServiceError(MSG_ERASED, code="erased", field="erase_now")
    _erase(Referral.objects.filter(pk=locked.pk), now=timezone.now())
    logger.info("referral %s: personal data erased by user %s", locked.pk, by.pk if by else None)
    referral.refresh_from_db()
    return referral


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    """`moment` moved back `months` calendar months (31 March - 1 month = 28/29 February)."""
    month_index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def retention_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    return months_before(now or timezone.now(), settings.REFERRAL_RETENTION_MONTHS)


@transaction.atomic
def erase_expired_referrals(*, now: datetime.datetime | None = None) -> int:
    """Erase the personal data of every referral closed longer ago than the retention
    period; the figures for the annual report stay. Returns how many were erased."""
    now = now or timezone.now()
    erased = _erase(
        Referral.objects.select_for_update().due_for_erasure(retention_cutoff(now)), now=now
    )
    logger.info("retention: personal data of %s closed referrals erased", erased)
    return erased
