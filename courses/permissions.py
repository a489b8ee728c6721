"""Who may see what of a course. Read only."""

from __future__ import annotations

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
DOCUMENT_PERMISSIONS = ("add_document", "choose_document")


def ensure_course_page_permissions(*, using: str = "default") -> None:
    """Coordinators and national staff add, edit and publish courses under every course
    overview page, and upload course material. Which branch's pages a coordinator may
    touch is limited in courses/wagtail_hooks.py. Idempotent."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

    from courses.models import CourseIndexPage
    from portal.permissions import COORDINATORS_GROUP, NATIONAL_STAFF_GROUP

    groups = [
        Group.objects.using(using).get_or_create(name=name)[0]
        for name in (COORDINATORS_GROUP, NATIONAL_STAFF_GROUP)
    ]
    page_permissions = list(
        Permission.objects.using(using).filter(
            content_type__app_label="wagtailcore", codename__in=COURSE_PAGE_PERMISSIONS
        )
    )
    indexes = list(CourseIndexPage.objects.using(using).only("pk"))
    for group in groups:
        for index in indexes:
            for permission in page_permissions:
                GroupPagePermission.objects.using(using).get_or_create(
                    group=group, page_id=index.pk, permission=permission
                )
    root = Collection.objects.using(using).filter(depth=1).first()
    if root is None:
        return
    for permission in Permission.objects.using(using).filter(
        content_type__app_label="wagtaildocs", codename__in=DOCUMENT_PERMISSIONS
    ):
        for group in groups:
            GroupCollectionPermission.objects.using(using).get_or_create(
                group=group, collection=root, permission=permission
            )
