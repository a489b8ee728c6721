"""The newsletter archives and Wagtail's page rights on them.

The national archive (under the home page) holds the national newsletters and one
archive per branch (/nieuwsbrieven/utrecht/). A branch's coordinators (their own
Wagtail group, `portal.services.roles.branch_coordinator_group`) add, edit and publish
newsletters in their branch's archive only; national staff in every archive. Wagtail's
own checks then keep a coordinator away from other branches' newsletters on every
route (edit, unpublish, delete, move, copy, privacy, view_draft, revisions, bulk
actions, chooser, admin search). The one rule left to the page's permission tester is
in `newsletter.permissions.addresses_only_own_branches`.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission

from portal.permissions import COORDINATORS_GROUP, NATIONAL_STAFF_GROUP

NEWSLETTER_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


def _archive_slug(national, branch) -> str:
    from wagtail.models import Page

    taken = set(national.get_children().values_list("slug", flat=True))
    for slug in (branch.slug, f"{branch.slug}-nieuws", f"afdeling-{branch.pk}"):
        if slug not in taken:
            return slug
    return f"afdeling-{branch.pk}-{Page.objects.count()}"


def branch_archive_title(branch) -> str:
    return f"Nieuwsbrieven {branch.name.removeprefix('Home-Start ').strip() or branch.slug}"


def national_archives():
    from newsletter.models import NewsletterIndexPage

    return NewsletterIndexPage.objects.filter(branch__isnull=True).order_by("path")


def branch_archive(branch, *, national=None):
    """The branch's newsletter archive under `national` (the default locale's national
    archive when not given), created when missing. None while there is no national
    archive."""
    from newsletter.models import NewsletterIndexPage

    if national is None:
        from wagtail.models import Locale

        nationals = national_archives()
        national = nationals.filter(locale=Locale.get_default()).first() or nationals.first()
    if national is None:
        return None
    existing = NewsletterIndexPage.objects.child_of(national).filter(branch=branch).first()
    if existing is not None:
        return existing
    archive = NewsletterIndexPage(
        title=branch_archive_title(branch),
        slug=_archive_slug(national, branch),
        branch=branch,
        locale_id=national.locale_id,
        live=True,  # also under a national archive still in draft: it is published
        show_in_menus=False,
    )
    national.add_child(instance=archive)
    archive.save_revision()
    return archive


def ensure_branch_archives(*, using: str = "default") -> None:
    """Every branch has its archive under every national archive. Idempotent: after
    every migrate, and when a branch or a national archive is created."""
    if using != "default":
        return  # Wagtail's tree writes go through the default database
    branches = _all_branches()
    for national in national_archives():
        for branch in branches:
            branch_archive(branch, national=national)


def _page_permissions(using: str) -> list[Permission]:
    return list(
        Permission.objects.using(using).filter(
            content_type__app_label="wagtailcore", codename__in=NEWSLETTER_PAGE_PERMISSIONS
        )
    )


def grant_archive_permissions(index, *, using: str = "default", permissions=None) -> None:
    """National staff, and for a branch archive that branch's coordinators, add, edit
    and publish newsletters in `index`. Idempotent."""
    from portal.services.roles import branch_coordinator_group

    permissions = permissions if permissions is not None else _page_permissions(using)
    groups = [Group.objects.using(using).get_or_create(name=NATIONAL_STAFF_GROUP)[0]]
    if index.branch_id is not None:
        groups.append(branch_coordinator_group(index.branch, using=using))
    for group in groups:
        for permission in permissions:
            GroupPagePermission.objects.using(using).get_or_create(
                group=group, page_id=index.pk, permission=permission
            )


def ensure_newsletter_page_permissions(*, using: str = "default") -> None:
    """Idempotent: after every migrate. It also takes back the rights the shared
    coordinators group once had on the one shared archive."""
    from newsletter.models import NewsletterIndexPage

    indexes = list(NewsletterIndexPage.objects.using(using).select_related("branch"))
    if not indexes:
        return
    shared, _ = Group.objects.using(using).get_or_create(name=COORDINATORS_GROUP)
    GroupPagePermission.objects.using(using).filter(
        group=shared, page_id__in=[index.pk for index in indexes]
    ).delete()
    permissions = _page_permissions(using)
    for index in indexes:
        grant_archive_permissions(index, using=using, permissions=permissions)


def ensure_newsletter_archives(*, using: str = "default") -> None:
    """After every migrate: every branch's archive, and the rights on every archive."""
    ensure_branch_archives(using=using)
    ensure_newsletter_page_permissions(using=using)


def archive_created(index) -> None:
    """A newsletter archive was created (the admin, the demo, a branch's new archive)."""
    grant_archive_permissions(index)
    if index.branch_id is None:
        for branch in _all_branches():
            branch_archive(branch, national=index)


def branch_created(branch) -> None:
    """A new branch gets its archive under every national archive at once."""
    for national in national_archives():
        branch_archive(branch, national=national)


def _all_branches():
    from portal.models import Branch

    return list(Branch.objects.order_by("pk"))


def seed_scale_archives(context) -> None:
    """`seed_scale` adds its branches in bulk (no save signal): their archives here."""
    ensure_newsletter_archives()
    context.say(f"  newsletter archives: {len(_all_branches())} branches")
