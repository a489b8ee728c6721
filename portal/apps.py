from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_role_groups(sender, using: str = "default", **kwargs) -> None:
    from portal.services.roles import ensure_role_groups

    ensure_role_groups(using=using)


class PortalConfig(AppConfig):
    name = "portal"
    label = "portal"
    verbose_name = _("Portaal")

    def ready(self) -> None:
        # Permissions exist only once every app has migrated, so the role groups are
        # brought in line after each migrate run instead of inside a migration.
        post_migrate.connect(_ensure_role_groups, dispatch_uid="portal-ensure-role-groups")

        from portal.demo import build_portal_demo
        from portal.registry import register_demo_builder

        register_demo_builder("portal", build_portal_demo, order=0)
