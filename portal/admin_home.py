"""The admin home (Wagtail's dashboard) of coordinators and national staff.

Wagtail's home view stays; through its `construct_homepage_panels` hook
(`portal/wagtail_hooks.py`) coordinators and national staff get one component, the
Home-Start dashboard, instead of Wagtail's page-editing panels. The dashboard knows no
part: it shows the panels registered in `portal/registry.py`
(`register_admin_home_panel`), each filled by providers from the parts' `dashboard.py`
modules, for the user's own branches (every branch for national staff, who also get a
per-branch table of the panels' counts). Editors keep Wagtail's own panels, with the
pages awaiting their review first.

Every provider runs a fixed number of queries (its registered budget), so the whole
home costs the same number of queries for one branch or sixty. A coordinator's home is
never cached: who has just recorded attendance sees it gone from the panel at once.
National staff's home adds up every branch of the country (tens of thousands of rows
at national size, bench/bench_scale.py), so their panels are kept for a minute per
user and language; the page says when they were worked out, and its "Vernieuwen" link
works them out again at once.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.forms import Media
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from wagtail.admin.ui.components import Component

from portal.models import Branch
from portal.permissions import is_coordinator, is_national_staff
from portal.registry import (
    AdminHomePanel,
    DashboardLink,
    DashboardPanelContent,
    DashboardRow,
    DashboardScope,
    registry,
)

# The age of the oldest waiting item turns red from this age on.
LATE_AFTER = datetime.timedelta(days=3)
# National staff's panels are worked out again after this long, or on asking.
NATIONAL_CACHE_SECONDS = 60
REFRESH_PARAMETER = "vernieuwen"


def has_dashboard(user) -> bool:
    return is_coordinator(user) or is_national_staff(user)


def dashboard_scope(request, *, now: datetime.datetime | None = None) -> DashboardScope:
    """The branches the user's dashboard covers, with their names and whether the user
    coordinates them themselves: one query."""
    user = request.user
    own = Branch.coordinators.through.objects.filter(branch_id=OuterRef("pk"), user_id=user.pk)
    rows = (
        Branch.objects.coordinated_by(user)
        .annotate(own=Exists(own))
        .order_by("name")
        .values_list("pk", "name", "own")
    )
    branches, family_branch_ids = {}, []
    for pk, name, is_own in rows:
        branches[pk] = name
        if is_own:
            family_branch_ids.append(pk)
    return DashboardScope(
        user=user,
        branch_ids=tuple(branches),
        branch_names=branches,
        family_branch_ids=tuple(family_branch_ids),
        is_national=is_national_staff(user),
        now=now or timezone.now(),
        request=request,
    )


@dataclass
class BuiltPanel:
    """A panel as the template shows it: every provider's content merged."""

    panel: AdminHomePanel
    count: int = 0
    rows: list[DashboardRow] = field(default_factory=list)
    oldest: datetime.datetime | datetime.date | None = None
    links: list[DashboardLink] = field(default_factory=list)
    by_branch: dict[int | None, int] = field(default_factory=dict)
    more: int = 0
    age: str = ""
    late: bool = False  # the oldest item has waited LATE_AFTER or longer
    # (row, its branch's name when the dashboard covers several branches)
    lines: list[tuple[DashboardRow, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.panel.name

    @property
    def url(self) -> str:
        """The panel's own screen: its first link."""
        return self.links[0].url if self.links else ""

    def add(self, content: DashboardPanelContent) -> None:
        self.count += content.count
        self.rows.extend(content.rows)
        self.links.extend(content.links)
        if content.oldest is not None and (
            self.oldest is None or _as_datetime(content.oldest) < _as_datetime(self.oldest)
        ):
            self.oldest = content.oldest
        for branch_id, number in content.by_branch.items():
            self.by_branch[branch_id] = self.by_branch.get(branch_id, 0) + number


def _as_datetime(moment: datetime.datetime | datetime.date) -> datetime.datetime:
    if isinstance(moment, datetime.datetime):
        return moment
    return timezone.make_aware(datetime.datetime.combine(moment, datetime.time()))


def _sort_key(row: DashboardRow):
    # Rows without a moment keep their order, after the dated ones.
    return (row.when is None, _as_datetime(row.when) if row.when is not None else 0)


def age_text(moment: datetime.datetime | datetime.date, *, now: datetime.datetime) -> str:
    """How long the oldest item has waited, with its date: "Oudste wacht 3 dagen, sinds
    2 dec 2026"."""
    day = _local_date(moment)
    days = (timezone.localdate(now) - day).days
    if days <= 0:
        return _("Oudste sinds vandaag")
    if days < 14:
        age = ngettext("%(count)s dag", "%(count)s dagen", days) % {"count": days}
    else:
        weeks = days // 7
        age = ngettext("%(count)s week", "%(count)s weken", weeks) % {"count": weeks}
    return _("Oudste wacht %(age)s, sinds %(date)s") % {
        "age": age,
        "date": date_format(day, "j b Y"),
    }


def _local_date(moment: datetime.datetime | datetime.date) -> datetime.date:
    if isinstance(moment, datetime.datetime):
        return timezone.localdate(moment)
    return moment


def build_panels(scope: DashboardScope) -> list[BuiltPanel]:
    """Every registered panel with its providers' content merged, in panel order.

    A panel whose providers all answer None (not for this user) is left out; one with
    nothing to do stays, with its "nothing waiting" text.
    """
    built: dict[str, BuiltPanel] = {}
    for panel, provider, _budget in registry.admin_home_panels:
        content = provider(scope)
        if content is None:
            continue
        target = built.setdefault(panel.name, BuiltPanel(panel=panel))
        target.add(content)
    panels = sorted(built.values(), key=lambda item: (item.panel.order, item.panel.name))
    for item in panels:
        if any(row.when is not None for row in item.rows):
            item.rows.sort(key=_sort_key)
        limit = item.panel.max_rows
        shown = item.rows[:limit]
        item.more = max(item.count, len(item.rows)) - len(shown)
        item.rows = shown
        item.lines = [(row, scope.branch_name(row.branch_id)) for row in shown]
        if item.oldest is not None and item.count:
            item.age = age_text(item.oldest, now=scope.now)
            item.late = timezone.localdate(scope.now) - _local_date(item.oldest) >= LATE_AFTER
    return panels


@dataclass(frozen=True)
class BranchTable:
    """National staff's table: per branch, each panel's count."""

    columns: list[str]
    rows: list[tuple[str, list[int]]]


def branch_table(scope: DashboardScope, panels: list[BuiltPanel]) -> BranchTable | None:
    counted = [item for item in panels if item.panel.column]
    if not scope.is_national or len(scope.branch_ids) < 2 or not counted:
        return None
    rows = [
        (name, [item.by_branch.get(branch_id, 0) for item in counted])
        for branch_id, name in scope.branch_names.items()
    ]
    unrouted = [item.by_branch.get(None, 0) for item in counted]
    if any(unrouted):
        rows.append((_("Zonder afdeling"), unrouted))
    return BranchTable(columns=[str(item.panel.column) for item in counted], rows=rows)


class HomeStartDashboard(Component):
    """Wagtail home panel: the registered panels of the user's branches."""

    name = "home_start_dashboard"
    order = 50
    template_name = "portal/admin/dashboard.html"

    def __init__(self, request, *, now: datetime.datetime | None = None):
        self.request = request
        self.now = now

    @property
    def media(self) -> Media:
        return Media(css={"all": ["portal/admin/dashboard.css"]})

    def get_context_data(self, parent_context=None) -> dict:
        scope = dashboard_scope(self.request, now=self.now)
        built_at = None
        if not scope.branch_ids:
            panels = []
        elif scope.is_national and self.now is None:
            refresh = REFRESH_PARAMETER in self.request.GET
            panels, built_at = national_panels(scope, refresh=refresh)
        else:
            panels = build_panels(scope)
        quick = [item for item in panels if item.panel.layout == "actions"]
        listed = [item for item in panels if item.panel.layout != "actions"]
        return {
            "scope": scope,
            "quick_actions": quick[0] if quick else None,
            "panels": listed,
            "branch_table": branch_table(scope, listed),
            "branch_names": list(scope.branch_names.values()),
            "show_branch": len(scope.branch_ids) > 1,
            "built_at": built_at,
            "refresh_url": f"?{REFRESH_PARAMETER}=1",
        }


def _cache_key(scope: DashboardScope) -> str:
    return f"portal:admin-home:{scope.user.pk}:{get_language()}"


def national_panels(
    scope: DashboardScope, *, refresh: bool = False
) -> tuple[list[BuiltPanel], datetime.datetime]:
    """National staff's panels and when they were worked out: from the cache when they
    are less than a minute old (and not asked to refresh), else built and kept."""
    key = _cache_key(scope)
    cached = None if refresh else cache.get(key)
    if cached is not None:
        return cached
    built = (build_panels(scope), scope.now)
    cache.set(key, built, NATIONAL_CACHE_SECONDS)
    return built
