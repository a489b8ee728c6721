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


@pytest.fixture
def branch_pages(branch, other_branch):
    from courses.permissions import ensure_course_page_permissions
    from tests.courses.factories import course_index
    from tests.newsletter.factories import newsletter_index

    course_index(branch)
    course_index(other_branch)
    newsletter_index()
    ensure_course_page_permissions()


@pytest.mark.parametrize(
    "who", ["coordinator", "other_branch_coordinator", "staff", "editor", "plain_user"]
)
def test_the_explorable_root_is_wagtails_without_building_a_page(
    request, branch_pages, who, django_assert_num_queries
):
    """The sidebar asks for it on every admin page; it is found from the rows' paths."""
    from portal.page_permissions import _wagtail_explorable_root_instance

    user = request.getfixturevalue(who)
    policy = PagePermissionPolicy()
    theirs = type(user).objects.get(pk=user.pk)
    ours = type(user).objects.get(pk=user.pk)
    expected = _wagtail_explorable_root_instance(policy, theirs)
    policy.get_all_permissions_for_user(ours)  # warm the content types
    ours = type(user).objects.get(pk=user.pk)
    rows = policy.get_cached_permissions_for_user(ours)
    # The common ancestor itself, and nothing else: the rows' pages are not read.
    with django_assert_num_queries(1 if rows else 0):
        assert policy.explorable_root_instance(ours) == expected
    if who in ("coordinator", "staff"):
        assert expected is not None
    # A row's page is still there when a check reads it: all of them in one query.
    if rows:
        with django_assert_num_queries(1):
            assert {row.page.pk for row in rows} == {row.page_id for row in rows}
            assert all(row.page.path == row.page_path for row in rows)
