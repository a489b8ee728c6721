"""How `courses` plugs into `portal` (portal/registry.py), called from CoursesConfig.ready()."""

from __future__ import annotations

from portal.registry import COORDINATOR, register_role_permissions

ROLE_PERMISSIONS = [
    "courses.view_courseenrolment",
    "courses.change_courseenrolment",
    "courses.view_attendance",
    "courses.change_attendance",
]


def register() -> None:
    register_role_permissions(COORDINATOR, ROLE_PERMISSIONS)
