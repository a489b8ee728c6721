"""Page permissions read once per request, cheaply, without the rows another row already
covers.

Wagtail reads every page permission of the user's groups (with its page and its
permission) on every admin page, for the menu and the search area. National staff hold
add, change and publish on every branch's course overview and newsletter archive
(`courses.permissions`, `newsletter`): 390 rows at 60 branches. Building a Page (a
ClusterableModel, expensive to construct) and a Permission for every row cost 20 ms a
request there (bench/bench_scale.py, docs/scale.md), and leaving the covered rows out in
SQL (an anti-join, quadratic in the rows) 15 ms.

So the rows are read as plain values, the covered ones are left out here, each
permission is built once and shared by its rows, and a row is a plain object, not a
model instance. A row's page is built only when a check reads it, all the rows' pages in
one query: most admin requests never do. Every admin page asks for the explorable root
(the sidebar's page explorer, the search area), which needs only the pages' paths, and
those come with the rows; building the 70 pages of national staff's rows took 4 ms.

A row is covered when the user holds the same permission on an ancestor of its page
(through any group): a permission on a page grants the same on every page below it, and
every check Wagtail makes with these rows (a permission on a page or any, the pages one
may edit or add under, the explorable root) takes the union over the rows' pages and
their descendants, so such a row adds nothing.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib.auth.models import Permission
from wagtail.models import GroupPagePermission, Page
from wagtail.permission_policies.pages import PagePermissionPolicy

# The page fields Wagtail's checks read from a permission's page (the tree position,
# and the page's own id); the rest load on first use.
_PAGE_FIELDS = ("id", "path", "depth", "numchild", "content_type_id", "locale_id", "owner_id")
# The rights that make a page explorable (PagePermissionPolicy.
# instances_with_direct_explore_permission).
_EXPLORE_ACTIONS = {"add", "change", "publish", "lock", "unlock", "bulk_delete"}


class _Pages:
    """The pages of one user's rows, read together the first time a row's page is."""

    __slots__ = ("ids", "loaded")

    def __init__(self, ids: set[int]):
        self.ids, self.loaded = ids, None

    def __getitem__(self, page_id: int) -> Page:
        if self.loaded is None:
            self.loaded = Page.objects.only(*_PAGE_FIELDS).in_bulk(self.ids)
        return self.loaded[page_id]


class PagePermissionRow:
    """One of the user's page permissions, as Wagtail's checks read it (`page`,
    `page_id`, `permission.codename`). Wagtail's permission policies may hold "custom
    permission objects defined by the policy, which are not necessarily model
    instances" (`BasePermissionPolicy.get_all_permissions_for_user`); a plain object
    costs a fraction of a GroupPagePermission with its two related objects set."""

    __slots__ = ("_pages", "group_id", "page_id", "page_path", "permission", "permission_id", "pk")

    def __init__(self, pk, group_id, page_id, permission_id, page_path, permission, pages):
        self.pk, self.group_id, self.page_id = pk, group_id, page_id
        self.permission_id, self.page_path, self.permission = permission_id, page_path, permission
        self._pages = pages

    @property
    def page(self) -> Page:
        return self._pages[self.page_id]


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
    pages = _Pages({row[2] for row in kept})
    permissions = Permission.objects.select_related("content_type").in_bulk(
        {row[3] for row in kept}
    )
    return [
        PagePermissionRow(
            pk, group_id, page_id, permission_id, path, permissions[permission_id], pages
        )
        for pk, group_id, page_id, permission_id, path in kept
    ]


def explorable_root_instance(self, user):
    """Wagtail's explorable root (the deepest page above every page the user may add,
    change, publish, lock, unlock or bulk-delete), found from the rows' paths."""
    if user.is_superuser or hasattr(user, self._explorable_root_instance_cache_name):
        return _wagtail_explorable_root_instance(self, user)
    codenames = self._get_permission_codenames(_EXPLORE_ACTIONS)
    at = [
        SimpleNamespace(path=row.page_path)
        for row in self.get_cached_permissions_for_user(user)
        if row.permission.codename in codenames
    ]
    try:
        root = self.model.base_page_model.objects.first_common_ancestor_of(
            at, include_self=True, strict=True
        )
    except self.model.base_page_model.DoesNotExist:
        root = None
    setattr(user, self._explorable_root_instance_cache_name, root)
    return root


def _covered(permission_id: int, path: str, held: set[tuple[int, str]]) -> bool:
    """Whether the same permission is held on a strict ancestor of the page at `path`."""
    step = Page.steplen
    return any((permission_id, path[:length]) in held for length in range(step, len(path), step))


_wagtail_explorable_root_instance = PagePermissionPolicy.explorable_root_instance


def install() -> None:
    PagePermissionPolicy.get_all_permissions_for_user = get_all_permissions_for_user
    PagePermissionPolicy.explorable_root_instance = explorable_root_instance
