"""The referrals of `manage.py seed_scale`: three years of families referred to every
branch, each in the branch its postcode routes to, with a history along the allowed
route; closed ones past the retention period already erased (see portal/scale.py)."""

from __future__ import annotations

import datetime

from django.conf import settings

from portal.models import BranchPostcodeRange
from portal.scale import BATCH, LAST_NAMES, ScaleContext
from support.referrals.models import (
    PERSONAL_FIELDS,
    RISK_FACTOR_CHOICES,
    SUPPORT_QUESTION_CHOICES,
    NotSuitableReason,
    Referral,
    ReferralKind,
    ReferralStatus,
    ReferralStatusChange,
    ReferrerCategory,
)
from support.referrals.services import _REFERENCE_ALPHABET, months_before

R = ReferralStatus
# The route a referral took to its status (each step allowed by the services).
ROUTES = {
    R.NEW: [],
    R.CONTACTED: [R.CONTACTED],
    R.INTAKE_DONE: [R.CONTACTED, R.INTAKE_DONE],
    R.SUPPORT_STARTED: [R.CONTACTED, R.INTAKE_DONE, R.SUPPORT_STARTED],
    R.SUPPORT_ENDED: [R.CONTACTED, R.INTAKE_DONE, R.SUPPORT_STARTED, R.SUPPORT_ENDED],
    R.NOT_SUITABLE: [R.CONTACTED, R.NOT_SUITABLE],
}


def _status_for_age(rng, days: int) -> str:
    if days < 14:
        return rng.choice([R.NEW, R.NEW, R.CONTACTED])
    if days < 60:
        return rng.choice([R.CONTACTED, R.INTAKE_DONE, R.SUPPORT_STARTED, R.NOT_SUITABLE])
    if days < 400:
        return rng.choice([R.SUPPORT_STARTED, R.SUPPORT_STARTED, R.SUPPORT_ENDED, R.NOT_SUITABLE])
    return rng.choice([R.SUPPORT_ENDED, R.SUPPORT_ENDED, R.NOT_SUITABLE])


def seed_referrals(context: ScaleContext) -> None:
    rng, now = context.rng, context.now
    missing = max(context.size.referrals - Referral.objects.count(), 0)
    ranges = {}
    for branch_id, first, last in BranchPostcodeRange.objects.order_by("-pk").values_list(
        "branch_id", "first", "last"
    ):
        ranges[branch_id] = (first, last)
    branches = [branch for branch in context.branches if branch.pk in ranges]
    taken = set(Referral.objects.values_list("reference", flat=True))
    cutoff = months_before(now, settings.REFERRAL_RETENTION_MONTHS)
    referrals, routes = [], []
    for _ in range(missing):
        branch = rng.choice(branches)
        first, last = ranges[branch.pk]
        received = now - datetime.timedelta(minutes=rng.randint(30, 3 * 365 * 24 * 60))
        status = _status_for_age(rng, (now - received).days)
        steps = [(R.NEW.value, received)]
        moment = received
        for step in ROUTES[status]:
            moment += (now - moment) * rng.uniform(0.05, 0.4)
            steps.append((step.value, moment))
        closed = steps[-1][1] if status in (R.SUPPORT_ENDED, R.NOT_SUITABLE) else None
        while (reference := "HS-" + "".join(rng.choices(_REFERENCE_ALPHABET, k=6))) in taken:
            pass
        taken.add(reference)
        kind = rng.choice([ReferralKind.REFERRER, ReferralKind.REFERRER, ReferralKind.PARENTS])
        children = rng.randint(1, 4)
        referral = Referral(
            reference=reference,
            kind=kind,
            branch=branch,
            status=status,
            status_changed_at=steps[-1][1],
            not_suitable_reason=rng.choice(NotSuitableReason.values)
            if status == R.NOT_SUITABLE
            else "",
            received_at=received,
            closed_at=closed,
            language="nl",
            referrer_name="Wijkverpleegkundige" if kind == ReferralKind.REFERRER else "",
            referrer_organisation="JGZ" if kind == ReferralKind.REFERRER else "",
            referrer_email="verwijzer@jgz.example" if kind == ReferralKind.REFERRER else "",
            family_name=f"Familie {rng.choice(LAST_NAMES)}",
            family_phone=f"06 {rng.randint(10000000, 99999999)}",
            postcode=f"{rng.randint(first, last)} {rng.choice(['AA', 'BC', 'KL', 'RT'])}",
            children_ages=sorted(rng.randint(0, 11) for _ in range(children)),
            question="Een moeder met een pasgeboren tweeling zoekt steun en een luisterend oor.",
            referrer_category=ReferrerCategory.FAMILY
            if kind == ReferralKind.PARENTS
            else rng.choice([c for c in ReferrerCategory.values if c != ReferrerCategory.FAMILY]),
            municipality=branch.municipality_list[0] if branch.municipalities else "",
            children_count=children,
            support_questions=rng.sample([c for c, _ in SUPPORT_QUESTION_CHOICES], k=2),
            risk_factors=rng.sample([c for c, _ in RISK_FACTOR_CHOICES], k=rng.randint(0, 2)),
        )
        if closed is not None and closed <= cutoff:
            # What the daily erasure would have done: figures kept, family data gone.
            for name in PERSONAL_FIELDS:
                setattr(referral, name, "")
            referral.children_ages, referral.due_date = [], None
            referral.erased_at = closed + (now - cutoff)
        referrals.append(referral)
        routes.append(steps)
    Referral.objects.bulk_create(referrals, batch_size=BATCH)
    ids = dict(
        Referral.objects.filter(reference__in=[r.reference for r in referrals]).values_list(
            "reference", "pk"
        )
    )
    changes = []
    for referral, steps in zip(referrals, routes, strict=True):
        coordinator = context.coordinators.get(referral.branch.pk)
        previous = ""
        for step, when in steps:
            changes.append(
                ReferralStatusChange(
                    referral_id=ids[referral.reference],
                    from_status=previous,
                    to_status=step,
                    changed_at=when,
                    changed_by=coordinator if previous else None,
                    reason=referral.not_suitable_reason if step == R.NOT_SUITABLE else "",
                )
            )
            previous = step
    ReferralStatusChange.objects.bulk_create(changes, batch_size=BATCH)
    context.say(f"  referrals: {len(referrals)} new, {len(changes)} status changes")
