from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_editor_permissions(sender, using: str = "default", **kwargs) -> None:
    from portal.pages.permissions import ensure_editor_permissions

    ensure_editor_permissions(using=using)


class PagesConfig(AppConfig):
    name = "portal.pages"
    label = "pages"
    verbose_name = _("Publieke pagina's")

    def ready(self) -> None:
        from portal.pages import permissions, signals
        from portal.pages.demo import build_pages_demo
        from portal.registry import register_demo_builder

        signals.connect()
        # New public sections under a home page are the editors' at once.
        permissions.connect()
        # After every app's migrate (like the role groups): the permissions it grants
        # belong to apps that migrate after this one.
        post_migrate.connect(_ensure_editor_permissions, dispatch_uid="pages-editor-permissions")
        # Replaces the foundation's minimal home page with the full public site.
        register_demo_builder("pages", build_pages_demo, order=20)
