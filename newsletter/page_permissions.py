"""Wagtail page permissions for newsletters: coordinators and national staff write,
publish and send newsletters under every newsletter archive page.

Which newsletter a coordinator may touch (their own branches only) is decided by
`newsletter.permissions.manageable_newsletters`, enforced by the hooks in
`wagtail_hooks.py` and again by the services.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission

from portal.permissions import COORDINATORS_GROUP, NATIONAL_STAFF_GROUP

NEWSLETTER_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


def ensure_newsletter_page_permissions(*, using: str = "default") -> None:
    """Idempotent: after every migrate and whenever an archive page is created."""
    from newsletter.models import NewsletterIndexPage

    indexes = list(NewsletterIndexPage.objects.using(using).all())
    if not indexes:
        return
    permissions = list(
        Permission.objects.using(using).filter(
            content_type__app_label="wagtailcore", codename__in=NEWSLETTER_PAGE_PERMISSIONS
        )
    )
    for name in (COORDINATORS_GROUP, NATIONAL_STAFF_GROUP):
        group, _ = Group.objects.using(using).get_or_create(name=name)
        for index in indexes:
            for permission in permissions:
                GroupPagePermission.objects.using(using).get_or_create(
                    group=group, page=index, permission=permission
                )
