"""Who may see what of a course. Read only."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from courses.models import CourseEnrolment, CoursePage, EnrolmentStatus
from portal.permissions import coordinates_branch


def coordinates_course(user, course: CoursePage) -> bool:
    """A coordinator of the course's branch, or national staff."""
    return coordinates_branch(user, course.branch_id)


def is_participant(user, course: CoursePage) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return CourseEnrolment.objects.filter(
        offering=course, volunteer__user=user, status=EnrolmentStatus.ENROLLED
    ).exists()


def can_see_material(user, course: CoursePage) -> bool:
    return is_participant(user, course) or coordinates_course(user, course)


COURSE_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")
DOCUMENT_PERMISSIONS = ("add_document", "change_document", "choose_document")


def course_material_collection(branch, *, using: str = "default"):
    """The branch's collection for course material ("Cursusmateriaal Utrecht")."""
    from wagtail.models import Collection

    from portal.services.roles import branch_group_name

    name = f"Cursusmateriaal {branch_group_name(branch).split(' ', 1)[1]}"
    root = Collection.objects.using(using).filter(depth=1).first()
    if root is None:
        return None
    existing = root.get_children().using(using).filter(name=name).first()
    return existing or root.add_child(instance=Collection(name=name))


_deferred = threading.local()


@contextlib.contextmanager
def course_page_permissions_deferred(*, using: str = "default") -> Iterator[None]:
    """Course overview pages created inside this block get their permissions once, when
    it ends, instead of once per page: `ensure_course_page_permissions` walks every
    overview page, so creating sixty of them one by one (`seed_scale`) costs sixty
    times sixty. Nothing else changes: on leaving the block the permissions are exactly
    what they would have been."""
    if getattr(_deferred, "active", False):
        yield
        return
    _deferred.active, _deferred.pending = True, False
    try:
        yield
    finally:
        pending = _deferred.pending
        _deferred.active, _deferred.pending = False, False
    if pending:
        ensure_course_page_permissions(using=using)


def course_page_created(*, using: str = "default") -> None:
    """A course overview page was created: its branch's group gets its permissions now,
    or when the deferring block ends."""
    if getattr(_deferred, "active", False):
        _deferred.pending = True
        return
    ensure_course_page_permissions(using=using)


def ensure_course_page_permissions(*, using: str = "default") -> None:
    """Each branch's coordinators (their own Wagtail group) add, edit and publish courses
    under that branch's course overview page and keep its course material in their own
    collection; national staff do so everywhere. Wagtail's own permission checks then
    refuse every route to another branch's courses and material (bulk actions, privacy,
    unpublish, move, delete, revisions, choosers). Idempotent: after every migrate and
    when a course overview page is created; it also takes back the rights the shared
    coordinators group once had on every index and on the root collection, and moves
    material already attached to one branch's courses into that branch's collection."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

    from courses.models import CourseDocument, CourseIndexPage
    from portal.permissions import COORDINATORS_GROUP, NATIONAL_STAFF_GROUP
    from portal.services.roles import branch_coordinator_group

    national, _ = Group.objects.using(using).get_or_create(name=NATIONAL_STAFF_GROUP)
    shared, _ = Group.objects.using(using).get_or_create(name=COORDINATORS_GROUP)
    page_permissions = list(
        Permission.objects.using(using).filter(
            content_type__app_label="wagtailcore", codename__in=COURSE_PAGE_PERMISSIONS
        )
    )
    document_permissions = list(
        Permission.objects.using(using).filter(
            content_type__app_label="wagtaildocs", codename__in=DOCUMENT_PERMISSIONS
        )
    )
    indexes = list(CourseIndexPage.objects.using(using).select_related("branch"))
    GroupPagePermission.objects.using(using).filter(
        group=shared, page_id__in=[index.pk for index in indexes]
    ).delete()
    for index in indexes:
        groups = [national]
        if index.branch is not None:
            groups.append(branch_coordinator_group(index.branch, using=using))
        for group in groups:
            for permission in page_permissions:
                GroupPagePermission.objects.using(using).get_or_create(
                    group=group, page_id=index.pk, permission=permission
                )
    root = Collection.objects.using(using).filter(depth=1).first()
    if root is None:
        return
    GroupCollectionPermission.objects.using(using).filter(
        group=shared, collection=root, permission__in=document_permissions
    ).delete()
    for permission in document_permissions:
        GroupCollectionPermission.objects.using(using).get_or_create(
            group=national, collection=root, permission=permission
        )
    for branch in {index.branch for index in indexes if index.branch is not None}:
        collection = course_material_collection(branch, using=using)
        group = branch_coordinator_group(branch, using=using)
        for permission in document_permissions:
            GroupCollectionPermission.objects.using(using).get_or_create(
                group=group, collection=collection, permission=permission
            )
        own = CourseDocument.objects.using(using).filter(course__branch=branch)
        elsewhere = CourseDocument.objects.using(using).exclude(course__branch=branch)
        own_documents = own.exclude(document_id__in=elsewhere.values("document_id"))
        from wagtail.documents import get_document_model

        get_document_model().objects.using(using).filter(
            collection=root, pk__in=own_documents.values("document_id")
        ).update(collection=collection)
