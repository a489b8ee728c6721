"""Branch scoping for the Wagtail admin: a coordinator never sees another branch's people.

Use it for any model that belongs to a branch (volunteers here; courses, intervision
groups and referrals in their parts):

    register_permission_policy(Volunteer, BranchScopedPermissionPolicy(Volunteer))

    class VolunteerViewSet(BranchScopedModelViewSet):
        model = Volunteer

The policy adds "and only within the branches this user coordinates" to Django's model
permissions; the ViewSet makes every listing, search, export and object view go
through it, so guessing another branch's id gives a 404.
"""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.http import Http404
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.admin_tables import RowButtonsOnceMixin
from portal.models import Branch


class BranchScopedPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, limited to instances of the branches the user coordinates.

    `branch_field` is the lookup path from the model to its Branch ("branch",
    "course__branch", ...), along foreign keys only: each row then has one branch, and
    the filter (an `IN` over a subquery) never repeats a row, so no `DISTINCT` is
    needed. (`DISTINCT` made PostgreSQL sort every row of a national list on all its
    columns before the first page and before the paginator's count.) National staff and
    superusers see every branch.
    """

    def __init__(self, model: type[Model], *, branch_field: str = "branch", **kwargs):
        super().__init__(model, **kwargs)
        self.branch_field = branch_field
        _check_single_valued(model, branch_field)

    def filter_visible(self, user, queryset: QuerySet) -> QuerySet:
        from portal.permissions import is_national_staff

        if getattr(user, "is_authenticated", False) and is_national_staff(user):
            # Every branch: "has a branch" says the same as "in every branch" (foreign
            # keys hold), without a join over all branches in every national list.
            return queryset.filter(**{f"{self.branch_field}__isnull": False})
        return queryset.filter(**{f"{self.branch_field}__in": Branch.objects.coordinated_by(user)})

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet:
        return self.filter_visible(
            user, super().instances_user_has_any_permission_for(user, actions)
        )

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        if not super().user_has_permission_for_instance(user, action, instance):
            return False
        return self.is_visible(user, instance)

    def is_visible(self, user, instance: Model) -> bool:
        return self.filter_visible(
            user, self.model._default_manager.filter(pk=instance.pk)
        ).exists()


class FamilyDataPermissionPolicy(BranchScopedPermissionPolicy):
    """For family data (referrals, matches, visits): only the branches the user
    coordinates themselves, also for national staff and superusers, who see every
    branch's volunteers but no branch's families (DESIGN.md, "Personal data, in
    tiers")."""

    def filter_visible(self, user, queryset: QuerySet) -> QuerySet:
        return queryset.filter(
            **{f"{self.branch_field}__in": Branch.objects.with_families_visible_to(user)}
        )


def _check_single_valued(model: type[Model], path: str) -> None:
    """Refuse a path through a many-valued relation: it would repeat rows."""
    for name in path.split("__"):
        if name == "pk":
            return
        field = model._meta.get_field(name)
        if field.many_to_many or field.one_to_many:
            raise ValueError(f"{model.__name__}.{path}: scope along foreign keys only.")
        if field.related_model is None:
            return
        model = field.related_model


class _ScopedIndexMixin:
    def get_base_queryset(self):
        return self.permission_policy.filter_visible(self.request.user, super().get_base_queryset())


class _ScopedObjectMixin:
    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not self.permission_policy.is_visible(self.request.user, obj):
            raise Http404
        return obj


_OBJECT_VIEWS = (
    "add_view_class",
    "edit_view_class",
    "delete_view_class",
    "history_view_class",
    "usage_view_class",
    "copy_view_class",
    "inspect_view_class",
)


def _scope_view_classes(viewset) -> None:
    viewset.index_view_class = type(
        f"Scoped{viewset.index_view_class.__name__}",
        (_ScopedIndexMixin, RowButtonsOnceMixin, viewset.index_view_class),
        {},
    )
    for attribute in _OBJECT_VIEWS:
        view_class = getattr(viewset, attribute, None)
        if view_class is None or attribute == "add_view_class":
            continue
        setattr(
            viewset,
            attribute,
            type(f"Scoped{view_class.__name__}", (_ScopedObjectMixin, view_class), {}),
        )


class BranchScopedModelViewSet(ModelViewSet):
    """A ModelViewSet whose every view only reaches the user's own branches."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not isinstance(self.permission_policy, BranchScopedPermissionPolicy):
            raise TypeError(
                f"Register a BranchScopedPermissionPolicy for {self.model.__name__} first."
            )
        _scope_view_classes(self)


class BranchScopedSnippetViewSet(SnippetViewSet):
    """The same for snippets (models edited as Wagtail snippets)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not isinstance(self.permission_policy, BranchScopedPermissionPolicy):
            raise TypeError(
                f"Register a BranchScopedPermissionPolicy for {self.model.__name__} first."
            )
        _scope_view_classes(self)
