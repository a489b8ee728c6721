"""The support route's panels on the admin home: families waiting for a volunteer,
matches to introduce or start, check-ins due, and running matches without a visit
logged for three weeks. Two queries each, whatever the number of rows.

Rows name a match or referral by its reference and the volunteer by name; never the
family. National staff get the counts per branch, and rows and links only for the
branches they coordinate themselves (DESIGN.md's tiers: a branch's families are its
coordinators' business).
"""

from __future__ import annotations

from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.registry import (
    AdminHomePanel,
    DashboardLink,
    DashboardPanelContent,
    DashboardRow,
    DashboardScope,
    register_admin_home_panel,
)
from support import services
from support.models import OPEN_STATUSES, Match, MatchStatus, Visit
from support.referrals.models import Referral, ReferralStatus

WAITING_PANEL = AdminHomePanel(
    name="support_waiting_families",
    title=gettext_lazy("Gezinnen wachten op een vrijwilliger"),
    order=12,
    description=gettext_lazy("De kennismaking in het gezin is gedaan; er is nog geen koppeling."),
    empty_text=gettext_lazy("Geen gezin wacht op een vrijwilliger."),
    column=gettext_lazy("Wachten op vrijwilliger"),
)
TO_START_PANEL = AdminHomePanel(
    name="support_matches_to_start",
    title=gettext_lazy("Koppelingen om te starten"),
    order=14,
    description=gettext_lazy("Voorgesteld of kennisgemaakt, nog niet gestart."),
    empty_text=gettext_lazy("Geen koppelingen die wachten op de start."),
    column=gettext_lazy("Te starten"),
)
CHECK_INS_PANEL = AdminHomePanel(
    name="support_check_ins_due",
    title=gettext_lazy("Contactmomenten te doen"),
    order=16,
    empty_text=gettext_lazy("Geen contactmomenten te doen."),
    column=gettext_lazy("Contactmomenten"),
)
NO_VISITS_PANEL = AdminHomePanel(
    name="support_no_visits",
    title=gettext_lazy("Drie weken geen bezoek genoteerd"),
    order=18,
    description=gettext_lazy("Lopende koppelingen waarvan drie weken niets is genoteerd."),
    empty_text=gettext_lazy(
        "Bij elke lopende koppeling is de afgelopen drie weken iets genoteerd."
    ),
    column=gettext_lazy("Geen bezoek"),
)


def _counts(scope: DashboardScope) -> dict[str, dict[int, int]]:
    """Per panel, per branch: how many items. One query for the three match panels,
    made once per admin home (it rides along on the scope)."""
    found = getattr(scope, "_support_counts", None)
    if found is not None:
        return found
    cutoff = scope.today - services.NO_VISIT_ALERT_AFTER
    active = Q(status=MatchStatus.ACTIVE)
    waiting = Q(status__in=[MatchStatus.PROPOSED, MatchStatus.INTRODUCED])
    rows = (
        Match.objects.filter(waiting | active, branch_id__in=scope.branch_ids)
        .order_by()
        .values("branch_id")
        .annotate(
            to_start=Count("pk", filter=waiting, distinct=True),
            no_visits=Count(
                "pk",
                filter=active
                & Q(started_on__lte=cutoff)
                & ~Q(Exists(Visit.objects.filter(match=OuterRef("pk"), date__gt=cutoff))),
                distinct=True,
            ),
            check_ins=Count(
                "check_ins",
                filter=active
                & Q(check_ins__done_on__isnull=True, check_ins__due_on__lte=scope.today),
                distinct=True,
            ),
        )
    )
    found = {"to_start": {}, "no_visits": {}, "check_ins": {}}
    for row in rows:
        for key, per_branch in found.items():
            if row[key]:
                per_branch[row["branch_id"]] = row[key]
    object.__setattr__(scope, "_support_counts", found)  # the scope is a frozen dataclass
    return found


def _edit(match_id: int) -> str:
    return reverse("support_match:edit", args=[match_id])


def _shown_to(scope: DashboardScope, permission: str) -> bool:
    """Coordinators with the right; national staff for the counts."""
    return scope.is_national or scope.user.has_perm(permission)


def waiting_families(scope: DashboardScope) -> DashboardPanelContent | None:
    if not _shown_to(scope, "support.add_match"):
        return None
    waiting = Referral.objects.filter(
        branch_id__in=scope.branch_ids, status=ReferralStatus.INTAKE_DONE
    ).exclude(matches__status__in=OPEN_STATUSES)
    per_branch = list(
        waiting.order_by()
        .values("branch_id")
        .annotate(n=Count("pk", distinct=True), oldest=Min("status_changed_at"))
    )
    links = ()
    if scope.user.has_perm("support.add_match"):
        link = DashboardLink(
            _("Alle gezinnen zonder vrijwilliger"), reverse("support_waiting_families")
        )
        links = (link,)
    if not per_branch:
        return DashboardPanelContent(links=links)
    first = waiting.filter(branch_id__in=scope.family_branch_ids).only(
        "pk", "reference", "municipality", "status_changed_at", "branch_id"
    )
    return DashboardPanelContent(
        count=sum(row["n"] for row in per_branch),
        oldest=min(row["oldest"] for row in per_branch),
        by_branch={row["branch_id"]: row["n"] for row in per_branch},
        rows=tuple(
            DashboardRow(
                text=referral.reference,
                url=reverse("support_find_volunteer", args=[referral.pk]),
                detail=referral.municipality,
                when=referral.status_changed_at,
                branch_id=referral.branch_id,
            )
            for referral in first.order_by("status_changed_at", "pk")[: WAITING_PANEL.max_rows]
        ),
        links=links,
    )


def _match_panel(
    scope, queryset, *, by_branch, panel, when_field, detail, link
) -> DashboardPanelContent:
    links = (link,) if scope.user.has_perm("support.view_match") else ()
    if not by_branch:
        return DashboardPanelContent(links=links)
    if not scope.family_branch_ids:
        return DashboardPanelContent(count=sum(by_branch.values()), by_branch=dict(by_branch))
    rows = (
        queryset.filter(branch_id__in=scope.family_branch_ids)
        .select_related("volunteer__user")
        .annotate(last_visit=Max("visits__date"))
        .order_by(when_field, "pk")[: panel.max_rows]
    )
    return DashboardPanelContent(
        count=sum(by_branch.values()),
        by_branch=dict(by_branch),
        rows=tuple(
            DashboardRow(
                text=f"{match.reference}: {match.volunteer_label}",
                url=_edit(match.pk),
                detail=detail(match),
                when=getattr(match, when_field.lstrip("-")),
                branch_id=match.branch_id,
            )
            for match in rows
        ),
        links=links,
    )


def matches_to_start(scope: DashboardScope) -> DashboardPanelContent | None:
    if not _shown_to(scope, "support.change_match"):
        return None
    index = reverse("support_match:index")
    return _match_panel(
        scope,
        Match.objects.filter(
            branch_id__in=scope.branch_ids,
            status__in=[MatchStatus.PROPOSED, MatchStatus.INTRODUCED],
        ),
        by_branch=_counts(scope)["to_start"],
        panel=TO_START_PANEL,
        when_field="proposed_on",
        detail=lambda match: str(match.get_status_display()),
        link=DashboardLink(_("Alle voorgestelde koppelingen"), f"{index}?status=proposed"),
    )


def matches_without_visits(scope: DashboardScope) -> DashboardPanelContent | None:
    if not _shown_to(scope, "support.view_match"):
        return None
    index = reverse("support_match:index")
    queryset = services.matches_without_recent_visit(branch_ids=scope.branch_ids, today=scope.today)
    return _match_panel(
        scope,
        queryset,
        by_branch=_counts(scope)["no_visits"],
        panel=NO_VISITS_PANEL,
        when_field="started_on",
        detail=lambda match: (
            _("laatste bezoek %(date)s") % {"date": f"{match.last_visit:%d-%m-%Y}"}
            if match.last_visit
            else _("nog geen bezoek")
        ),
        link=DashboardLink(_("Alle lopende koppelingen"), f"{index}?status=active"),
    )


def check_ins_due(scope: DashboardScope) -> DashboardPanelContent | None:
    if not _shown_to(scope, "support.view_match"):
        return None
    index = reverse("support_match:index")
    links = ()
    if scope.user.has_perm("support.view_match"):
        links = (DashboardLink(_("Alle lopende koppelingen"), f"{index}?status=active"),)
    by_branch = _counts(scope)["check_ins"]
    if not by_branch:
        return DashboardPanelContent(links=links)
    if not scope.family_branch_ids:
        return DashboardPanelContent(count=sum(by_branch.values()), by_branch=dict(by_branch))
    due = services.check_ins_due(branch_ids=scope.family_branch_ids, today=scope.today)
    rows = list(
        due.select_related("match__volunteer__user").order_by("due_on", "pk")[
            : CHECK_INS_PANEL.max_rows
        ]
    )
    return DashboardPanelContent(
        count=sum(by_branch.values()),
        oldest=rows[0].due_on if rows else None,
        by_branch=dict(by_branch),
        rows=tuple(
            DashboardRow(
                text=f"{check_in.match.reference}: {check_in.match.volunteer_label}",
                url=_edit(check_in.match_id),
                when=check_in.due_on,
                branch_id=check_in.match.branch_id,
            )
            for check_in in rows
        ),
        links=links,
    )


def register() -> None:
    register_admin_home_panel(TO_START_PANEL, matches_to_start, query_budget=2)
    register_admin_home_panel(CHECK_INS_PANEL, check_ins_due, query_budget=2)
    register_admin_home_panel(NO_VISITS_PANEL, matches_without_visits, query_budget=2)
