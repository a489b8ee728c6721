"""The few explicit hooks through which `portal` learns about the parts.

`portal` never imports `courses`, `intervision` or `newsletter`; each part
registers here from its AppConfig.ready() instead:

- the permissions its admin screens need for each role (`register_role_permissions`),
- a builder for the demo content (`register_demo_builder`),
- a provider of a person's agenda items (`register_agenda_provider`),
- what it holds on a volunteer, for their data download (`register_personal_data_exporter`),
- a section on the volunteer's record in the admin (`register_volunteer_record_section`),
- a section on a person's Mijn Home-Start page (`register_mijn_section`),
- the upcoming events the public and the newsletter may list (`register_upcoming_events_provider`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

COORDINATOR = "coordinator"
NATIONAL_STAFF = "national_staff"


@dataclass
class _Registry:
    role_permissions: dict[str, set[str]] = field(
        default_factory=lambda: {COORDINATOR: set(), NATIONAL_STAFF: set()}
    )
    demo_builders: list[tuple[int, str, Callable[..., None]]] = field(default_factory=list)
    agenda_providers: list[Callable] = field(default_factory=list)
    personal_data_exporters: list[Callable] = field(default_factory=list)
    volunteer_record_sections: list[Callable] = field(default_factory=list)
    mijn_sections: list[tuple[int, Callable]] = field(default_factory=list)
    upcoming_events_providers: list[Callable] = field(default_factory=list)


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


registry = _Registry()


def register_role_permissions(role: str, permissions: list[str]) -> None:
    """Grant `permissions` ("app_label.codename") to a role's group on every migrate."""
    registry.role_permissions[role].update(permissions)


def register_demo_builder(name: str, builder: Callable[..., None], *, order: int) -> None:
    """`builder(stdout)` adds a part's demo content; lower `order` runs first."""
    if any(existing == name for _, existing, _ in registry.demo_builders):
        return
    registry.demo_builders.append((order, name, builder))
    registry.demo_builders.sort(key=lambda item: item[0])


def register_agenda_provider(provider: Callable) -> None:
    """`provider(*, volunteer_id, branch_ids, start, end) -> list[AgendaItem]`.

    Exactly one of `volunteer_id` (a volunteer's own agenda: what they are enrolled in,
    invited to or a member of) and `branch_ids` (a coordinator's agenda: every session
    of those branches) is given. Items overlap [start, end). A provider runs a fixed
    number of queries, whatever the number of items.
    """
    if provider not in registry.agenda_providers:
        registry.agenda_providers.append(provider)


def register_personal_data_exporter(exporter: Callable) -> None:
    """`exporter(volunteer) -> dict` adds a part's data to a volunteer's download."""
    if exporter not in registry.personal_data_exporters:
        registry.personal_data_exporters.append(exporter)


def register_volunteer_record_section(provider: Callable) -> None:
    """`provider(volunteer) -> {"title": str, "rows": [(label, value), ...]} | None`."""
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
