"""The few explicit hooks through which `portal` learns about the parts.

`portal` never imports `courses`, `intervision` or `newsletter`; each part
registers here from its AppConfig.ready() instead:

- the permissions its admin screens need for each role (`register_role_permissions`),
- a builder for the demo content (`register_demo_builder`),
- a provider of a person's agenda items (`register_agenda_provider`),
- what it holds on a volunteer, for their data download (`register_personal_data_exporter`),
- a section on the volunteer's record in the admin (`register_volunteer_record_section`).
"""

from __future__ import annotations

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
