"""Redactie (Wagtail's own "Editors") keeps to the public site.

Wagtail's migrations gave its Editors group add and change on the root page
(wagtailcore 0002; `ensure_editor_permissions` added publish) and add, change, delete
and choose on the root collection (wagtaildocs 0002, 0006, 0011). The root page covers
every branch's course overview and newsletter archive, the root collection every
branch's course material ("Cursusmateriaal Utrecht"); portal 0003 only renamed the group.

This moves those rights: page rights on each page of the public site directly under a
home page (not the home page itself, whose tester gives editors that page alone), and
document rights on a new collection "Publiek", where the leaflets in the root collection
go too. `portal.pages.permissions.ensure_editor_permissions` keeps it so after every
migrate. Images are left as they were (every image is public). Reversing changes
nothing.
"""

from django.db import migrations
from django.db.models import Q

EDITORS = "Redactie"
PUBLIC_COLLECTION = "Publiek"
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")
DOCUMENT_PERMISSIONS = ("add_document", "change_document", "delete_document", "choose_document")
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's, as Wagtail's collections use
STEPLEN = 4


def _next_step(step: str) -> str:
    number = 0
    for char in step:
        number = number * len(ALPHABET) + ALPHABET.index(char)
    number += 1
    out = ""
    for _ in range(STEPLEN):
        number, digit = divmod(number, len(ALPHABET))
        out = ALPHABET[digit] + out
    return out


def _public_collection(Collection, alias):
    root = Collection.objects.using(alias).filter(depth=1).first()
    if root is None:
        return None
    children = Collection.objects.using(alias).filter(depth=2, path__startswith=root.path)
    existing = children.filter(name=PUBLIC_COLLECTION).first()
    if existing is not None:
        return existing
    last = children.order_by("-path").values_list("path", flat=True).first()
    step = _next_step(last[-STEPLEN:]) if last else "0001"
    collection = Collection.objects.using(alias).create(
        name=PUBLIC_COLLECTION, path=root.path + step, depth=2, numchild=0
    )
    Collection.objects.using(alias).filter(pk=root.pk).update(numchild=children.count())
    return collection


def forwards(apps, schema_editor):
    alias = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    HomePage = apps.get_model("pages", "HomePage")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Document = apps.get_model("wagtaildocs", "Document")
    LeafletDocument = apps.get_model("pages", "LeafletDocument")

    group = Group.objects.using(alias).filter(name=EDITORS).first()
    if group is None:
        return

    # Pages: off the root and the home pages, onto the public site's sections.
    GroupPagePermission.objects.using(alias).filter(group=group).filter(
        Q(page__depth__lte=2) | ~Q(page__content_type__app_label="pages")
    ).delete()
    page_permissions = Permission.objects.using(alias).filter(
        content_type__app_label="wagtailcore", codename__in=PAGE_PERMISSIONS
    )
    for home_path in HomePage.objects.using(alias).values_list("path", flat=True):
        sections = Page.objects.using(alias).filter(
            path__startswith=home_path,
            depth=len(home_path) // STEPLEN + 1,
            content_type__app_label="pages",
        )
        for page in sections:
            for permission in page_permissions:
                GroupPagePermission.objects.using(alias).get_or_create(
                    group=group, page=page, permission=permission
                )

    # Documents: off the root collection (and so every branch's), onto "Publiek".
    collection = _public_collection(Collection, alias)
    if collection is None:
        return
    GroupCollectionPermission.objects.using(alias).filter(
        group=group, permission__content_type__app_label="wagtaildocs"
    ).exclude(collection__path__startswith=collection.path).delete()
    for permission in Permission.objects.using(alias).filter(
        content_type__app_label="wagtaildocs", codename__in=DOCUMENT_PERMISSIONS
    ):
        GroupCollectionPermission.objects.using(alias).get_or_create(
            group=group, collection=collection, permission=permission
        )
    Document.objects.using(alias).filter(
        collection__depth=1, pk__in=LeafletDocument.objects.using(alias).values("document_id")
    ).update(collection=collection)


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0003_public_site"),
        ("portal", "0003_dutch_workflow_names"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
