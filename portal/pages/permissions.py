"""Who edits the public pages: Wagtail's Editors group (Redactie), everywhere in the tree."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, Page

from portal.permissions import EDITORS_GROUP

# Editors keep the public site up to date themselves: beyond Wagtail's default "add"
# and "change" they publish, and they translate pages into the content languages.
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")
EDITOR_PERMISSIONS = ("simple_translation.submit_translation",)


def ensure_editor_permissions(*, using: str = "default") -> None:
    """Idempotent: run after every migrate."""
    group, _ = Group.objects.using(using).get_or_create(name=EDITORS_GROUP)
    root = Page.objects.using(using).filter(depth=1).first()
    if root is None:
        return
    for codename in EDITOR_PAGE_PERMISSIONS:
        permission = (
            Permission.objects.using(using)
            .filter(content_type__app_label="wagtailcore", codename=codename)
            .first()
        )
        if permission is not None:
            GroupPagePermission.objects.using(using).get_or_create(
                group=group, page=root, permission=permission
            )
    for name in EDITOR_PERMISSIONS:
        app_label, codename = name.split(".")
        permission = (
            Permission.objects.using(using)
            .filter(content_type__app_label=app_label, codename=codename)
            .first()
        )
        if permission is not None:
            group.permissions.add(permission)
