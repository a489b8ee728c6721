"""Admin wiring of `courses`: the course screens, the menu item, branch limits on
course pages, and the guard on course material."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.shortcuts import render
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from courses import admin_urls, services
from courses.admin_views import ADMIN_PERMISSION
from courses.models import CourseDocument, CourseIndexPage, CoursePage
from courses.permissions import can_see_material
from portal.models import Branch
from portal.permissions import is_national_staff


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("courses/", include(admin_urls, namespace="courses_admin"))]


class CoursesMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return request.user.has_perm(ADMIN_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_courses_menu_item():
    return CoursesMenuItem(
        _("Cursussen"), reverse("courses_admin:index"), icon_name="calendar", order=250
    )


# Course pages: which branch's pages a coordinator may touch is Wagtail's own page
# permission, granted to each branch's group on its course overview page
# (courses.permissions.ensure_course_page_permissions); no hook has to remember it.


@hooks.register("after_publish_page")
def fill_new_places(request, page):
    """More places after a publish: the waitlist moves up at once (and is told)."""
    if isinstance(page.specific_deferred, CoursePage):
        services.promote_from_waitlist(offering=page.specific)


@hooks.register("construct_explorer_page_queryset")
def hide_other_branches_courses(parent_page, pages, request):
    if is_national_staff(request.user):
        return pages
    mine = Branch.objects.coordinated_by(request.user)
    return pages.exclude(pk__in=CoursePage.objects.exclude(branch__in=mine).values("pk")).exclude(
        pk__in=CourseIndexPage.objects.exclude(branch__in=mine).values("pk")
    )


@hooks.register("register_page_listing_more_buttons")
def course_buttons(page, user, next_url=None):
    if not isinstance(page.specific_deferred, CoursePage) or not user.has_perm(ADMIN_PERMISSION):
        return
    yield Button(_("Deelnemers"), reverse("courses_admin:participants", args=[page.pk]), priority=3)
    yield Button(_("Aanwezigheid"), reverse("courses_admin:attendance", args=[page.pk]), priority=4)


# Course material -----------------------------------------------------------------------


@hooks.register("before_serve_document")
def guard_course_material(document, request):
    """A document attached to a course goes only to its participants and the branch's
    coordinators: anyone else gets the login page (anonymous) or a 403, never the file."""
    courses = list(
        CoursePage.objects.filter(
            Q(pk__in=CourseDocument.objects.filter(document=document).values("course_id"))
        )
    )
    if not courses:
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if any(can_see_material(request.user, course) for course in courses):
        return None
    return render(request, "403.html", status=403)
