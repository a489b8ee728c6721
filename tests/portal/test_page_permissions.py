"""Page permissions another of the user's rows already covers are not read
(portal/page_permissions.py): same answers, fewer rows."""

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def grant(group, page, codename):
    GroupPagePermission.objects.create(
        group=group,
        page=page,
        permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
    )


def rows(user):
    return sorted(
        (perm.page.depth, perm.permission.codename)
        for perm in PagePermissionPolicy().get_all_permissions_for_user(user)
    )


def test_a_permission_held_on_an_ancestor_leaves_the_row_below_out():
    root = Page.get_first_root_node()
    home = root.get_children().first()
    editors, branch = Group.objects.create(name="e"), Group.objects.create(name="b")
    grant(editors, root, "change_page")
    grant(branch, home, "change_page")
    grant(branch, home, "publish_page")  # not held above: kept
    both, below_only = UserFactory(), UserFactory()
    both.groups.add(editors, branch)
    below_only.groups.add(branch)

    assert rows(both) == [(1, "change_page"), (2, "publish_page")]
    assert rows(below_only) == [(2, "change_page"), (2, "publish_page")]
    policy = PagePermissionPolicy()
    for user in (both, below_only):
        user = type(user).objects.get(pk=user.pk)  # no cached rows
        assert policy.user_has_permission_for_instance(user, "change", home)
        assert policy.user_has_permission_for_instance(user, "publish", home)
        assert policy.user_has_permission_for_instance(user, "change", root) is (user == both)
