"""What the newsletter puts on the admin home (portal/admin_home.py): sends that are
planned or under way, sends of the last weeks with failed or uncertain addresses, and
"new newsletter" among the quick actions."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from newsletter.models import DeliveryStatus, Send, SendStatus
from newsletter.permissions import can_send_newsletters
from portal.registry import (
    QUICK_ACTIONS_PANEL,
    AdminHomePanel,
    DashboardLink,
    DashboardPanelContent,
    DashboardRow,
    DashboardScope,
    register_admin_home_panel,
)

SENDS_PANEL = AdminHomePanel(
    name="newsletter_sends",
    title=gettext_lazy("Nieuwsbrieven: verzending"),
    order=80,
    description=gettext_lazy("Gepland, bezig, of de afgelopen twee weken met mislukte adressen."),
    empty_text=gettext_lazy("Er wordt niets verstuurd en niets is mislukt."),
)
# A finished send with failures stays on the home this long.
FAILURES_SHOWN_FOR = datetime.timedelta(weeks=2)
PROBLEMS = [DeliveryStatus.FAILED, DeliveryStatus.UNCERTAIN]


def _detail(send: Send) -> str:
    if send.status == SendStatus.SCHEDULED:
        return _("Gepland op %(moment)s") % {
            "moment": date_format(timezone.localtime(send.scheduled_at), "j b Y, G:i")
        }
    if send.status == SendStatus.SENDING:
        return _("Wordt verstuurd: %(done)s van %(total)s") % {
            "done": send.done_count,
            "total": send.total,
        }
    return _("Verstuurd; %(failed)s mislukt of onzeker") % {"failed": send.problem_count}


def newsletter_sends(scope: DashboardScope) -> DashboardPanelContent | None:
    """One query: the user's sends that need an eye, with their delivery counts."""
    if not can_send_newsletters(scope.user):
        return None
    sends = list(
        Send.objects.visible_to(scope.user)
        .annotate(
            done_count=Count(
                "deliveries",
                filter=~Q(deliveries__status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING]),
            ),
            problem_count=Count("deliveries", filter=Q(deliveries__status__in=PROBLEMS)),
        )
        .filter(
            Q(status__in=[SendStatus.SCHEDULED, SendStatus.SENDING])
            | Q(
                status=SendStatus.DONE,
                finished_at__gte=scope.now - FAILURES_SHOWN_FOR,
                problem_count__gt=0,
            )
        )
        .only("pk", "subject", "status", "scheduled_at", "total")
        .order_by("scheduled_at", "pk")
    )
    return DashboardPanelContent(
        count=len(sends),
        rows=tuple(
            DashboardRow(
                text=send.subject,
                url=reverse("newsletter_admin:progress", args=[send.pk]),
                detail=_detail(send),
            )
            for send in sends[: SENDS_PANEL.max_rows]
        ),
        links=(
            DashboardLink(_("Alle verzonden nieuwsbrieven"), reverse("newsletter_admin:sends")),
        ),
    )


def new_newsletter_action(scope: DashboardScope) -> DashboardPanelContent | None:
    """No query: the same way in as the menu's "Nieuwsbrief schrijven"."""
    if not can_send_newsletters(scope.user):
        return None
    return DashboardPanelContent(
        rows=(DashboardRow(text=_("Nieuwsbrief schrijven"), url=reverse("newsletter_admin:write")),)
    )


def register() -> None:
    register_admin_home_panel(QUICK_ACTIONS_PANEL, new_newsletter_action, query_budget=0)
    register_admin_home_panel(SENDS_PANEL, newsletter_sends, query_budget=1)
