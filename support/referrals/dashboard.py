"""The referrals' panel on the admin home: new referrals waiting, the oldest first.

Rows name a referral by its reference and municipality, never the family, and only
of the branches the user coordinates themselves (and, for national staff, those no
branch covers yet): national staff count the rest per branch.
"""

from __future__ import annotations

from django.db.models import Count, Min, Q
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
from support.referrals.models import Referral, ReferralStatus

NEW_REFERRALS_PANEL = AdminHomePanel(
    name="new_referrals",
    title=gettext_lazy("Nieuwe aanmeldingen van gezinnen"),
    order=10,
    empty_text=gettext_lazy("Er wachten geen nieuwe aanmeldingen."),
    column=gettext_lazy("Nieuwe gezinnen"),
)


def new_referrals(scope: DashboardScope) -> DashboardPanelContent | None:
    """Two queries: the counts per branch, and the oldest few."""
    if not scope.user.has_perm("referrals.view_referral"):
        return None
    mine = Q(branch_id__in=scope.branch_ids)
    if scope.is_national:
        mine |= Q(branch__isnull=True)  # no branch covers the family: national staff route it
    waiting = Referral.objects.filter(mine, status=ReferralStatus.NEW)
    per_branch = list(
        waiting.order_by().values("branch_id").annotate(n=Count("pk"), oldest=Min("received_at"))
    )
    index = reverse("referrals:index")
    links = (DashboardLink(_("Alle nieuwe aanmeldingen"), f"{index}?status={ReferralStatus.NEW}"),)
    if not per_branch:
        return DashboardPanelContent(links=links)
    named = Q(branch_id__in=scope.family_branch_ids)
    if scope.is_national:
        named |= Q(branch__isnull=True)
    first = waiting.filter(named).only(
        "pk", "reference", "municipality", "kind", "received_at", "branch_id"
    )
    return DashboardPanelContent(
        count=sum(row["n"] for row in per_branch),
        oldest=min(row["oldest"] for row in per_branch),
        by_branch={row["branch_id"]: row["n"] for row in per_branch},
        rows=tuple(
            DashboardRow(
                text=referral.reference,
                url=reverse("referrals:edit", args=[referral.pk]),
                detail=", ".join(
                    part for part in (referral.municipality, referral.get_kind_display()) if part
                ),
                when=referral.received_at,
                branch_id=referral.branch_id,
            )
            for referral in first.order_by("received_at", "pk")[: NEW_REFERRALS_PANEL.max_rows]
        ),
        links=links,
    )


def register() -> None:
    register_admin_home_panel(NEW_REFERRALS_PANEL, new_referrals, query_budget=2)
