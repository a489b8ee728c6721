"""The few explicit hooks through which `portal` learns about the parts.

`portal` never imports `courses`, `intervision`, `newsletter`, `support` or `reports`; each part
registers here from its AppConfig.ready() instead:

- the permissions its admin screens need for each role (`register_role_permissions`),
- a builder for the demo content (`register_demo_builder`),
- a seeder of national-size benchmark data (`register_scale_seeder`, `portal/scale.py`),
- a provider of a person's agenda items (`register_agenda_provider`),
- what it holds on a volunteer, for their data download (`register_personal_data_exporter`),
- a section on the volunteer's record in the admin (`register_volunteer_record_section`),
- a section on a person's Mijn Home-Start page (`register_mijn_section`),
- the upcoming events the public and the newsletter may list (`register_upcoming_events_provider`),
- a section of the coordinators' weekly digest e-mail (`register_digest_provider`),
- a panel on the admin home, the coordinator's dashboard (`register_admin_home_panel`),
- the view behind a form page of the public site (`register_page_form_view`), so a page
  model in `portal.pages` can serve a form whose rules live in a part (the referral form),
- rules a volunteer's status change must pass (`register_status_rule`) and listeners to
  what happens to a volunteer record (`register_volunteer_event_listener`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

COORDINATOR = "coordinator"
NATIONAL_STAFF = "national_staff"
# Permissions for the coordinators of a branch only, which national staff do not get
# with the coordinators' ones: family data (DESIGN.md, "Personal data, in tiers").
BRANCH_COORDINATOR = "branch_coordinator"


@dataclass
class _Registry:
    role_permissions: dict[str, set[str]] = field(
        default_factory=lambda: {
            COORDINATOR: set(),
            BRANCH_COORDINATOR: set(),
            NATIONAL_STAFF: set(),
        }
    )
    demo_builders: list[tuple[int, str, Callable[..., None]]] = field(default_factory=list)
    scale_seeders: list[tuple[int, str, Callable[..., None]]] = field(default_factory=list)
    agenda_providers: list[Callable] = field(default_factory=list)
    # Providers whose items are for the coordinators of a branch only, never for national
    # staff who see every branch (supervision talks): they get the person's own branches.
    own_branch_agenda_providers: set[Callable] = field(default_factory=set)
    personal_data_exporters: list[Callable] = field(default_factory=list)
    volunteer_record_sections: list[Callable] = field(default_factory=list)
    mijn_sections: list[tuple[int, Callable]] = field(default_factory=list)
    upcoming_events_providers: list[Callable] = field(default_factory=list)
    digest_providers: list[Callable] = field(default_factory=list)
    admin_home_panels: list[tuple[AdminHomePanel, Callable, int]] = field(default_factory=list)
    status_rules: list[Callable] = field(default_factory=list)
    volunteer_event_listeners: list[Callable] = field(default_factory=list)
    page_form_views: dict[str, Callable] = field(default_factory=dict)


@dataclass(frozen=True)
class MijnSection:
    """One block on Mijn Home-Start, rendered with `template` and `context`."""

    title: str
    template: str
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class UpcomingEvent:
    """A date the public or the volunteers may be told about: a course, a theme meeting.

    Carries no personal data: it may go into a newsletter or onto a public page.
    """

    kind: str  # "course", "training", "theme_meeting", ...
    title: str
    start: datetime.datetime
    end: datetime.datetime | None
    url: str
    branch_name: str = ""  # empty for national events
    venue: str = ""
    places_left: int | None = None  # None: no sign-up or no limit


@dataclass(frozen=True)
class AgendaItem:
    """One thing a person is expected at, as the agenda page and the calendar feeds show it.

    Carries no family data and no other volunteers' names: it goes into calendar feeds.
    `uid` is stable for the life of the item (it becomes the VEVENT UID); `sequence` rises
    whenever the time, place or status changes; `updated_at` is the last such change.
    """

    uid: str
    kind: str  # "course_session", "intervision_session", "theme_meeting", ...
    title: str
    start: datetime.datetime  # aware
    end: datetime.datetime  # aware
    status: str  # "enrolled", "waitlisted", "invited", "attending", "not_attending", ...
    status_label: str  # shown to the person, in their language
    cancelled: bool = False
    moved: bool = False
    location: str = ""
    url: str = ""  # a page in the portal about this item: a path (feeds make it absolute)
    description: str = ""
    sequence: int = 0
    updated_at: datetime.datetime | None = None
    branch_id: int | None = None
    # For the agenda page; feeds use `title`, which carries the kind ("Intervisie: ...").
    kind_label: str = ""  # "Intervisie", "Cursus": shown as a label beside the name
    name: str = ""  # the title without its kind ("Dinsdaggroep"); empty: the page shows `title`
    cancel_reason: str = ""  # why a cancelled item does not go ahead (never family data)
    # Where the person answers whether they come (POST answer=yes|no, optional `next`);
    # empty when there is nothing to answer. `rsvp_answer` is "yes", "no" or "" (none yet).
    rsvp_url: str = ""
    rsvp_answer: str = ""


@dataclass(frozen=True)
class DigestRow:
    """One line of the weekly digest: what needs attention, and where to act on it.

    `text` may name a volunteer (the digest goes to the branch's coordinators only),
    never a family: a match or referral is named by its reference.
    """

    text: str
    url: str  # a path in the admin; the e-mail makes it absolute


@dataclass(frozen=True)
class DigestSection:
    """One part's block in the coordinators' weekly digest e-mail."""

    title: str
    rows: tuple[DigestRow, ...]
    intro: str = ""
    order: int = 100


# --- The admin home (Wagtail dashboard) -----------------------------------------------


@dataclass(frozen=True)
class DashboardScope:
    """Whose admin home is being built and what it covers; made once per request.

    `branch_ids` are the branches the panels cover: the user's own, every branch for
    national staff, who (`is_national`) also see what no branch owns yet (a referral
    no branch covers). `branch_names` saves panels a join to name a row's branch.
    `family_branch_ids` are the branches the user coordinates themselves: a panel on
    family data counts over `branch_ids` but names referrals and matches only of
    these (DESIGN.md's tiers; national staff get the figures, not the families).
    """

    user: object
    branch_ids: tuple[int, ...]
    branch_names: dict[int, str]
    is_national: bool
    now: datetime.datetime  # aware
    request: object | None = None
    family_branch_ids: tuple[int, ...] = ()

    @property
    def today(self) -> datetime.date:
        from django.utils import timezone

        return timezone.localdate(self.now)

    @property
    def week_start(self) -> datetime.date:
        """Monday of this week."""
        return self.today - datetime.timedelta(days=self.today.weekday())

    @property
    def week_end(self) -> datetime.date:
        """The Monday after next week (not included): "this week and next" ends before it."""
        return self.week_start + datetime.timedelta(days=14)

    def branch_name(self, branch_id: int | None) -> str:
        """A row's branch, named only when the scope holds more than one."""
        if branch_id is None or len(self.branch_ids) < 2:
            return ""
        return self.branch_names.get(branch_id, "")


@dataclass(frozen=True)
class DashboardRow:
    """One item on a panel. `text` may name a volunteer (the admin home is for the
    branch's coordinators), never a family: a referral is named by its reference."""

    text: str
    url: str  # the admin screen where the work on this item is done
    detail: str = ""  # "5 komen, 1 niet, 3 geen antwoord", "VOG aangevraagd op ..."
    when: datetime.datetime | datetime.date | None = None  # shown absolute; merged rows sort by it
    branch_id: int | None = None
    cancelled: bool = False


@dataclass(frozen=True)
class DashboardLink:
    label: str
    url: str


@dataclass(frozen=True)
class DashboardPanelContent:
    """What one provider puts on a panel.

    `count` is the headline (how many items; 0 means nothing to do), `rows` the first
    few of them (at most the panel's `max_rows`, most urgent or earliest first), `oldest`
    the moment the oldest waiting item came in (shown as its age), `links` the screens
    with everything, `by_branch` the count per branch id (None: no branch) for national
    staff's table.
    """

    count: int = 0
    rows: tuple[DashboardRow, ...] = ()
    oldest: datetime.datetime | datetime.date | None = None
    links: tuple[DashboardLink, ...] = ()
    by_branch: dict[int | None, int] = field(default_factory=dict)


@dataclass(frozen=True)
class AdminHomePanel:
    """A panel on the admin home. Several providers may fill the same panel (the same
    `name`): their rows are merged in time order, their counts added up.

    `when` says how rows show their moment: "date" ("5 dec 2026") or "datetime"
    ("di 8 dec, 9:30"). `column` is the panel's heading in national staff's per-branch
    table (empty: not in the table). `layout` "actions" shows the rows as buttons.
    """

    name: str
    title: str
    order: int = 100
    description: str = ""
    empty_text: str = ""
    column: str = ""
    when: str = "date"
    layout: str = "list"
    max_rows: int = 6


# The attendance panel looks this far back: older gaps are the spreadsheets' business.
ATTENDANCE_LOOKBACK = datetime.timedelta(weeks=8)

# Panels that several parts fill; defined here so their titles and order agree.
QUICK_ACTIONS_PANEL = AdminHomePanel(
    name="quick_actions", title=_("Snel aan de slag"), order=0, layout="actions", max_rows=12
)
ATTENDANCE_PANEL = AdminHomePanel(
    name="attendance_to_record",
    title=_("Aanwezigheid nog invullen"),
    order=30,
    description=_("Bijeenkomsten van de afgelopen acht weken waarvan nog niet alles is ingevuld."),
    empty_text=_("Alle aanwezigheid is ingevuld."),
    column=_("Aanwezigheid open"),
    max_rows=8,
)
WEEK_PANEL = AdminHomePanel(
    name="this_week_and_next",
    title=_("Deze week en volgende week"),
    order=40,
    description=_("Van vandaag tot en met zondag volgende week."),
    empty_text=_("Geen bijeenkomsten deze week en volgende week."),
    when="datetime",
    max_rows=10,
)

# Queries one dashboard provider may run, whatever the number of branches, volunteers
# or sessions; a provider registers its own (lower) budget, tests hold it to it.
ADMIN_HOME_PROVIDER_MAX_BUDGET = 4


registry = _Registry()


def register_role_permissions(role: str, permissions: list[str]) -> None:
    """Grant `permissions` ("app_label.codename") to a role's group on every migrate."""
    registry.role_permissions[role].update(permissions)


def register_scale_seeder(name: str, seeder: Callable[..., None], *, order: int) -> None:
    """`seeder(context)` adds a part's share of `manage.py seed_scale`'s data set
    (`portal.scale.ScaleContext`); lower `order` runs first."""
    if any(existing == name for _, existing, _ in registry.scale_seeders):
        return
    registry.scale_seeders.append((order, name, seeder))
    registry.scale_seeders.sort(key=lambda item: item[0])


def register_demo_builder(name: str, builder: Callable[..., None], *, order: int) -> None:
    """`builder(stdout)` adds a part's demo content; lower `order` runs first."""
    if any(existing == name for _, existing, _ in registry.demo_builders):
        return
    registry.demo_builders.append((order, name, builder))
    registry.demo_builders.sort(key=lambda item: item[0])


def register_agenda_provider(provider: Callable, *, own_branches_only: bool = False) -> None:
    """`provider(*, volunteer_id, branch_ids, start, end) -> list[AgendaItem]`.

    Exactly one of `volunteer_id` (a volunteer's own agenda: what they are enrolled in,
    invited to or a member of) and `branch_ids` (a coordinator's agenda: every session
    of those branches) is given. Items overlap [start, end). A provider runs a fixed
    number of queries, whatever the number of items.

    With `own_branches_only`, `branch_ids` are only the branches the person coordinates,
    not every branch national staff may see (and the provider is not asked when there
    are none): for items that are the branch's own business.
    """
    if provider not in registry.agenda_providers:
        registry.agenda_providers.append(provider)
    if own_branches_only:
        registry.own_branch_agenda_providers.add(provider)


def register_personal_data_exporter(exporter: Callable) -> None:
    """`exporter(volunteer) -> dict` adds a part's data to a volunteer's download."""
    if exporter not in registry.personal_data_exporters:
        registry.personal_data_exporters.append(exporter)


def register_volunteer_record_section(provider: Callable) -> None:
    """`provider(volunteer) -> {"title": str, "rows": [(label, value), ...], "links":
    [(label, admin path), ...]} | None` ("links" optional: buttons to the part's screens)."""
    if provider not in registry.volunteer_record_sections:
        registry.volunteer_record_sections.append(provider)


# Queries one Mijn section may run; the same whatever the number of rows it shows.
MIJN_SECTION_QUERY_BUDGET = 4


def register_mijn_section(provider: Callable, *, order: int = 100) -> None:
    """`provider(request, volunteer) -> MijnSection | None`; `volunteer` may be None.

    Lower `order` comes first. A provider runs at most MIJN_SECTION_QUERY_BUDGET
    queries, whatever the number of rows it shows.
    """
    if all(existing is not provider for _, existing in registry.mijn_sections):
        registry.mijn_sections.append((order, provider))
        registry.mijn_sections.sort(key=lambda item: item[0])


def register_upcoming_events_provider(provider: Callable) -> None:
    """`provider(*, branch_ids: list[int] | None, limit: int) -> list[UpcomingEvent]`.

    `branch_ids=None` means every branch plus national events; a list means the events
    of those branches plus national ones. Each provider returns at most `limit` events
    in time order, starting from now.
    """
    if provider not in registry.upcoming_events_providers:
        registry.upcoming_events_providers.append(provider)


def register_digest_provider(provider: Callable) -> None:
    """`provider(*, branch_ids: list[int], today: date) -> dict[int, DigestSection]`.

    Returns, per branch id that has something to report, the part's section of the
    weekly digest to that branch's coordinators; branches with nothing are left out.
    A provider runs a fixed number of queries, whatever the number of branches.
    """
    if provider not in registry.digest_providers:
        registry.digest_providers.append(provider)


def digest_sections(
    *, branch_ids: list[int], today: datetime.date
) -> dict[int, list[DigestSection]]:
    """Every part's digest sections, per branch, in their order."""
    sections: dict[int, list[DigestSection]] = {}
    for provider in registry.digest_providers:
        for branch_id, section in provider(branch_ids=branch_ids, today=today).items():
            if section.rows:
                sections.setdefault(branch_id, []).append(section)
    for found in sections.values():
        found.sort(key=lambda section: section.order)
    return sections


def upcoming_events(*, branch_ids: list[int] | None = None, limit: int = 10) -> list[UpcomingEvent]:
    """Every part's upcoming events, merged in time order."""
    events = [
        event
        for provider in registry.upcoming_events_providers
        for event in provider(branch_ids=branch_ids, limit=limit)
    ]
    return sorted(events, key=lambda event: event.start)[:limit]


def mijn_sections(request, volunteer) -> list[MijnSection]:
    return [
        section
        for _, provider in registry.mijn_sections
        if (section := provider(request, volunteer)) is not None
    ]


def register_admin_home_panel(
    panel: AdminHomePanel, provider: Callable, *, query_budget: int
) -> None:
    """Put `provider(scope: DashboardScope) -> DashboardPanelContent | None` on the admin
    home of coordinators and national staff, in `panel` (None: nothing to show, for
    example when the user lacks the permission).

    The provider runs at most `query_budget` queries (at most
    ADMIN_HOME_PROVIDER_MAX_BUDGET), the same for one branch or twenty, ten rows or ten
    thousand; tests/portal/test_admin_home.py holds every registered provider to it.
    Call it from the part's AppConfig.ready(), typically from `<part>/dashboard.py`.
    """
    if query_budget > ADMIN_HOME_PROVIDER_MAX_BUDGET:
        raise ValueError(f"{provider!r}: at most {ADMIN_HOME_PROVIDER_MAX_BUDGET} queries.")
    if all(existing is not provider for _, existing, _ in registry.admin_home_panels):
        registry.admin_home_panels.append((panel, provider, query_budget))


# --- Form pages of the public site ----------------------------------------------------


def register_page_form_view(name: str, view: Callable) -> None:
    """`view(request, *, page) -> HttpResponse` handles GET and POST of the form pages
    that ask for `name` (`page_form_view(name)`); one view per name."""
    registry.page_form_views[name] = view


def page_form_view(name: str) -> Callable:
    """The view registered for `name`; a page whose part is not installed has none and
    answers 404."""
    view = registry.page_form_views.get(name)
    if view is None:
        from django.http import Http404

        raise Http404(name)
    return view


# --- The volunteer pipeline -----------------------------------------------------------


def register_status_rule(rule: Callable) -> None:
    """`rule(volunteer, to_status) -> list[ServiceError]`: what stands between this
    volunteer and `to_status` (empty: nothing). The status service refuses a change
    while any rule names a blocker; the first blocker is the message shown. Rules read,
    never write, and run a fixed number of queries.
    """
    if rule not in registry.status_rules:
        registry.status_rules.append(rule)


def register_volunteer_event_listener(listener: Callable) -> None:
    """`listener(*, event, volunteer, by, **details)`, called inside the transaction of
    the service that changed the volunteer record. Events: "status_changed"
    (`from_status`, `to_status`), "introduction_course_completed" (`completed_on`, a date
    or None when withdrawn), "details_saved" (the coordinator saved the record's form),
    "demo_step" (`step`: the demo content is about to take this step of the pipeline;
    parts fill in what a coordinator would have done before it).
    """
    if listener not in registry.volunteer_event_listeners:
        registry.volunteer_event_listeners.append(listener)


def notify_volunteer_event(event: str, *, volunteer, by=None, **details) -> None:
    for listener in registry.volunteer_event_listeners:
        listener(event=event, volunteer=volunteer, by=by, **details)
