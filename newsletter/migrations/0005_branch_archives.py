"""Move each newsletter addressed to branches from the one shared archive into the archive
of its branch (the lowest-numbered one when it addresses several), creating that
branch archive under the national archive when missing.

Historical page models have no tree methods, so the tree is written the way treebeard
writes it (materialised path, 4 base-36 characters per level). A moved newsletter has no
children. The old address (/nieuwsbrieven/<slug>/) keeps working through the national
archive's route (`NewsletterIndexPage.route`), which sends it on to the moved page.

Reverse: nothing to undo (noop). The branch archives and the newsletters in them stay
where they are; the page tree is valid either way and no data is lost.
"""

from django.db import migrations
from django.db.models import F

STEPLEN = 4
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _step(number: int) -> str:
    digits = ""
    while number:
        number, remainder = divmod(number, len(ALPHABET))
        digits = ALPHABET[remainder] + digits
    return digits.rjust(STEPLEN, "0")


def _next_child_path(Page, parent) -> str:
    last = (
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    number = int(last[-STEPLEN:], len(ALPHABET)) + 1 if last else 1
    return parent.path + _step(number)


def _free_slug(Page, parent, slug: str) -> str:
    taken = set(
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).values_list(
            "slug", flat=True
        )
    )
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = f"{slug}-{number}"
    return candidate


def _branch_archive(apps, national, branch):
    Page = apps.get_model("wagtailcore", "Page")
    ContentType = apps.get_model("contenttypes", "ContentType")
    NewsletterIndexPage = apps.get_model("newsletter", "NewsletterIndexPage")
    children = Page.objects.filter(path__startswith=national.path, depth=national.depth + 1)
    existing = NewsletterIndexPage.objects.filter(
        pk__in=children.values("pk"), branch_id=branch.pk
    ).first()
    if existing is not None:
        return existing
    content_type, _ = ContentType.objects.get_or_create(
        app_label="newsletter", model="newsletterindexpage"
    )
    slug = _free_slug(Page, national, branch.slug)
    title = f"Nieuwsbrieven {branch.name.removeprefix('Home-Start ').strip() or branch.slug}"
    archive = NewsletterIndexPage.objects.create(
        title=title,
        draft_title=title,
        slug=slug,
        content_type=content_type,
        path=_next_child_path(Page, national),
        depth=national.depth + 1,
        numchild=0,
        url_path=f"{national.url_path}{slug}/",
        live=national.live,
        has_unpublished_changes=False,
        show_in_menus=False,
        locale_id=national.locale_id,
        branch_id=branch.pk,
        intro="",
    )
    Page.objects.filter(pk=national.pk).update(numchild=F("numchild") + 1)
    national.numchild += 1
    return archive


def move_into_branch_archives(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    NewsletterIndexPage = apps.get_model("newsletter", "NewsletterIndexPage")
    NewsletterPage = apps.get_model("newsletter", "NewsletterPage")
    for national in NewsletterIndexPage.objects.filter(branch__isnull=True).order_by("path"):
        newsletters = NewsletterPage.objects.filter(
            path__startswith=national.path,
            depth=national.depth + 1,
            audience__in=["branches", "coordinators"],
        ).order_by("path")
        for newsletter in newsletters:
            branch = newsletter.branches.order_by("pk").first()
            if branch is None:
                continue  # addressed to no branch: stays national
            archive = _branch_archive(apps, national, branch)
            slug = _free_slug(Page, archive, newsletter.slug)
            Page.objects.filter(pk=newsletter.pk).update(
                path=_next_child_path(Page, archive),
                depth=archive.depth + 1,
                slug=slug,
                url_path=f"{archive.url_path}{slug}/",
            )
            Page.objects.filter(pk=archive.pk).update(numchild=F("numchild") + 1)
            Page.objects.filter(pk=national.pk).update(numchild=F("numchild") - 1)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0004_newsletterindexpage_branch"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(move_into_branch_archives, migrations.RunPython.noop),
    ]
