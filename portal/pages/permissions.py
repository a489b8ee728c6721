"""Who edits the public pages: Redactie (Wagtail's own "Editors", renamed in portal
migration 0003), on the public site only.

Wagtail's page rights cover the page they are given on and every page below it, and the
parts' pages live under the home page too (each branch's course overview, the
newsletter archives). So the editors' rights are not on the root or the home page but
on each page of the public site directly under a home page (the models of this app:
parents, referrers, leaflets, branch pages, news, standard pages), and whatever a part
adds under the home page stays out of their reach without anyone remembering it. The
home page itself they maintain through its permission tester
(`portal.pages.models.home.HomePagePermissionTester`), the one thing Wagtail's model
cannot say ("this page, not the pages below it").

Documents: their rights are on the collection "Publiek" (leaflets and other public
documents), never on the root collection, which holds every branch's course material
collection. Images stay as Wagtail made them (the root collection): every image is
public (served without a check, `portal.views.development_media`), course material is
documents.

Moderatoren (Wagtail's own "Moderators", the reviewers of its stock workflow) got the
same root rights from Wagtail's migrations; they keep to the public site in the same
way, so adding someone to that group never opens a branch's courses or material.

Idempotent: after every migrate, when a page of the public site is created under a
home page, and when one is moved there (`connect`).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from portal.permissions import EDITORS_GROUP, MODERATORS_GROUP

# Editors keep the public site up to date themselves: beyond Wagtail's default "add"
# and "change" they publish, and they translate pages into the content languages.
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")
EDITOR_PERMISSIONS = ("simple_translation.submit_translation",)
# What Wagtail's migrations gave its Editors group on the root collection, now on the
# public collection only.
EDITOR_DOCUMENT_PERMISSIONS = (
    "add_document",
    "change_document",
    "delete_document",
    "choose_document",
)
PUBLIC_COLLECTION = "Publiek"
PUBLIC_SITE_APP = "pages"
# The groups whose page and document rights are the public site's (see above).
PUBLIC_SITE_GROUPS = (EDITORS_GROUP, MODERATORS_GROUP)


def public_site_sections(*, using: str = "default"):
    """The pages the editors' rights are on: every page of the public site directly
    under a home page (never the home page itself, never a part's page)."""
    from portal.pages.models import HomePage

    homes = HomePage.objects.using(using).values_list("path", flat=True)
    under_a_home = Q()
    for path in homes:
        under_a_home |= Q(path__startswith=path, depth=len(path) // Page.steplen + 1)
    if not homes:
        return Page.objects.using(using).none()
    return (
        Page.objects.using(using)
        .filter(under_a_home, content_type__app_label=PUBLIC_SITE_APP)
        .order_by("path")
    )


def is_public_site_page(page) -> bool:
    """A page of the public site other than the home page: the editors' rights cover it."""
    from portal.pages.models import HomePage

    return (
        page.depth > 2
        and page.content_type.app_label == PUBLIC_SITE_APP
        and not (isinstance(page.specific_deferred, HomePage))
    )


def public_collection(*, using: str = "default") -> Collection | None:
    """The collection for public documents ("Publiek"), created when missing."""
    root = Collection.objects.using(using).filter(depth=1).first()
    if root is None:
        return None
    existing = root.get_children().using(using).filter(name=PUBLIC_COLLECTION).first()
    return existing or root.add_child(instance=Collection(name=PUBLIC_COLLECTION))


def _permissions(app_label: str, codenames, using: str) -> list[Permission]:
    return list(
        Permission.objects.using(using).filter(
            content_type__app_label=app_label, codename__in=codenames
        )
    )


def grant_section(page, *, using: str = "default") -> None:
    """Editors add, edit and publish in `page` (a page of the public site directly
    under a home page) and below it."""
    permissions = _permissions("wagtailcore", EDITOR_PAGE_PERMISSIONS, using)
    for name in PUBLIC_SITE_GROUPS:
        group, _ = Group.objects.using(using).get_or_create(name=name)
        for permission in permissions:
            GroupPagePermission.objects.using(using).get_or_create(
                group=group, page_id=page.pk, permission=permission
            )


def ensure_editor_permissions(*, using: str = "default") -> None:
    """Idempotent: run after every migrate. It also takes back the rights Wagtail's own
    migrations gave its Editors group on the root page and the root collection."""
    group, _ = Group.objects.using(using).get_or_create(name=EDITORS_GROUP)
    for name in EDITOR_PERMISSIONS:
        app_label, codename = name.split(".")
        group.permissions.add(*_permissions(app_label, [codename], using))

    groups = [Group.objects.using(using).get_or_create(name=name)[0] for name in PUBLIC_SITE_GROUPS]
    # Pages: on each public section, nowhere a part's pages are (the root, a home
    # page, or a page of another app).
    GroupPagePermission.objects.using(using).filter(group__in=groups).filter(
        Q(page__depth__lte=2) | ~Q(page__content_type__app_label=PUBLIC_SITE_APP)
    ).delete()
    for page in public_site_sections(using=using):
        grant_section(page, using=using)

    # Documents: the public collection only.
    collection = public_collection(using=using)
    if collection is None:
        return
    document_permissions = _permissions("wagtaildocs", EDITOR_DOCUMENT_PERMISSIONS, using)
    GroupCollectionPermission.objects.using(using).filter(
        group__in=groups, permission__content_type__app_label="wagtaildocs"
    ).exclude(collection__path__startswith=collection.path).delete()
    for group in groups:
        for permission in document_permissions:
            GroupCollectionPermission.objects.using(using).get_or_create(
                group=group, collection=collection, permission=permission
            )
    move_leaflets_to_public_collection(collection, using=using)


def move_leaflets_to_public_collection(collection, *, using: str = "default") -> None:
    """Leaflets still in the root collection (uploaded before it existed) go to the
    public one; documents in a branch's collection stay where they are."""
    from wagtail.documents import get_document_model

    from portal.pages.models import LeafletDocument

    get_document_model().objects.using(using).filter(
        collection__depth=1,
        pk__in=LeafletDocument.objects.using(using).values("document_id"),
    ).update(collection=collection)


def _page_created(sender, instance, created: bool = False, raw: bool = False, **kwargs) -> None:
    if created and not raw and is_public_site_page(instance) and _is_section(instance):
        grant_section(instance, using=kwargs.get("using") or "default")


def _page_moved(sender, instance, **kwargs) -> None:
    page = Page.objects.get(pk=instance.pk)
    if is_public_site_page(page) and _is_section(page):
        grant_section(page)


def _is_section(page) -> bool:
    from portal.pages.models import HomePage

    parent = page.get_parent()
    return parent is not None and isinstance(parent.specific_deferred, HomePage)


def connect() -> None:
    """A page of the public site created or moved directly under a home page gives the
    editors their rights on it at once; any other page gives them none."""
    from django.apps import apps
    from django.db.models.signals import post_save
    from wagtail.signals import post_page_move

    for model in apps.get_app_config(PUBLIC_SITE_APP).get_models():
        if issubclass(model, Page):
            post_save.connect(
                _page_created, sender=model, dispatch_uid=f"editors-section-{model.__name__}"
            )
    post_page_move.connect(_page_moved, dispatch_uid="editors-section-moved")
