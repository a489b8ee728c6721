"""Page permissions read once per request, cheaply, without the rows another row already
covers.

Wagtail reads every page permission of the user's groups (with its page and its
permission) on every admin page, for the menu and the search area. National staff hold
add, change and publish on every branch's course overview and newsletter archive
(`courses.permissions`, `newsletter`): 390 rows at 60 branches. Building a Page (a
ClusterableModel, expensive to construct) and a Permission for every row cost 20 ms a
request there (bench/bench_scale.py, docs/scale.md), and leaving the covered rows out in
SQL (an anti-join, quadratic in the rows) 15 ms.

So the rows are read as plain values, the covered ones are left out here, each page and
permission is built once and shared by its rows (a page holds three or more rights),
and a row is a plain object, not a model instance: three small queries.

A row is covered when the user holds the same permission on an ancestor of its page
(through any group): a permission on a page grants the same on every page below it, and
every check Wagtail makes with these rows (a permission on a page or any, the pages one
may edit or add under, the explorable root) takes the union over the rows' pages and
their descendants, so such a row adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Permission
from wagtail.models import GroupPagePermission, Page
from wagtail.permission_policies.pages import PagePermissionPolicy

# The page fields Wagtail's checks read from a permission's page (the tree position,
# and the page's own id); the rest load on first use.
_PAGE_FIELDS = ("id", "path", "depth", "numchild", "content_type_id", "locale_id", "owner_id")


@dataclass(frozen=True, eq=False, slots=True)
class PagePermissionRow:
    """One of the user's page permissions, as Wagtail's checks read it (`page`,
    `page_id`, `permission.codename`). Wagtail's permission policies may hold "custom
    permission objects defined by the policy, which are not necessarily model
    instances" (`BasePermissionPolicy.get_all_permissions_for_user`); a plain object
    costs a fraction of a GroupPagePermission with its two related objects set."""

    pk: int
    group_id: int
    page_id: int
    permission_id: int
    page: Page
    permission: Permission


def get_all_permissions_for_user(self, user) -> list[PagePermissionRow]:
    if not user.is_active or user.is_anonymous or user.is_superuser:
        return []
    rows = list(
        GroupPagePermission.objects.filter(group__user=user).values_list(
            "pk", "group_id", "page_id", "permission_id", "page__path"
        )
    )
    held = {(permission_id, path) for _, _, _, permission_id, path in rows}
    kept = [row for row in rows if not _covered(row[3], row[4], held)]
    pages = Page.objects.only(*_PAGE_FIELDS).in_bulk({row[2] for row in kept})
    permissions = Permission.objects.select_related("content_type").in_bulk(
        {row[3] for row in kept}
    )
    return [
        PagePermissionRow(
            pk, group_id, page_id, permission_id, pages[page_id], permissions[permission_id]
        )
        for pk, group_id, page_id, permission_id, _ in kept
    ]


def _covered(permission_id: int, path: str, held: set[tuple[int, str]]) -> bool:
    """Whether the same permission is held on a strict ancestor of the page at `path`."""
    step = Page.steplen
    return any((permission_id, path[:length]) in held for length in range(step, len(path), step))


def install() -> None:
    PagePermissionPolicy.get_all_permissions_for_user = get_all_permissions_for_user
