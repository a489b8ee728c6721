from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


def _ensure_role_groups(sender, using: str = "default", **kwargs) -> None:
    from portal.services.roles import ensure_role_groups

    ensure_role_groups(using=using)


def _sync_branch_groups_after_migrate(sender, using: str = "default", **kwargs) -> None:
    from portal.services.roles import sync_all_branch_groups

    sync_all_branch_groups(using=using)


def _branch_saved(sender, instance, raw: bool = False, using: str = "default", **kwargs):
    if raw:
        return
    from portal.services.roles import branch_coordinator_group

    branch_coordinator_group(instance, using=using)


def _coordinators_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs):
    """Branch.coordinators changed (the branch form, or the role service): the branch
    groups follow, whichever side of the relation was written."""
    if not action.startswith("post_"):
        return
    from portal.models import Branch
    from portal.services.roles import log_coordinator_change, sync_branch_coordinators

    if reverse:  # user.coordinated_branches.add(...): instance is the user
        branches = Branch.objects.filter(pk__in=pk_set) if pk_set else Branch.objects.all()
    else:
        branches = [instance]
    for branch in branches:
        sync_branch_coordinators(branch)
    if action in ("post_add", "post_remove") and pk_set:
        user_ids = [instance.pk] if reverse else sorted(pk_set)
        for branch in branches:
            log_coordinator_change(branch, user_ids=user_ids, added=action == "post_add")


class PortalConfig(AppConfig):
    name = "portal"
    label = "portal"
    verbose_name = _("Portaal")

    def ready(self) -> None:
        # Permissions exist only once every app has migrated, so the role groups are
        # brought in line after each migrate run instead of inside a migration.
        post_migrate.connect(_ensure_role_groups, dispatch_uid="portal-ensure-role-groups")
        post_migrate.connect(
            _sync_branch_groups_after_migrate, sender=self, dispatch_uid="portal-branch-groups"
        )
        from django.db.models.signals import m2m_changed, post_save

        from portal.models import Branch

        post_save.connect(_branch_saved, sender=Branch, dispatch_uid="portal-branch-group")
        m2m_changed.connect(
            _coordinators_changed,
            sender=Branch.coordinators.through,
            dispatch_uid="portal-branch-coordinators",
        )

        # Importing `lookups` registers `__any_of` on every field (portal/lookups.py).
        from portal import dashboard, db, lookups, page_permissions  # noqa: F401

        # 503 instead of 500 when the connection pool is full; no pool shared over a fork.
        db.install()
        # Page permissions an ancestor's already grants are not read on every admin page.
        page_permissions.install()

        from portal.demo import build_portal_demo
        from portal.registry import register_demo_builder, register_scale_seeder
        from portal.scale import seed_portal

        register_demo_builder("portal", build_portal_demo, order=0)
        register_scale_seeder("portal", seed_portal, order=0)
        dashboard.register()


class UsersAppConfig(WagtailUsersAppConfig):
    """wagtail.users, with user screens that hand out no roles (portal/users_admin.py)."""

    user_viewset = "portal.users_admin.UserViewSet"
