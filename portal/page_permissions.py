"""Page permissions read once per request, without the rows another row already covers.

Wagtail reads every page permission of the user's groups (with its page and its
permission) on every admin page, for the menu and the search area. National staff
hold add, change and publish on every branch's course overview and newsletter archive
(`courses.permissions`, `newsletter`) and on the whole tree through the editors'
group: 366 rows at 60 branches, about a thousand model instances per request
(bench/bench_scale.py, docs/scale.md). A permission on a page grants the same on every
page below it, so a row whose permission the user also holds on an ancestor adds
nothing: every check Wagtail makes with these rows (a permission on a page or any,
the pages one may edit or add under, the explorable root) takes the union over the
rows' pages and their descendants. This leaves those rows out in the same query.
"""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Length, Substr
from wagtail.models import GroupPagePermission
from wagtail.permission_policies.pages import PagePermissionPolicy

_wagtail_get_all_permissions_for_user = PagePermissionPolicy.get_all_permissions_for_user


def get_all_permissions_for_user(self, user):
    permissions = _wagtail_get_all_permissions_for_user(self, user)
    if not user.is_active or user.is_anonymous or user.is_superuser:
        return permissions
    covering = (
        GroupPagePermission.objects.filter(
            group__user=user,
            permission_id=OuterRef("permission_id"),
            page__depth__lt=OuterRef("page__depth"),
        )
        .annotate(below=Substr(OuterRef("page__path"), 1, Length("page__path")))
        .filter(below=F("page__path"))
    )
    return permissions.exclude(Exists(covering))


def install() -> None:
    PagePermissionPolicy.get_all_permissions_for_user = get_all_permissions_for_user
